package io.changelake.api.spi;

import io.changelake.api.model.SourcePosition;
import java.util.List;
import java.util.Optional;

/**
 * A database (or other change stream) that emits {@link io.changelake.api.model.ChangeEvent}s.
 *
 * <p>Life cycle: {@link #discover()} once, then {@link #start} once, then any number of
 * {@link #acknowledge} calls, then {@link #close()}. A source only produces events and takes
 * acknowledgements; it never writes tables.
 */
public interface Source extends AutoCloseable {

  /**
   * Connects, checks every prerequisite (reachability, credentials, privileges, server settings),
   * and returns the selected tables with their schemas. Creates nothing.
   *
   * @throws SourceException with a message that names the problem and its fix
   */
  List<SourceTable> discover();

  /**
   * Starts emitting changes to {@code listener}, from one thread, in position order.
   *
   * <p>With {@code resumeFrom} empty the source starts as configured (e.g. initial snapshot, then
   * streaming). Otherwise it continues after {@code resumeFrom}; it may re-emit changes at or
   * before that position, which the caller skips. Returns once emission has begun; failures after
   * that are reported through {@link ChangeListener#onFailure}.
   */
  void start(Optional<SourcePosition> resumeFrom, ChangeListener listener);

  /**
   * Tells the source that every change up to and including {@code position} is durably committed
   * to every table, so it may release them (e.g. advance a replication slot). Thread-safe.
   */
  void acknowledge(SourcePosition position);

  /** Parses a string produced by {@link SourcePosition#serialize()} of this source. */
  SourcePosition parsePosition(String serialized);

  /** How far {@code position} is behind the source's newest change, in bytes; -1 when unknown. */
  default long lagBytes(SourcePosition position) {
    return -1;
  }

  /** What the user changes on this source when the pipeline reports a problem with one of its tables. */
  default SourceAdvice advice() {
    return SourceAdvice.GENERIC;
  }

  /**
   * How this source reports an UPDATE that changes a row's key: false (the default) when it sends one
   * UPDATE whose before-image holds the old key; true when it sends a DELETE of the old key directly
   * followed by an INSERT of the new key, the INSERT leaving out
   * ({@link io.changelake.api.model.Row#UNAVAILABLE}) the values it did not change. Read after
   * {@link #start}, which may choose how the source reads.
   */
  default boolean splitsKeyChanges() {
    return false;
  }

  /** Stops emitting and releases connections. Keeps durable state (slots) unless configured otherwise. */
  @Override
  void close();
}
