package io.changelake.sink.iceberg;

import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.schema.SchemaChange;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.CompactionResult;
import io.changelake.api.spi.MaintenancePolicy;
import io.changelake.api.spi.MaintenanceResult;
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
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Iceberg table as the commit loop sees it. Not thread-safe: used by one thread at a time (see {@link
 * io.changelake.api.spi.SinkTable}).
 */
final class IcebergTable implements SinkTable {
  private static final Logger LOG = LoggerFactory.getLogger(IcebergTable.class);

  /** Keys per lookup scan: large enough to make few scans, small enough to keep the filter cheap. */
  private static final int LOOKUP_BATCH = 500;

  private final TableId id;
  private final Table table;
  /** {@link #table} through {@link OwnerCheckedOperations}: what writers commit to. */
  private final Table owned;
  private final WriteMode mode;
  private final TimeType timeType;
  private final DeleteMode deleteMode;
  private final int writeThreads;
  private TableSchema schema;
  private KeyIndex index;

  /**
   * {@code timeType} is how columns added by schema changes store a TIME; {@code deleteMode} how writers
   * remove a key's earlier row; {@code writeThreads} the most threads a writer writes inserted rows with.
   */
  IcebergTable(TableId id, Table table, WriteMode mode, TimeType timeType, DeleteMode deleteMode, int writeThreads) {
    this.id = id;
    this.writeThreads = writeThreads;
    this.table = table;
    this.mode = mode;
    this.timeType = timeType;
    this.deleteMode = deleteMode;
    this.schema = SchemaMapping.toTableSchema(table.schema(), table.properties());
    TableOperations ops = ((HasTableOperations) table).operations();
    Snapshot newest = OwnerCheckedOperations.newestPipelineCommit(ops.current());
    this.owned = new BaseTable(new OwnerCheckedOperations(ops, id, newest == null ? null : newest.snapshotId()),
        table.name());
  }

  /** The Iceberg table itself, for maintenance and tests. */
  Table table() {
    return table;
  }

  @Override
  public TableId id() {
    return id;
  }

  @Override
  public TableSchema schema() {
    return schema;
  }

  @Override
  public WriteMode mode() {
    return mode;
  }

  @Override
  public Optional<CommitMetadata> lastCommit() {
    table.refresh();
    Snapshot snapshot = OwnerCheckedOperations.newestPipelineCommit(((HasTableOperations) table).operations().current());
    if (snapshot == null) {
      return Optional.empty();
    }
    return Optional.of(CommitMetadata.fromProperties(snapshot.summary(),
        Instant.ofEpochMilli(snapshot.timestampMillis())));
  }

  @Override
  public void evolve(List<SchemaChange> changes) {
    if (changes.isEmpty()) {
      return;
    }
    table.refresh();
    Transaction transaction = table.newTransaction();
    UpdateSchema update = transaction.updateSchema();
    List<String> addedTimes = new ArrayList<>();
    for (SchemaChange change : changes) {
      try {
        if (change instanceof SchemaChange.AddColumn add) {
          Type type = SchemaMapping.toIceberg(add.added().type(), new AtomicInteger(), timeType);
          update.addColumn(null, add.added().name(), type, add.added().sourceType());
          if (SchemaMapping.isTime(add.added().type())) {
            addedTimes.add(add.added().name());
          }
        } else if (change instanceof SchemaChange.WidenColumn widen) {
          Type type = SchemaMapping.toIceberg(widen.newType(), new AtomicInteger(), timeType);
          if (!type.isPrimitiveType()) {
            throw new IllegalArgumentException("only primitive types widen, not " + widen.newType());
          }
          update.updateColumn(widen.column(), type.asPrimitiveType());
        } else if (change instanceof SchemaChange.MakeNullable nullable) {
          update.makeColumnOptional(nullable.column());
        }
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new SinkException("Cannot apply " + change + " to table " + id + ": " + e.getMessage()
            + ". Recreate the lake table (drop it and restart the sync) to take the new schema.", e);
      }
    }
    try {
      update.commit();
      if (!addedTimes.isEmpty()) {
        // in the same commit as the columns, so a reader never sees them as plain longs
        transaction.updateProperties().set(SchemaMapping.TIME_FIELD_IDS, SchemaMapping.timeFieldIds(
            transaction.table().schema(), SchemaMapping.timeFieldIds(table.properties()), addedTimes)).commit();
      }
      transaction.commitTransaction();
    } catch (RuntimeException e) {
      throw new SinkException("Schema change of table " + id + " failed: " + e.getMessage(), e);
    } finally {
      table.refresh();
      this.schema = SchemaMapping.toTableSchema(table.schema(), table.properties());
    }
  }

  @Override
  public Map<RowKey, Row> lookup(Collection<RowKey> keys) {
    Map<RowKey, Row> found = new LinkedHashMap<>();
    if (keys.isEmpty() || table.currentSnapshot() == null) {
      return found;
    }
    if (!schema.hasPrimaryKey()) {
      throw new UnsupportedOperationException("Table " + id + " has no primary key to look rows up by");
    }
    List<RowKey> all = new ArrayList<>(new HashSet<>(keys));
    for (int start = 0; start < all.size(); start += LOOKUP_BATCH) {
      List<RowKey> batch = all.subList(start, Math.min(all.size(), start + LOOKUP_BATCH));
      Set<RowKey> wanted = new HashSet<>(batch);
      Schema current = table.schema();
      try (CloseableIterable<Record> records = IcebergGenerics.read(table).project(current).where(filter(batch)).build()) {
        for (Record record : records) {
          Row row = RowConversion.toRow(record, schema);
          RowKey key = row.key(schema);
          if (wanted.contains(key)) {
            found.put(key, row);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Lookup in table " + id + " failed", e);
      }
    }
    return found;
  }

  /** A pruning filter for {@code keys}; rows are matched exactly afterwards, so it may be loose. */
  private Expression filter(List<RowKey> keys) {
    List<String> keyNames = schema.primaryKey();
    if (keyNames.size() == 1) {
      DataType type = schema.column(keyNames.get(0)).orElseThrow().type();
      List<Object> literals = new ArrayList<>(keys.size());
      for (RowKey key : keys) {
        Object literal = IcebergFilters.literal(key.values().get(0), type);
        if (literal == null) {
          return Expressions.alwaysTrue();
        }
        literals.add(literal);
      }
      return Expressions.in(keyNames.get(0), literals);
    }
    Expression any = Expressions.alwaysFalse();
    for (RowKey key : keys) {
      Expression all = Expressions.alwaysTrue();
      for (int i = 0; i < keyNames.size(); i++) {
        Object literal = IcebergFilters.literal(key.values().get(i), schema.column(keyNames.get(i)).orElseThrow().type());
        if (literal != null) {
          all = Expressions.and(all, Expressions.equal(keyNames.get(i), literal));
        }
      }
      any = Expressions.or(any, all);
    }
    return any;
  }

  @Override
  public TableWriter newWriter() {
    table.refresh();
    return new IcebergTableWriter(this, owned, mode, schema.primaryKey(), currentIndex(), writeThreads);
  }

  /**
   * The index of the current snapshot's rows for a position-delete upsert table (null otherwise): kept from the
   * last commit of this table's writers, or loaded from the table when another writer (a compaction) committed
   * since.
   */
  private KeyIndex currentIndex() {
    if (deleteMode != DeleteMode.POSITION || mode != WriteMode.UPSERT || table.schema().identifierFieldIds().isEmpty()) {
      return null;
    }
    Snapshot current = table.currentSnapshot();
    Long currentId = current == null ? null : current.snapshotId();
    if (index == null || !Objects.equals(index.snapshotId(), currentId)) {
      long started = System.nanoTime();
      index = null;
      index = KeyIndex.load(table, TypeUtil.select(table.schema(), table.schema().identifierFieldIds()));
      LOG.info("Loaded the key index of table {}: {} rows in {} ms, ~{} MiB", id, index.size(),
          (System.nanoTime() - started) / 1_000_000, index.retainedBytes() >> 20);
    }
    return index;
  }

  /** Called by a writer whose commit of {@code position} succeeded with {@code writtenIndex} holding its moves. */
  void committed(KeyIndex writtenIndex, String position) {
    Snapshot current = table.currentSnapshot();
    if (current != null && position.equals(current.summary().get(CommitMetadata.POSITION))) {
      writtenIndex.committed(current.snapshotId());
      index = writtenIndex;
    } else {
      index = null;  // another commit came in between: load afresh
    }
  }

  /** Forgets the index (a writer failed after moving entries); the next writer loads it from the table. */
  void dropIndex() {
    index = null;
  }

  @Override
  public CompactionResult compact() {
    IcebergCompaction compaction = IcebergCompaction.plan(id, table);
    String nothingToDo = compaction.nothingToDo();
    if (nothingToDo != null) {
      return CompactionResult.nothingToDo(nothingToDo);
    }
    compaction.rewrite();
    return compaction.commit();
  }

  @Override
  public MaintenanceResult maintain(MaintenancePolicy policy) {
    return new IcebergMaintenance(id, table).run(snapshots(), policy);
  }

  @Override
  public List<TableSnapshot> snapshots() {
    table.refresh();
    List<Snapshot> all = new ArrayList<>();
    table.snapshots().forEach(all::add);
    all.sort(Comparator.comparingLong(Snapshot::sequenceNumber).thenComparingLong(Snapshot::timestampMillis));
    List<TableSnapshot> result = new ArrayList<>(all.size());
    for (Snapshot s : all) {
      result.add(new TableSnapshot(s.snapshotId(), Instant.ofEpochMilli(s.timestampMillis()),
          s.operation() == null ? "unknown" : s.operation(), s.summary()));
    }
    return result;
  }

  /** The snapshot {@code snapshotId} (the current one when null, itself null when there is none), refreshed. */
  private Snapshot snapshot(Long snapshotId) {
    table.refresh();
    Snapshot snapshot = snapshotId == null ? table.currentSnapshot() : table.snapshot(snapshotId);
    if (snapshotId != null && snapshot == null) {
      throw new SinkException("Table " + id + " has no snapshot " + snapshotId
          + ". List its snapshots with `changelake snapshots " + id + "`.");
    }
    return snapshot;
  }

  @Override
  public List<TableFile> files(Long snapshotId) {
    Snapshot snapshot = snapshot(snapshotId);
    if (snapshot == null) {
      return List.of();
    }
    Map<String, TableFile> files = new LinkedHashMap<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(snapshot.snapshotId()).planFiles()) {
      for (FileScanTask task : tasks) {
        addFile(files, task.file());
        task.deletes().forEach(delete -> addFile(files, delete));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Listing the files of " + id + " failed", e);
    }
    return List.copyOf(files.values());
  }

  private static void addFile(Map<String, TableFile> files, ContentFile<?> file) {
    files.putIfAbsent(file.location(), new TableFile(file.location(), file.content().name(), file.format().name(),
        file.recordCount(), file.fileSizeInBytes()));
  }

  @Override
  public RowScan scan(Long snapshotId) {
    return scan(snapshotId, ReadRequest.ALL);
  }

  /** Reads only the requested columns; the filters prune files and row groups, and rows are filtered by them. */
  @Override
  public RowScan scan(Long snapshotId, ReadRequest request) {
    Snapshot snapshot = snapshot(snapshotId);
    Schema version = snapshot == null || snapshot.schemaId() == null
        ? table.schema() : table.schemas().get(snapshot.schemaId());
    TableSchema versionSchema = SchemaMapping.toTableSchema(version, table.properties());
    if (request.columns() != null) {
      Set<String> read = new LinkedHashSet<>(request.columns());
      request.filters().forEach(filter -> read.add(filter.column()));  // the reader filters rows by them
      version = version.select(read);
      versionSchema = versionSchema.select(read);
    }
    if (snapshot == null) {
      return new Scan(versionSchema, CloseableIterable.empty());
    }
    CloseableIterable<Record> records = IcebergGenerics.read(table).useSnapshot(snapshot.snapshotId()).project(version)
        .where(IcebergFilters.toIceberg(request.filters(), versionSchema)).build();
    return new Scan(versionSchema, records);
  }

  /** Rows of one table version, converted to core values as they are read. */
  private static final class Scan implements RowScan {
    private final TableSchema schema;
    private final CloseableIterable<Record> records;

    Scan(TableSchema schema, CloseableIterable<Record> records) {
      this.schema = schema;
      this.records = records;
    }

    @Override
    public TableSchema schema() {
      return schema;
    }

    @Override
    public Iterator<Row> iterator() {
      Iterator<Record> it = records.iterator();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public Row next() {
          return RowConversion.toRow(it.next(), schema);
        }
      };
    }

    @Override
    public void close() {
      try {
        records.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
