package io.changelake.api.spi;

import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;

/**
 * Writes one commit's worth of rows to a table.
 *
 * <p>Each key is written at most once per writer (the commit loop folds changes by key first).
 * Memory stays bounded: rows stream into data files as they come. Nothing is visible to readers
 * until {@link #commit} returns; {@link #abort} (or a crash) leaves the table as it was. A row holding
 * {@link Row#UNAVAILABLE} is refused with an {@link IllegalStateException} naming the column: the caller
 * resolves such values first.
 */
public interface TableWriter extends AutoCloseable {

  /**
   * Makes this write replace the table: once {@link #commit} returns, the table holds only the rows
   * written here (a table whose initial snapshot is taken again). Call before writing any row; an
   * overwriting writer takes {@link #insert} only.
   */
  void overwrite();

  /** Adds a row whose key is not in the table (snapshot rows, fresh inserts, append-mode rows). */
  void insert(Row row);

  /**
   * Replaces the row with the same key, if any, by {@code row}. Upsert-mode tables only: an append-mode
   * table's writer throws {@link UnsupportedOperationException}.
   */
  void upsert(Row row);

  /** Removes the row with this key, if any. Upsert-mode tables only, as {@link #upsert}. */
  void delete(RowKey key);

  /**
   * Atomically makes everything written visible together with {@code metadata}.
   *
   * <p>One pipeline writes a table: the commit is refused when, as it lands, the table's newest pipeline commit was
   * made by another named pipeline than {@code metadata.pipeline()} and is not the newest pipeline commit the table
   * held when this writer's {@link SinkTable} was opened (that one is a pipeline taken over). So of two pipelines
   * that open a table before either commits, only the first to commit writes it, whatever the timing; compactions
   * and maintenance, which record no pipeline, do not count.
   *
   * @throws OwnerConflictException when another pipeline committed to the table since it was opened; nothing
   *     of this commit lands and the writer is aborted
   * @throws CommitStateUnknownException when the outcome cannot be known; the caller must not
   *     assume either outcome and must not acknowledge the source
   */
  void commit(CommitMetadata metadata);

  /** Discards what was written. Safe to call after a failed commit. */
  void abort();

  /** Aborts unless committed. */
  @Override
  void close();
}
