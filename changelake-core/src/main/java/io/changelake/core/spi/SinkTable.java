package io.changelake.core.spi;

import io.changelake.core.model.Row;
import io.changelake.core.model.RowKey;
import io.changelake.core.model.TableId;
import io.changelake.core.model.TableSchema;
import io.changelake.core.schema.SchemaChange;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One lake table, as seen by the commit loop.
 *
 * <p>Rows handed to writers are positioned by {@link #schema()}.
 */
public interface SinkTable {

  TableId id();

  /** The table's current columns and key. */
  TableSchema schema();

  WriteMode mode();

  /** What the latest commit recorded, or empty if no pipeline commit has happened yet. */
  Optional<CommitMetadata> lastCommit();

  /**
   * Applies schema changes in one metadata commit; {@link #schema()} reflects them afterwards.
   * Changes are already validated (see {@link io.changelake.core.schema.SchemaEvolution}).
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
}
