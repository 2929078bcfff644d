package io.changelake.api.spi;

import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.schema.SchemaChange;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One lake table, as seen by the commit loop.
 *
 * <p>Rows handed to writers are positioned by {@link #schema()}.
 *
 * <p>Implementations need not be thread-safe: the commit loop uses a table from one thread at a time,
 * its own or its committer's, handing it over with a happens-before edge. Only {@link #id()} and {@link
 * #mode()}, which never change, are read from both.
 */
public interface SinkTable {

  TableId id();

  /** The table's current columns and key. */
  TableSchema schema();

  WriteMode mode();

  /**
   * What the latest pipeline commit recorded, or empty if none has happened yet. Snapshots without
   * {@link CommitMetadata} (compactions, other engines' maintenance) are skipped.
   */
  Optional<CommitMetadata> lastCommit();

  /**
   * Applies schema changes in one metadata commit; {@link #schema()} reflects them afterwards.
   * Changes are already validated (see {@link io.changelake.api.schema.SchemaEvolution}).
   */
  void evolve(List<SchemaChange> changes);

  /** The current rows for {@code keys} (those that exist), read from the last commit. */
  Map<RowKey, Row> lookup(Collection<RowKey> keys);

  /** Starts a write; nothing becomes visible until {@link TableWriter#commit}. */
  TableWriter newWriter();

  /** Every retained version, oldest first. */
  List<TableSnapshot> snapshots();

  /**
   * Reads the table as of {@code snapshotId}, or the latest version when null.
   *
   * @throws SinkException when no such snapshot exists
   */
  RowScan scan(Long snapshotId);

  /**
   * Reads the table as of {@code snapshotId} (the latest version when null) as {@code request} asks: the rows hold
   * at least its columns ({@link RowScan#schema()} positions them) and the scan yields at least the rows that meet
   * its filters, with every delete applied. The format reads what it can skip no further: the caller evaluates the
   * filters itself. This default reads everything.
   *
   * @throws SinkException when no such snapshot exists
   */
  default RowScan scan(Long snapshotId, ReadRequest request) {
    return scan(snapshotId);
  }

  /**
   * The files a reader of the version at {@code snapshotId} (the latest when null) reads: data files and the
   * delete files applied to them; empty for a table without commits.
   *
   * @throws SinkException when no such snapshot exists
   */
  List<TableFile> files(Long snapshotId);

  /**
   * Rewrites the table so that readers merge nothing: its live rows in new data files, with no
   * deletes or overlapping runs left to apply. A table that already reads without merging (an append
   * table, a copy-on-write format) is left as it is: {@link CompactionResult#nothingToDo}.
   *
   * <p>The compaction may run while a pipeline writes the table. A pipeline commit that lands meanwhile
   * is kept, its deletes still applying to the rewritten rows. The compaction's own snapshot records no
   * {@link CommitMetadata}: {@link #lastCommit()} skips it and keeps returning the last pipeline commit.
   * When the two conflict (both rewrote the same files, or the table was overwritten meanwhile), the
   * compaction fails with a {@link SinkException}, deletes what it wrote and leaves the table as it was;
   * running it again is safe.
   *
   * @throws SinkException when the table cannot be compacted or a concurrent change conflicts
   * @throws CommitStateUnknownException when the outcome of the commit cannot be known
   */
  CompactionResult compact();

  /**
   * Expires the versions {@code policy} does not retain (see {@link MaintenancePolicy#oldestRetained}), deletes
   * the files only they referenced, and deletes orphan files: files in the table's folder that no retained version
   * references, older than {@link MaintenancePolicy#orphanAge()} (left by a commit that failed or crashed).
   *
   * <p>Retained versions stay readable through {@link #scan(Long)}, and {@link #lastCommit()} is unchanged: the
   * newest pipeline commit is always retained. Runs between commits of the same writer; a failure leaves every
   * retained version readable, and running it again is safe.
   *
   * @throws SinkException when the table's versions or files cannot be read or removed
   */
  MaintenanceResult maintain(MaintenancePolicy policy);
}
