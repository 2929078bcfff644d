package io.changelake.api.memory;

import io.changelake.api.model.Column;
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
import io.changelake.api.spi.OwnerConflictException;
import io.changelake.api.spi.RowScan;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableFile;
import io.changelake.api.spi.TableSnapshot;
import io.changelake.api.spi.TableWriter;
import io.changelake.api.spi.WriteMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One in-memory lake table: a list of versions, each with its rows, schema and commit properties. An
 * upsert table's rows are kept by key; an append table's in order. Rows a writer gets are checked
 * against the table's schema (size, required values), as a format's writer would.
 *
 * <p>A sink hands out one instance per table, so the newest pipeline commit it was opened with (which a commit of
 * another pipeline may follow: see {@link TableWriter#commit}) is the one of its latest {@link MemorySink#open}.
 */
public final class MemoryTable implements SinkTable {
  private final TableId id;
  private final WriteMode mode;
  private final List<Version> versions = new ArrayList<>();
  private TableSchema schema;
  /** Whether upserts or deletes were committed since the last compaction. */
  private boolean merged;
  private long lastVersionId;
  private RuntimeException nextCommitFailure;
  private boolean nextCommitLands;
  /** The version of the newest pipeline commit when the table was last opened; 0 for none. */
  private long openedWith;

  /** One committed version. */
  private record Version(long id, Instant committedAt, String operation, Map<String, String> summary,
      TableSchema schema, List<Row> rows) { }

  MemoryTable(TableId id, TableSchema schema, WriteMode mode) {
    this.id = id;
    this.schema = schema;
    this.mode = mode;
  }

  @Override
  public TableId id() {
    return id;
  }

  @Override
  public synchronized TableSchema schema() {
    return schema;
  }

  @Override
  public WriteMode mode() {
    return mode;
  }

  /**
   * Makes the next commit throw {@code failure}; with {@code lands} the commit's rows land first (an
   * unknown outcome that did land), otherwise the table stays as it was.
   */
  public synchronized void failNextCommit(RuntimeException failure, boolean lands) {
    this.nextCommitFailure = failure;
    this.nextCommitLands = lands;
  }

  /** The current rows, in key order of their first commit (upsert) or commit order (append). */
  public synchronized List<Row> rows() {
    return versions.isEmpty() ? List.of() : versions.get(versions.size() - 1).rows();
  }

  /** The commit properties of every version, oldest first. */
  public synchronized List<Map<String, String>> commits() {
    return versions.stream().map(Version::summary).toList();
  }

  /** Called by the sink at each open: records the newest pipeline commit, which another pipeline may take over. */
  synchronized void opened() {
    openedWith = newestPipelineCommit().map(Version::id).orElse(0L);
  }

  private Optional<Version> newestPipelineCommit() {
    for (int i = versions.size() - 1; i >= 0; i--) {
      if (versions.get(i).summary().containsKey(CommitMetadata.POSITION)) {
        return Optional.of(versions.get(i));
      }
    }
    return Optional.empty();
  }

  @Override
  public synchronized Optional<CommitMetadata> lastCommit() {
    return newestPipelineCommit().map(v -> CommitMetadata.fromProperties(v.summary(), v.committedAt()));
  }

  @Override
  public synchronized void evolve(List<SchemaChange> changes) {
    List<Column> columns = new ArrayList<>(schema.columns());
    for (SchemaChange change : changes) {
      int position = schema.indexOf(change.column());
      if (change instanceof SchemaChange.AddColumn add) {
        columns.add(add.added());
      } else if (change instanceof SchemaChange.WidenColumn widen) {
        columns.set(position, columns.get(position).withType(widen.newType()));
      } else {
        columns.set(position, columns.get(position).asNullable());
      }
    }
    TableSchema evolved = new TableSchema(columns, schema.primaryKey());
    List<Row> rows = new ArrayList<>();
    for (Row row : rows()) {
      Object[] values = new Object[evolved.size()];
      for (int i = 0; i < row.size(); i++) {
        values[i] = widened(row.get(i), evolved.column(i).type());
      }
      rows.add(Row.of(values));
    }
    schema = evolved;
    addVersion("schema", Map.of(), rows);
  }

  private static Object widened(Object value, DataType type) {
    if (value instanceof Integer i && type.kind() == DataType.Kind.LONG) {
      return i.longValue();
    }
    if (value instanceof Float f && type.kind() == DataType.Kind.DOUBLE) {
      return f.doubleValue();
    }
    return value;
  }

  @Override
  public synchronized Map<RowKey, Row> lookup(Collection<RowKey> keys) {
    Map<RowKey, Row> byKey = byKey(rows());
    Map<RowKey, Row> found = new LinkedHashMap<>();
    for (RowKey key : keys) {
      Row row = byKey.get(key);
      if (row != null) {
        found.put(key, row);
      }
    }
    return found;
  }

  private Map<RowKey, Row> byKey(List<Row> rows) {
    Map<RowKey, Row> byKey = new LinkedHashMap<>();
    rows.forEach(row -> byKey.put(row.key(schema), row));
    return byKey;
  }

  @Override
  public TableWriter newWriter() {
    return new Writer();
  }

  @Override
  public synchronized List<TableSnapshot> snapshots() {
    return versions.stream().map(v -> new TableSnapshot(v.id(), v.committedAt(), v.operation(), v.summary())).toList();
  }

  /** An in-memory table keeps its rows in no file: always empty, for any version it has. */
  @Override
  public synchronized List<TableFile> files(Long snapshotId) {
    version(snapshotId);
    return List.of();
  }

  private Version version(Long snapshotId) {
    if (snapshotId != null) {
      return versions.stream().filter(v -> v.id() == snapshotId).findFirst()
          .orElseThrow(() -> new SinkException("Table " + id + " has no snapshot " + snapshotId
              + ". List its snapshots with `changelake snapshots " + id + "`."));
    }
    return versions.isEmpty() ? new Version(0, Instant.now(), "none", Map.of(), schema, List.of())
        : versions.get(versions.size() - 1);
  }

  @Override
  public synchronized RowScan scan(Long snapshotId) {
    Version version = version(snapshotId);
    List<Row> rows = version.rows();
    TableSchema scanned = version.schema();
    return new RowScan() {
      @Override
      public TableSchema schema() {
        return scanned;
      }

      @Override
      public Iterator<Row> iterator() {
        return rows.iterator();
      }

      @Override
      public void close() { }
    };
  }

  @Override
  public synchronized CompactionResult compact() {
    if (mode == WriteMode.APPEND || !merged) {
      return CompactionResult.nothingToDo("the table has nothing to merge");
    }
    merged = false;
    List<Row> rows = rows();
    addVersion("replace", Map.of(), rows);
    return CompactionResult.committed(versions.get(versions.size() - 1).id(), 1, 1, 1, rows.size());
  }

  /** Drops the versions {@code policy} does not retain; an in-memory table has no files to delete. */
  @Override
  public synchronized MaintenanceResult maintain(MaintenancePolicy policy) {
    int oldest = policy.oldestRetained(snapshots());
    versions.subList(0, oldest).clear();
    return new MaintenanceResult(oldest, 0, 0);
  }

  private void addVersion(String operation, Map<String, String> summary, List<Row> rows) {
    versions.add(new Version(++lastVersionId, Instant.now(), operation, Map.copyOf(summary), schema,
        List.copyOf(rows)));
  }

  private synchronized void commit(List<Op> ops, boolean overwrite, CommitMetadata metadata) {
    newestPipelineCommit().ifPresent(newest -> {
      String owner = newest.summary().get(CommitMetadata.PIPELINE);
      if (!owner.isEmpty() && !owner.equals(metadata.pipeline()) && newest.id() != openedWith) {
        throw new OwnerConflictException(id, owner, metadata.pipeline());
      }
    });
    RuntimeException failure = nextCommitFailure;
    nextCommitFailure = null;
    if (failure != null && !nextCommitLands) {
      throw failure;
    }
    List<Row> rows;
    boolean changesRows = ops.stream().anyMatch(op -> op.kind() != Op.Kind.INSERT);
    if (mode == WriteMode.APPEND) {
      rows = new ArrayList<>(overwrite ? List.of() : rows());
      ops.forEach(op -> rows.add(op.row()));
    } else {
      Map<RowKey, Row> byKey = overwrite ? new LinkedHashMap<>() : byKey(rows());
      for (Op op : ops) {
        if (op.kind() == Op.Kind.DELETE) {
          byKey.remove(op.key());
        } else {
          byKey.put(op.row().key(schema), op.row());
        }
      }
      rows = new ArrayList<>(byKey.values());
    }
    merged |= changesRows;
    addVersion(overwrite ? "overwrite" : "append", metadata.properties(), rows);
    if (failure != null) {
      throw failure;
    }
  }

  private record Op(Kind kind, Row row, RowKey key) {
    enum Kind { INSERT, UPSERT, DELETE }
  }

  /** Gathers operations and applies them on commit; checks each row against the table's schema. */
  private final class Writer implements TableWriter {
    private final List<Op> ops = new ArrayList<>();
    private boolean overwrite;
    private boolean done;

    @Override
    public void overwrite() {
      if (!ops.isEmpty()) {
        throw new IllegalStateException("overwrite() must come before the first row");
      }
      overwrite = true;
    }

    @Override
    public void insert(Row row) {
      ops.add(new Op(Op.Kind.INSERT, check(row), null));
    }

    @Override
    public void upsert(Row row) {
      keyedWrite();
      ops.add(new Op(Op.Kind.UPSERT, check(row), null));
    }

    @Override
    public void delete(RowKey key) {
      keyedWrite();
      ops.add(new Op(Op.Kind.DELETE, null, key));
    }

    private void keyedWrite() {
      if (overwrite) {
        throw new IllegalStateException("An overwriting writer takes inserts only");
      }
      if (mode != WriteMode.UPSERT) {
        throw new UnsupportedOperationException("Table " + id + " is an append table: it takes inserts only");
      }
    }

    private Row check(Row row) {
      TableSchema current = schema();
      if (row.size() != current.size()) {
        throw new IllegalArgumentException("Row " + row + " has " + row.size() + " values; table " + id + " has "
            + current.size() + " columns: " + current.columnNames());
      }
      for (int i = 0; i < row.size(); i++) {
        if (row.get(i) == null && !current.column(i).nullable()) {
          throw new SinkException("Column " + current.column(i).name() + " of " + id + " is required, but row "
              + row + " holds null");
        }
        if (row.get(i) == Row.UNAVAILABLE) {
          throw new IllegalStateException("Column '" + current.column(i).name() + "' of " + id + " holds an"
              + " unavailable value in row " + row);
        }
      }
      return row;
    }

    @Override
    public void commit(CommitMetadata metadata) {
      if (done) {
        throw new IllegalStateException("This writer was already committed or aborted");
      }
      done = true;
      MemoryTable.this.commit(ops, overwrite, metadata);
    }

    @Override
    public void abort() {
      done = true;
    }

    @Override
    public void close() {
      done = true;
    }
  }
}
