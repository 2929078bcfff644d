package io.changelake.sink.paimon;

import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.schema.SchemaChange;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.CompactionResult;
import io.changelake.api.spi.MaintenancePolicy;
import io.changelake.api.spi.MaintenanceResult;
import io.changelake.api.spi.OwnerConflictException;
import io.changelake.api.spi.ReadRequest;
import io.changelake.api.spi.RowScan;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableFile;
import io.changelake.api.spi.TableSnapshot;
import io.changelake.api.spi.TableWriter;
import io.changelake.api.spi.WriteMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.paimon.CoreOptions;
import org.apache.paimon.Snapshot;
import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.io.DataFileMeta;
import org.apache.paimon.table.FileStoreTable;
import org.apache.paimon.table.source.DataSplit;
import org.apache.paimon.table.source.Split;
import org.apache.paimon.utils.SnapshotManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Paimon table as the commit loop sees it. Not thread-safe: used by one thread at a time (see {@link
 * io.changelake.api.spi.SinkTable}).
 *
 * <p>Every pipeline commit is one Paimon commit by {@link PaimonTableWriter#COMMIT_USER} whose
 * snapshot properties hold the {@link CommitMetadata} keys (a compaction in the same commit makes a
 * second snapshot with the same properties). {@link #compact()} commits as
 * {@link PaimonCompaction#COMMIT_USER} without them; {@link #lastCommit()} skips such snapshots.
 *
 * <p>The {@link PaimonWrite} of a commit that landed cleanly stays open for the next writer, so bucket
 * compactions run in the background between commits; {@link #releaseWrite()} stops them.
 */
final class PaimonTable implements SinkTable {
  private static final Logger LOG = LoggerFactory.getLogger(PaimonTable.class);

  private final TableId id;
  private final Catalog catalog;
  private final WriteMode mode;
  private final String tmpDir;
  private FileStoreTable table;
  private RowConversion conversion;
  private final Consumer<PaimonTable> keeping;
  private PaimonWrite kept;
  /** The snapshot id of the newest pipeline commit when the table was opened, or null. */
  private final Long openedWith;

  /**
   * @param keeping told when this table first keeps a write open, so that the sink can close it
   */
  PaimonTable(TableId id, Catalog catalog, FileStoreTable table, WriteMode mode, String tmpDir,
      Consumer<PaimonTable> keeping) {
    this.id = id;
    this.keeping = keeping;
    this.catalog = catalog;
    this.mode = mode;
    this.tmpDir = tmpDir;
    use(table);
    this.openedWith = newestPipelineCommit().map(Snapshot::id).orElse(null);
  }

  private void use(FileStoreTable latest) {
    this.table = latest;
    this.conversion = new RowConversion(SchemaMapping.toTableSchema(latest.schema()));
  }

  @Override
  public TableId id() {
    return id;
  }

  @Override
  public TableSchema schema() {
    return conversion.schema();
  }

  @Override
  public WriteMode mode() {
    return mode;
  }

  @Override
  public Optional<CommitMetadata> lastCommit() {
    return newestPipelineCommit().map(snapshot -> CommitMetadata.fromProperties(snapshot.properties(),
        Instant.ofEpochMilli(snapshot.timeMillis())));
  }

  /** The newest snapshot whose properties hold {@link CommitMetadata}. */
  private Optional<Snapshot> newestPipelineCommit() {
    SnapshotManager snapshots = table.snapshotManager();
    Long latest = snapshots.latestSnapshotId();
    Long earliest = snapshots.earliestSnapshotId();
    if (latest == null || earliest == null) {
      return Optional.empty();
    }
    for (long snapshotId = latest; snapshotId >= earliest; snapshotId--) {
      if (!snapshots.snapshotExists(snapshotId)) {
        continue;  // expired meanwhile
      }
      Snapshot snapshot = snapshots.snapshot(snapshotId);
      if (snapshot.properties() != null && snapshot.properties().containsKey(CommitMetadata.POSITION)) {
        return Optional.of(snapshot);
      }
    }
    return Optional.empty();
  }

  /**
   * Refuses a commit of {@code pipeline} when the table's newest pipeline commit was made by another pipeline and is
   * not the one the table held when opened (see {@link TableWriter#commit}).
   *
   * @throws OwnerConflictException naming both pipelines
   */
  void checkOwner(String pipeline) {
    Optional<Snapshot> newest = newestPipelineCommit();
    String owner = newest.map(s -> s.properties().getOrDefault(CommitMetadata.PIPELINE, "")).orElse("");
    if (!owner.isEmpty() && !owner.equals(pipeline) && !Objects.equals(newest.get().id(), openedWith)) {
      throw new OwnerConflictException(id, owner, pipeline);
    }
  }

  @Override
  public void evolve(List<SchemaChange> changes) {
    if (changes.isEmpty()) {
      return;
    }
    List<org.apache.paimon.schema.SchemaChange> paimonChanges = new ArrayList<>(changes.size());
    for (SchemaChange change : changes) {
      paimonChanges.add(SchemaChanges.toPaimon(change, schema()));
    }
    try {
      catalog.alterTable(PaimonSink.identifier(id), paimonChanges, false);
    } catch (Catalog.TableNotExistException | Catalog.ColumnAlreadyExistException | Catalog.ColumnNotExistException
             | RuntimeException e) {
      throw new SinkException("Cannot apply " + changes + " to table " + id + ": " + e.getMessage()
          + ". Recreate the lake table (drop it and restart the sync) to take the new schema.", e);
    } finally {
      refresh();
    }
  }

  private void refresh() {
    try {
      use((FileStoreTable) catalog.getTable(PaimonSink.identifier(id)));
    } catch (Catalog.TableNotExistException e) {
      throw new SinkException("Table " + id + " was dropped while the pipeline was writing it. Restart the sync"
          + " to create it again.", e);
    }
  }

  @Override
  public Map<RowKey, Row> lookup(Collection<RowKey> keys) {
    if (!schema().hasPrimaryKey()) {
      throw new UnsupportedOperationException("Table " + id + " has no primary key to look rows up by");
    }
    if (keys.isEmpty() || table.snapshotManager().latestSnapshotId() == null) {
      return new LinkedHashMap<>();
    }
    return KeyLookup.find(table, conversion, keys);
  }

  @Override
  public TableWriter newWriter() {
    refresh();
    PaimonWrite write = kept;
    kept = null;
    if (write == null || !write.fits(table)) {
      discard(write);
      write = newWrite();
    }
    return new PaimonTableWriter(this, table, write, conversion, mode);
  }

  /** A new write to the table as it was last refreshed. */
  PaimonWrite newWrite() {
    return PaimonWrite.open(table, PaimonTableWriter.COMMIT_USER, tmpDir);
  }

  /** Keeps {@code write}, whose commit just landed and matches the table, for the next writer. */
  void keep(PaimonWrite write) {
    if (kept == null) {
      keeping.accept(this);
    }
    discard(kept);
    kept = write;
  }

  /** Closes the write kept for the next writer, stopping its compactions. */
  void releaseWrite() {
    discard(kept);
    kept = null;
  }

  /** Closes {@code write} (if any), which deletes the files it wrote and did not hand to a commit. */
  void discard(PaimonWrite write) {
    if (write == null) {
      return;
    }
    try {
      write.close();
    } catch (Exception e) {
      LOG.warn("Could not delete every file written for table {}; orphan file removal will: {}", id, e.toString());
    }
  }

  @Override
  public CompactionResult compact() {
    releaseWrite();  // its view of the buckets' files would be stale after the compaction
    refresh();
    if (table.primaryKeys().isEmpty()) {
      return CompactionResult.nothingToDo("tables without a primary key hold no updates or deletes; readers merge"
          + " nothing");
    }
    if (table.snapshotManager().latestSnapshotId() == null) {
      return CompactionResult.nothingToDo("the table has no snapshot yet");
    }
    try (PaimonCompaction compaction = new PaimonCompaction(id, table, tmpDir)) {
      return compaction.rewrite() ? compaction.commit()
          : CompactionResult.nothingToDo("every bucket is already one sorted run; readers merge nothing");
    }
  }

  /** Expires snapshots and removes orphan files with Paimon's own operations: see {@link PaimonMaintenance}. */
  @Override
  public MaintenanceResult maintain(MaintenancePolicy policy) {
    refresh();
    try {
      return new PaimonMaintenance(table).run(snapshots(), policy);
    } catch (Exception e) {
      throw new SinkException("Maintaining table " + id + " failed: " + e.getMessage() + ". The table is readable;"
          + " the next round tries again.", e);
    } finally {
      refresh();
    }
  }

  @Override
  public List<TableSnapshot> snapshots() {
    List<TableSnapshot> result = new ArrayList<>();
    try {
      Iterator<Snapshot> all = table.snapshotManager().snapshots();
      all.forEachRemaining(s -> result.add(toTableSnapshot(s)));
    } catch (IOException e) {
      throw new UncheckedIOException("Listing the snapshots of table " + id + " failed", e);
    }
    result.sort(Comparator.comparingLong(TableSnapshot::id));
    return result;
  }

  private static TableSnapshot toTableSnapshot(Snapshot snapshot) {
    Map<String, String> summary = new LinkedHashMap<>();
    if (snapshot.properties() != null) {
      summary.putAll(snapshot.properties());
    }
    summary.put("commit-user", snapshot.commitUser());
    summary.put("commit-identifier", String.valueOf(snapshot.commitIdentifier()));
    summary.put("total-record-count", String.valueOf(snapshot.totalRecordCount()));
    summary.put("delta-record-count", String.valueOf(snapshot.deltaRecordCount()));
    summary.put("schema-id", String.valueOf(snapshot.schemaId()));
    return new TableSnapshot(snapshot.id(), Instant.ofEpochMilli(snapshot.timeMillis()),
        snapshot.commitKind().name().toLowerCase(Locale.ROOT), summary);
  }

  @Override
  public RowScan scan(Long snapshotId) {
    return scan(snapshotId, ReadRequest.ALL);
  }

  /** Reads only the requested columns; the filters skip partitions, buckets and files, rows are not filtered. */
  @Override
  public RowScan scan(Long snapshotId, ReadRequest request) {
    if (snapshotId == null && table.snapshotManager().latestSnapshotId() == null) {
      return PaimonRows.empty(request.columns() == null ? conversion
          : new RowConversion(conversion.schema().select(request.columns())));
    }
    FileStoreTable version = snapshotId == null ? table : version(snapshotId);
    RowConversion full = snapshotId == null ? conversion
        : new RowConversion(SchemaMapping.toTableSchema(version.schema()));
    return PaimonRows.read(version, full, request.columns(),
        PaimonFilters.toPaimon(request.filters(), version.rowType(), full));
  }

  @Override
  public List<TableFile> files(Long snapshotId) {
    if (snapshotId == null && table.snapshotManager().latestSnapshotId() == null) {
      return List.of();
    }
    List<TableFile> files = new ArrayList<>();
    for (Split split : (snapshotId == null ? table : version(snapshotId)).newReadBuilder().newScan().plan().splits()) {
      DataSplit data = (DataSplit) split;
      for (DataFileMeta file : data.dataFiles()) {
        files.add(new TableFile(file.externalPath().orElse(data.bucketPath() + "/" + file.fileName()), "DATA",
            file.fileFormat().toUpperCase(Locale.ROOT), file.rowCount(), file.fileSize()));
      }
      data.deletionFiles().ifPresent(deletes -> deletes.stream().filter(Objects::nonNull).distinct().forEach(delete ->
          files.add(new TableFile(delete.path(), "DELETION_VECTORS", "PAIMON",
              delete.cardinality() == null ? -1 : delete.cardinality(), delete.length()))));
    }
    return files;
  }

  /** The table as of {@code snapshotId}. */
  private FileStoreTable version(long snapshotId) {
    if (!table.snapshotManager().snapshotExists(snapshotId)) {
      throw new SinkException("Table " + id + " has no snapshot " + snapshotId
          + " (it may have expired: see snapshot.num-retained.min). List its snapshots with `changelake snapshots "
          + id + "`.");
    }
    return table.copy(Map.of(CoreOptions.SCAN_SNAPSHOT_ID.key(), String.valueOf(snapshotId)));
  }
}
