package io.changelake.api.spi;

import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableId;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
   * As {@link #discover()}, for a command that runs beside the pipeline's own sync (one that checks a request it
   * leaves for that sync): leaves out the checks of what the running sync holds (a replication slot it reads), so
   * it neither waits for nor fails on them. {@link #copiesTablesAlone()} may be read after it. Creates nothing. The
   * default is {@link #discover()}: a source whose discovery holds nothing of the sync's.
   *
   * @throws SourceException with a message that names the problem and its fix
   */
  default List<SourceTable> discoverBesideSync() {
    return discover();
  }

  /**
   * Runs every preflight check {@link #discover()} runs, without stopping at the first failure, and returns
   * each check's result in order; creates nothing. The default runs {@link #discover()} as one check.
   */
  default List<CheckResult> checks() {
    try {
      return List.of(CheckResult.passed("source reachable, " + discover().size() + " table(s) selected"));
    } catch (SourceException e) {
      return List.of(CheckResult.failed("source reachable, tables selected", e.getMessage()));
    }
  }

  /**
   * What a sync would create or use in the source for its capture, one line each (e.g. {@code replication slot
   * 'x': does not exist, created by the sync}), creating nothing. Called after {@link #discover()}. Empty (the
   * default) when a pipeline keeps nothing in the source.
   */
  default List<String> capturePlan() {
    return List.of();
  }

  /**
   * What this pipeline created in the source for its capture and that exists now (e.g. {@code replication slot
   * 'x'}), which {@link #dropCreated()} drops; empty (the default) when the source keeps nothing for it.
   * Usable without {@link #discover()}.
   */
  default List<String> created() {
    return List.of();
  }

  /**
   * Drops what {@link #created()} lists, only what this pipeline created, and returns a line per object
   * (dropped, or left and why). Usable without {@link #discover()}.
   *
   * @throws SourceException, dropping nothing, while another process reads them (naming it)
   */
  default List<String> dropCreated() {
    return List.of();
  }

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
   * Whether this source can copy some tables alone while it streams the others ({@link #start(Optional,
   * Set, ChangeListener)} with copies). Read after {@link #discover()}. False by default: a table added to
   * the pipeline then takes a new initial snapshot of every table.
   */
  default boolean copiesTablesAlone() {
    return false;
  }

  /**
   * Like {@link #start(Optional, ChangeListener)}, continuing after {@code resumeFrom}, but copies the
   * tables in {@code copies} alone (e.g. a table added to a running pipeline) while it streams every
   * table. A copied table's rows come as {@link io.changelake.api.model.Operation#SNAPSHOT} events (with
   * positions {@linkplain SourcePosition#inSnapshot() inside a snapshot}, not ordered with the stream's);
   * once the last of them was emitted, {@link ChangeListener#onTableCopied} gives the stream position the
   * copy is consistent with. The copied table's streamed changes at or before that position are not
   * emitted (they are in the copy); those after it are, possibly before the copy ends, and must be applied
   * after the copied rows. With no copies this is {@link #start(Optional, ChangeListener)}.
   *
   * @throws UnsupportedOperationException when copies are asked of a source that does not
   *     {@linkplain #copiesTablesAlone() copy tables alone}
   */
  default void start(Optional<SourcePosition> resumeFrom, Set<TableId> copies, ChangeListener listener) {
    if (!copies.isEmpty()) {
      throw new UnsupportedOperationException(getClass().getSimpleName() + " does not copy tables alone");
    }
    start(resumeFrom, listener);
  }

  /**
   * Whether this source can start some tables alone from its beginning for them while it resumes the others
   * ({@link #start(Optional, Set, Set, ChangeListener)} with tables to start). Such a source keeps each table's
   * changes from their start (a topic's records), so a table added to the pipeline needs no copy: its changes
   * come from where the source starts a table it has no position for, and every other table resumes after the
   * position it holds, nothing re-applied to it. Read after {@link #discover()}. False by default: a table added
   * to the pipeline is then copied alone ({@link #copiesTablesAlone()}) or takes a new initial snapshot of every
   * table.
   */
  default boolean startsTablesAlone() {
    return false;
  }

  /**
   * Like {@link #start(Optional, Set, ChangeListener)}, but each table in {@code starts} (a table no lake table
   * of which holds a position yet) starts alone: its changes come from where {@link #start(Optional,
   * ChangeListener)} without a position would begin them, even when {@code resumeFrom} lies beyond that, as
   * ordinary changes at stream positions (no {@link io.changelake.api.model.Operation#SNAPSHOT} rows). Every other
   * table's changes come as they would after {@code resumeFrom}. Every position emitted from then on covers the
   * started tables as well as the others, so the first commit of a started table at one of them is where a later
   * start resumes it. A change of another table that comes again because of a started table (a topic both feed,
   * read again from its start) lies at or before what that table holds, and the caller skips it as after any
   * restart. With no tables to start this is {@link #start(Optional, Set, ChangeListener)}.
   *
   * @throws UnsupportedOperationException when tables to start are asked of a source that does not
   *     {@linkplain #startsTablesAlone() start tables alone}
   */
  default void start(Optional<SourcePosition> resumeFrom, Set<TableId> copies, Set<TableId> starts,
      ChangeListener listener) {
    if (!starts.isEmpty()) {
      throw new UnsupportedOperationException(getClass().getSimpleName() + " does not start tables alone");
    }
    start(resumeFrom, copies, listener);
  }

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

  /**
   * Figures about the capture now, e.g. what the source retains for the pipeline
   * ({@link SourceMetric#RETAINED_BYTES}); empty (the default) when the source has none. May query the
   * source; runtimes call it every few seconds, from a thread of their own, once {@link #discover()} ran.
   * Returns what it can read and leaves out the rest rather than failing.
   */
  default List<SourceMetric> metrics() {
    return List.of();
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

  /**
   * Reads one of the selected tables as of one consistent position, for comparing it with its lake table, without
   * disturbing a running sync (nor waiting for its slot); usable without {@link #discover()}. The default refuses:
   * not every source can.
   *
   * @param table the table's full name (e.g. {@code public.orders}) or, when only one selected table has it, its
   *     name alone ({@code orders})
   * @throws UnsupportedOperationException when this source cannot
   * @throws SourceException when no selected table has that name or the source cannot be read, saying why
   */
  default ConsistentRead readConsistent(String table) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot read a table as of one position");
  }

  /** Stops emitting and releases connections. Keeps durable state (slots) unless configured otherwise. */
  @Override
  void close();
}
