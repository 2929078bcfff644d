package io.changelake.api.model;

/**
 * A point in a source's change stream: everything up to and including it has been emitted.
 *
 * <p>Positions of one source are totally ordered in emission order, and a position's
 * {@link #serialize() serialized form} is what a table commit stores so that a restarted
 * pipeline can skip what the table already holds. The source that produced a position parses it
 * back ({@code Source#parsePosition}).
 */
public interface SourcePosition extends Comparable<SourcePosition> {

  /** A string that round-trips through {@code Source#parsePosition}. */
  String serialize();

  /** Whether this position lies inside the initial snapshot (before streaming began). */
  boolean inSnapshot();

  /** A short human form for logs and status (e.g. an LSN). */
  String describe();
}
