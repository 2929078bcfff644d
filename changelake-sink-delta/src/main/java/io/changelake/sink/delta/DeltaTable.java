package io.changelake.sink.delta;

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
import io.delta.kernel.Operation;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.hook.PostCommitHook;
import io.delta.kernel.statistics.DataFileStatistics;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.transaction.UpdateTableTransactionBuilder;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Delta table as the commit loop sees it: every read loads the latest (or the asked) version of
 * the log with Kernel. Not thread-safe: used by one thread at a time (see {@link io.changelake.api.spi.SinkTable}).
 */
final class DeltaTable implements SinkTable {
  private static final Logger LOG = LoggerFactory.getLogger(DeltaTable.class);
  static final String TYPE_WIDENING = "delta.enableTypeWidening";

  private final Engine engine;
  private final TableId id;
  private final String path;
  private final WriteMode mode;
  private final DeltaSinkConfig config;
  private final Configuration hadoop;
  /** The {@link CommitRecord} of the newest pipeline commit when the table was opened, if any. */
  private final Optional<String> openedWith;
  private TableSchema schema;

  DeltaTable(Engine engine, Configuration hadoop, TableId id, String path, WriteMode mode, DeltaSinkConfig config,
      Snapshot snapshot) {
    this.engine = engine;
    this.hadoop = hadoop;
    this.config = config;
    this.id = id;
    this.path = path;
    this.mode = mode;
    this.schema = SchemaMapping.toTableSchema(snapshot.getSchema());
    this.openedWith = snapshot.getDomainMetadata(CommitRecord.DOMAIN);
  }

  @Override
  public TableId id() {
    return id;
  }

  /** Where the table lives. */
  String path() {
    return path;
  }

  @Override
  public TableSchema schema() {
    return schema;
  }

  @Override
  public WriteMode mode() {
    return mode;
  }

  /** The latest version of the table. */
  Snapshot latest() {
    Snapshot snapshot = TableManager.loadSnapshot(path).build(engine);
    schema = SchemaMapping.toTableSchema(snapshot.getSchema());
    return snapshot;
  }

  /**
   * Refuses a commit of {@code pipeline} on {@code base} when its newest pipeline commit was made by another pipeline
   * and is not the one the table held when opened (see {@link TableWriter#commit}). Kernel refuses a commit whose
   * domain metadata a commit after its base also wrote, so checking the base makes the check atomic.
   *
   * @throws OwnerConflictException naming both pipelines
   */
  void checkOwner(Snapshot base, String pipeline) {
    Optional<String> newest = base.getDomainMetadata(CommitRecord.DOMAIN);
    if (newest.isEmpty() || newest.equals(openedWith)) {
      return;
    }
    String owner = CommitRecord.fromJson(newest.get()).pipeline();
    if (!owner.isEmpty() && !owner.equals(pipeline)) {
      throw new OwnerConflictException(id, owner, pipeline);
    }
  }

  @Override
  public Optional<CommitMetadata> lastCommit() {
    return latest().getDomainMetadata(CommitRecord.DOMAIN).map(CommitRecord::fromJson);
  }

  @Override
  public void evolve(List<SchemaChange> changes) {
    if (changes.isEmpty()) {
      return;
    }
    Snapshot snapshot = latest();
    try {
      UpdateTableTransactionBuilder update = snapshot.buildUpdateTableTransaction(DeltaSink.ENGINE_INFO,
          Operation.MANUAL_UPDATE).withUpdatedSchema(SchemaUpdate.apply(snapshot.getSchema(), changes));
      if (SchemaUpdate.widens(changes)
          && !"true".equalsIgnoreCase(snapshot.getTableProperties().get(TYPE_WIDENING))) {
        update = update.withTablePropertiesAdded(Map.of(TYPE_WIDENING, "true"));
      }
      afterCommit(update.build(engine).commit(engine, CloseableIterable.emptyIterable()));
    } catch (RuntimeException e) {
      throw new SinkException("Cannot apply " + changes + " to table " + id + ": " + e.getMessage()
          + ". Recreate the lake table (drop it and restart the sync) to take the new schema.", e);
    } finally {
      latest();
    }
  }

  @Override
  public Map<RowKey, Row> lookup(Collection<RowKey> keys) {
    Map<RowKey, Row> found = new LinkedHashMap<>();
    if (keys.isEmpty()) {
      return found;
    }
    if (!schema.hasPrimaryKey()) {
      throw new UnsupportedOperationException("Table " + id + " has no primary key to look rows up by");
    }
    Snapshot snapshot = latest();
    Set<RowKey> wanted = new HashSet<>(keys);
    TableReader reader = new TableReader(engine, snapshot, null);
    for (io.delta.kernel.data.Row file : reader.files(new FilePruning(schema, snapshot.getSchema(), wanted))) {
      try (CloseableIterator<FilteredColumnarBatch> batches = reader.read(file)) {
        while (batches.hasNext()) {
          FilteredColumnarBatch batch = batches.next();
          for (int i = 0; i < batch.getData().getSize(); i++) {
            if (TableReader.selected(batch, i)) {
              RowKey key = TableReader.key(batch, i, schema);
              if (wanted.contains(key)) {
                found.put(key, TableReader.row(batch, i, schema));
              }
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Lookup in table " + id + " failed", e);
      }
    }
    return found;
  }

  @Override
  public TableWriter newWriter() {
    Snapshot snapshot = latest();
    if (config.deleteMode() == DeleteMode.COPY_ON_WRITE) {
      return new DeltaTableWriter(this, engine, snapshot, schema, mode, new CopyOnWrite(engine, snapshot, schema),
          Map.of(), config.writeThreads());
    }
    boolean enabled = "true".equalsIgnoreCase(snapshot.getTableProperties().get(DeleteMode.ENABLE_PROPERTY));
    return new DeltaTableWriter(this, engine, snapshot, schema, mode,
        new DeletionVectors(engine, snapshot, schema, hadoop, path),
        enabled ? Map.of() : Map.of(DeleteMode.ENABLE_PROPERTY, "true"), config.writeThreads());
  }

  /**
   * Applies the deletion vectors and merges small files: every live file that has a deletion vector or is
   * under half of {@code target-file-size} is rewritten with its live rows only, in one commit without a
   * source position (the table keeps its last one). Skipped when no file has a deletion vector and fewer
   * than two are small.
   */
  @Override
  public CompactionResult compact() {
    Snapshot snapshot = latest();
    long small = config.targetFileSize() / 2;
    java.util.function.Predicate<io.delta.kernel.data.Row> rewritten =
        file -> KernelFiles.hasDeletionVector(file) || KernelFiles.fileStatus(file).getSize() < small;
    List<io.delta.kernel.data.Row> candidates = snapshot.getVersion() < 0 ? List.of()
        : new TableReader(engine, snapshot, null).files(rewritten);
    if (candidates.stream().noneMatch(KernelFiles::hasDeletionVector) && candidates.size() < 2) {
      return CompactionResult.nothingToDo("no data file has a deletion vector and at most one is small");
    }
    Transaction txn = snapshot.buildUpdateTableTransaction(DeltaSink.ENGINE_INFO, Operation.MANUAL_UPDATE)
        .build(engine);
    ParquetStream out = new ParquetStream(engine, txn.getTransactionState(engine), id + " compaction", 1);
    try {
      RowRemoval.Result rewrite = new CopyOnWrite(engine, snapshot, schema).rewrite(rewritten, out);
      long vectors = candidates.stream().filter(KernelFiles::hasDeletionVector).count();
      List<io.delta.kernel.data.Row> actions = new ArrayList<>(out.finish());
      int written = actions.size();
      actions.addAll(rewrite.actions());
      TransactionCommitResult result = txn.commit(engine,
          CloseableIterable.inMemoryIterable(KernelFiles.iterator(actions)));
      afterCommit(result);
      LOG.info("Compacted table {} as version {}: {} files ({} with deletion vectors) rewritten into {} ({} rows)",
          id, result.getVersion(), rewrite.actions().size(), vectors, written, rewrite.rowsCopied());
      return CompactionResult.committed(result.getVersion(), rewrite.actions().size(), vectors, written,
          rewrite.rowsCopied());
    } catch (io.delta.kernel.exceptions.CommitStateUnknownException e) {
      throw new io.changelake.api.spi.CommitStateUnknownException("The outcome of compacting table " + id
          + " is unknown (" + e.getMessage() + "); its files were kept. `changelake snapshots " + id
          + "` shows whether it committed.", e);
    } catch (RuntimeException e) {
      out.abort();
      throw new SinkException("Compacting table " + id + " failed: " + e.getMessage() + ". Nothing was committed;"
          + " run it again (a concurrent commit of the sync to the same files makes it fail: retry).", e);
    }
  }

  /**
   * Drops the log of the expired versions (after a checkpoint at the oldest retained one) and VACUUMs: see {@link
   * DeltaMaintenance}. Commits nothing.
   */
  @Override
  public MaintenanceResult maintain(MaintenancePolicy policy) {
    try {
      return new DeltaMaintenance(engine, hadoop, id, path).run(snapshots(), policy);
    } catch (IOException | RuntimeException e) {
      throw new SinkException("Maintaining table " + id + " failed: " + e.getMessage() + ". The table is readable;"
          + " the next round tries again (files it left are removed then).", e);
    }
  }

  @Override
  public List<TableSnapshot> snapshots() {
    return History.read(engine, path, latest());
  }

  @Override
  public RowScan scan(Long version) {
    return scan(version, ReadRequest.ALL);
  }

  /** Reads only the requested columns, of the files whose statistics may match the filters; rows are not filtered. */
  @Override
  public RowScan scan(Long version, ReadRequest request) {
    Snapshot snapshot = snapshot(version);
    TableSchema full = SchemaMapping.toTableSchema(snapshot.getSchema());
    TableSchema read = request.columns() == null ? full : full.select(request.columns());
    StructType readSchema = null;
    if (request.columns() != null) {
      readSchema = new StructType();
      for (StructField field : snapshot.getSchema().fields()) {
        if (request.columns().contains(field.getName())) {
          readSchema = readSchema.add(field);
        }
      }
    }
    return new DeltaRowScan(read,
        new TableReader(engine, snapshot, readSchema, DeltaFilters.toKernel(request.filters(), full)));
  }

  @Override
  public List<TableFile> files(Long version) {
    List<TableFile> files = new ArrayList<>();
    for (io.delta.kernel.data.Row scanFile : new TableReader(engine, snapshot(version), null).files(file -> true)) {
      FileStatus status = KernelFiles.fileStatus(scanFile);
      long records = KernelFiles.stats(scanFile).flatMap(DataFileStatistics::getNumRecords).orElse(-1L);
      files.add(new TableFile(status.getPath(), "DATA", "PARQUET", records, status.getSize()));
    }
    return files;
  }

  /** The version {@code version}, or the latest when null. */
  private Snapshot snapshot(Long version) {
    if (version == null) {
      return latest();
    }
    long newest = latest().getVersion();
    if (version > newest) {
      // Kernel would look for a checkpoint before it 1000 versions per listing: minutes on object storage
      throw new SinkException("Table " + id + " has no version " + version + " (the newest is " + newest
          + "). List its versions with `changelake snapshots " + id + "`.");
    }
    try {
      return TableManager.loadSnapshot(path).atVersion(version).build(engine);
    } catch (RuntimeException e) {
      throw new SinkException("Table " + id + " has no version " + version + " (" + e.getMessage()
          + "). List its versions with `changelake snapshots " + id + "`.", e);
    }
  }

  /** Runs Kernel's post-commit hooks (checkpoints, checksums); a failure there only costs read time. */
  void afterCommit(TransactionCommitResult result) {
    for (PostCommitHook hook : result.getPostCommitHooks()) {
      try {
        hook.threadSafeInvoke(engine);
      } catch (IOException | RuntimeException e) {
        LOG.warn("Post-commit {} of table {} version {} failed; the next commit retries it: {}", hook.getType(), id,
            result.getVersion(), e.toString());
      }
    }
  }
}
