package io.changelake.sink.delta;

import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableSchema;
import io.delta.kernel.Snapshot;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Removes rows by key from a snapshot the copy-on-write way: every live data file that holds one
 * of the keys is rewritten without those rows, and the old file gets a {@code remove} action.
 *
 * <p>Files are chosen in three steps, each cheaper than the next: min/max statistics of the first
 * key column ({@link FilePruning}); then the key columns of the remaining files are read to see
 * whether a key is really there; only those files are read whole and rewritten. Memory holds the
 * key set and one batch at a time.
 */
final class CopyOnWrite implements RowRemoval {
  private final Engine engine;
  private final Snapshot snapshot;
  private final TableSchema schema;

  CopyOnWrite(Engine engine, Snapshot snapshot, TableSchema schema) {
    this.engine = engine;
    this.snapshot = snapshot;
    this.schema = schema;
  }

  /** A {@code remove} action for every live file of the snapshot (the writer replaces the table). */
  List<Row> removeAll() {
    if (snapshot.getVersion() < 0) {
      return List.of();
    }
    long now = System.currentTimeMillis();
    List<Row> removes = new ArrayList<>();
    for (Row file : new TableReader(engine, snapshot, null).files(f -> true)) {
      removes.add(KernelFiles.removeAction(file, now));
    }
    return removes;
  }

  /** Writes the surviving rows of every file holding one of {@code keys} to {@code out}. */
  @Override
  public Result apply(Set<RowKey> keys, ParquetStream out) {
    if (keys.isEmpty() || snapshot.getVersion() < 0) {
      return new Result(List.of(), 0, 0);
    }
    TableReader keyReader = new TableReader(engine, snapshot, keySchema(snapshot, schema));
    TableReader fullReader = new TableReader(engine, snapshot, null);
    TableSchema keyOnly = keyOnlySchema(schema);
    List<Row> removes = new ArrayList<>();
    long deleted = 0;
    long copied = 0;
    long now = System.currentTimeMillis();
    for (Row file : fullReader.files(new FilePruning(schema, snapshot.getSchema(), keys))) {
      if (!holdsAny(keyReader, file, keyOnly, keys)) {
        continue;
      }
      Copied rows = copy(fullReader, file, keys, out);
      copied += rows.kept();
      deleted += rows.dropped();
      removes.add(KernelFiles.removeAction(file, now));
    }
    return new Result(removes, deleted, copied);
  }

  /**
   * Rewrites every live file {@code filter} accepts: its live rows go to {@code out} and it gets a
   * {@code remove} action (compaction: the rows stay, the deletion vectors go).
   */
  Result rewrite(java.util.function.Predicate<Row> filter, ParquetStream out) {
    if (snapshot.getVersion() < 0) {
      return new Result(List.of(), 0, 0);
    }
    TableReader fullReader = new TableReader(engine, snapshot, null);
    List<Row> removes = new ArrayList<>();
    long copied = 0;
    long now = System.currentTimeMillis();
    for (Row file : fullReader.files(filter)) {
      copied += copy(fullReader, file, Set.of(), out).kept();
      removes.add(KernelFiles.removeAction(file, now));
    }
    return new Result(removes, 0, copied);
  }

  /** Live rows of a file copied to the new files and left out (holding a key). */
  private record Copied(long kept, long dropped) { }

  /** Writes the live rows of {@code file} not holding one of {@code keys} to {@code out}. */
  private Copied copy(TableReader fullReader, Row file, Set<RowKey> keys, ParquetStream out) {
    long copied = 0;
    long dropped = 0;
    try (CloseableIterator<FilteredColumnarBatch> batches = fullReader.read(file)) {
      while (batches.hasNext()) {
        FilteredColumnarBatch batch = batches.next();
        int size = batch.getData().getSize();
        boolean[] keep = new boolean[size];
        int kept = 0;
        for (int i = 0; i < size; i++) {
          if (TableReader.selected(batch, i)) {
            keep[i] = keys.isEmpty() || !keys.contains(TableReader.key(batch, i, schema));
            kept += keep[i] ? 1 : 0;
            dropped += keep[i] ? 0 : 1;
          }
        }
        if (kept > 0) {
          out.write(new FilteredColumnarBatch(batch.getData(), Optional.of(ValueVector.ofBooleans(keep, size))));
          copied += kept;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Copied(copied, dropped);
  }

  private static boolean holdsAny(TableReader keyReader, Row file, TableSchema keyOnly, Set<RowKey> keys) {
    try (CloseableIterator<FilteredColumnarBatch> batches = keyReader.read(file)) {
      while (batches.hasNext()) {
        FilteredColumnarBatch batch = batches.next();
        for (int i = 0; i < batch.getData().getSize(); i++) {
          if (TableReader.selected(batch, i) && keys.contains(TableReader.key(batch, i, keyOnly))) {
            return true;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return false;
  }

  /** The key columns of the snapshot's schema, in key order. */
  static StructType keySchema(Snapshot snapshot, TableSchema schema) {
    StructType all = snapshot.getSchema();
    StructType keys = new StructType();
    for (String name : schema.primaryKey()) {
      keys = keys.add(all.at(all.indexOf(name)));
    }
    return keys;
  }

  /** The key columns as a changelake schema whose key is all of them, in order. */
  static TableSchema keyOnlySchema(TableSchema schema) {
    return new TableSchema(schema.primaryKey().stream().map(n -> schema.column(n).orElseThrow()).toList(),
        schema.primaryKey());
  }
}
