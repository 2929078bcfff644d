package io.changelake.sink.delta;

import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableSchema;
import io.delta.kernel.Snapshot;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.utils.CloseableIterator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;

/**
 * Removes rows by key from a snapshot the merge-on-read way: the positions of the rows holding one of
 * the keys are marked in their file's deletion vector, and the file's {@code add} is replaced by one
 * carrying the new vector (a {@code remove} of the old entry plus an {@code add} of the same file).
 *
 * <p>Candidate files are chosen by the min/max statistics of the first key column ({@link FilePruning});
 * only their key columns are read, with the current deletion vector applied by Kernel, so a row's
 * position is its index in the file and the new vector is the old deleted positions plus the matched
 * ones. A file whose every row is deleted is only removed. The vectors of one commit go to one file
 * ({@link DeletionVectorFile}). Memory holds the key set, one batch, and the marked positions.
 */
final class DeletionVectors implements RowRemoval {
  private final Engine engine;
  private final Snapshot snapshot;
  private final TableSchema schema;
  private final Configuration hadoop;
  private final String tablePath;
  private DeletionVectorFile vectors;

  DeletionVectors(Engine engine, Snapshot snapshot, TableSchema schema, Configuration hadoop, String tablePath) {
    this.engine = engine;
    this.snapshot = snapshot;
    this.schema = schema;
    this.hadoop = hadoop;
    this.tablePath = tablePath;
  }

  @Override
  public Result apply(Set<RowKey> keys, ParquetStream out) {
    if (keys.isEmpty() || snapshot.getVersion() < 0) {
      return new Result(List.of(), 0, 0);
    }
    TableSchema keyOnly = CopyOnWrite.keyOnlySchema(schema);
    TableReader keyReader = new TableReader(engine, snapshot, CopyOnWrite.keySchema(snapshot, schema));
    List<Row> actions = new ArrayList<>();
    long deleted = 0;
    long now = System.currentTimeMillis();
    try {
      for (Row file : keyReader.files(new FilePruning(schema, snapshot.getSchema(), keys))) {
        Positions positions = new Positions();
        long matched = mark(keyReader, file, keyOnly, keys, positions);
        if (matched == 0) {
          continue;
        }
        deleted += matched;
        actions.add(KernelFiles.removeAction(file, now));
        if (positions.cardinality() < positions.rows()) {
          if (vectors == null) {
            vectors = DeletionVectorFile.create(hadoop, tablePath);
          }
          actions.add(KernelFiles.addActionWith(file, vectors.append(positions.bitmap(), positions.cardinality())));
        }
      }
      if (vectors != null) {
        vectors.close();
      }
    } catch (IOException e) {
      discard();
      throw new UncheckedIOException("Writing the deletion vectors of " + tablePath + " failed", e);
    } catch (RuntimeException e) {
      discard();
      throw e;
    }
    return new Result(actions, deleted, 0);
  }

  @Override
  public void discard() {
    if (vectors != null) {
      vectors.discard();
      vectors = null;
    }
  }

  /** Adds the positions of {@code file}'s deleted rows and of its live rows holding a key; returns the latter count. */
  private static long mark(TableReader keyReader, Row file, TableSchema keyOnly, Set<RowKey> keys,
      Positions positions) {
    long matched = 0;
    try (CloseableIterator<FilteredColumnarBatch> batches = keyReader.read(file)) {
      while (batches.hasNext()) {
        FilteredColumnarBatch batch = batches.next();
        int size = batch.getData().getSize();
        for (int i = 0; i < size; i++) {
          if (!TableReader.selected(batch, i)) {
            positions.add(positions.rows() + i);
          } else if (keys.contains(TableReader.key(batch, i, keyOnly))) {
            positions.add(positions.rows() + i);
            matched++;
          }
        }
        positions.advance(size);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return matched;
  }

  /** The deleted row positions of one file, as a Delta RoaringBitmapArray, and how many rows it has. */
  private static final class Positions {
    private final RoaringBitmapArrayWriter bitmap = new RoaringBitmapArrayWriter();
    private long rows;

    void add(long position) {
      bitmap.add(position);
    }

    void advance(int count) {
      rows += count;
    }

    long rows() {
      return rows;
    }

    long cardinality() {
      return bitmap.cardinality();
    }

    byte[] bitmap() {
      return bitmap.serialize();
    }
  }
}
