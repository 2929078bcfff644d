package io.changelake.engine.mirror;

import io.changelake.api.model.SourcePosition;
import io.changelake.api.spi.CommitKind;
import io.changelake.api.spi.TableWriter;
import java.time.Instant;

/**
 * One commit of one table, taken out of its {@link TableMirror} by {@link TableMirror#stage} and
 * written by {@link TableMirror#write}: the rows and changes gathered, and the source position the
 * table will hold once it lands.
 */
public final class MirrorCommit {
  private final SourcePosition position;
  private final long changes;
  private final long rows;
  private final Instant newestSourceTime;
  /** Rows streamed into an open writer (snapshot, append mode), or null. */
  private final TableWriter writer;
  /** Upsert-mode changes folded by key, or null. */
  private final KeyedFold fold;
  /** Whether the commit replaces the table's rows. */
  private final boolean overwrite;
  private final CommitKind kind;

  MirrorCommit(SourcePosition position, long changes, long writerRows, Instant newestSourceTime, TableWriter writer,
      KeyedFold fold, boolean overwrite, CommitKind kind) {
    this.position = position;
    this.changes = changes;
    this.rows = writerRows + (fold == null ? 0 : fold.writes(overwrite));
    this.newestSourceTime = newestSourceTime;
    this.writer = writer;
    this.fold = fold;
    this.overwrite = overwrite;
    this.kind = kind;
  }

  /** The position the table holds every change up to once this commit lands. */
  public SourcePosition position() {
    return position;
  }

  /** The source changes in this commit. */
  public long changes() {
    return changes;
  }

  /** The rows this commit writes: inserted, replaced or deleted, after folding by key. */
  public long rows() {
    return rows;
  }

  /** When the source committed the newest change in this commit, or null when it holds none. */
  public Instant newestSourceTime() {
    return newestSourceTime;
  }

  TableWriter writer() {
    return writer;
  }

  KeyedFold fold() {
    return fold;
  }

  boolean overwrite() {
    return overwrite;
  }

  /** What the commit records it did. */
  CommitKind kind() {
    return kind;
  }
}
