package io.changelake.sink.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.spi.CompactionResult;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.WriteMode;
import io.delta.kernel.internal.actions.DeletionVectorDescriptor;
import io.delta.kernel.internal.deletionvectors.DeletionVectorStoredBitmap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DeltaUpsertTest}'s model checks with {@code delete-mode=deletion-vectors}, plus what is particular
 * to deletion vectors: files are kept and marked, not rewritten; the bitmaps are what Kernel's own
 * deletion vector reader loads.
 */
class DeltaDeletionVectorUpsertTest extends DeltaUpsertTest {
  @Override
  protected DeltaSink open(Path dir) {
    return DeltaSink.create(DeltaSinkConfig.local(dir,
        Map.of(DeltaSinkConfig.DELETE_MODE.name(), DeleteMode.DELETION_VECTORS.id()), Map.of()));
  }

  /** With deletion vectors no file is rewritten: the changed file stays, marked; a fully deleted one goes. */
  @Override
  @Test
  void onlyFilesHoldingAChangedKeyAreRewritten(@TempDir Path dir) throws IOException {
    TableId id = TableId.parse("shop.ranges");
    try (DeltaSink sink = open(dir)) {
      SinkTable table = sink.open(id, SINGLE, WriteMode.UPSERT);
      for (int c = 0; c < 4; c++) {  // four files, key ranges [0,100), [100,200), ...
        long base = c * 100L;
        Lake.commit(table, "load-" + c, w -> {
          for (long k = base; k < base + 100; k++) {
            w.insert(Row.of(k, "v", 0));
          }
        });
      }
      long before = parquetFiles(dir);
      Lake.commit(table, "change", w -> {
        w.upsert(Row.of(150L, "changed", 1));
        w.delete(new RowKey(List.of(151L)));
      });
      assertEquals(before + 1, parquetFiles(dir), "only the upserted row's file is new");
      assertEquals(5, Lake.liveFiles(Lake.snapshot(dir, id)), "the four files stay, one marked");
      assertEquals(1, deletionVectorFiles(dir));
      assertTrue(Lake.snapshot(dir, id).getProtocol().getReaderFeatures().contains("deletionVectors"));

      Lake.commit(table, "again", w -> {  // the same file again: its vector grows, the upserted row is replaced
        w.upsert(Row.of(150L, "twice", 2));
        w.upsert(Row.of(152L, "changed", 2));
      });
      Lake.commit(table, "drop", w -> {  // every row of [0,100): that file is removed, no vector
        for (long k = 0; k < 100; k++) {
          w.delete(new RowKey(List.of(k)));
        }
      });
      assertEquals(2, deletionVectorFiles(dir));
      Map<RowKey, Row> rows = Lake.byKey(dir, id, SINGLE);
      assertEquals(299, rows.size());
      assertEquals(Row.of(150L, "twice", 2), rows.get(new RowKey(List.of(150L))));
      assertEquals(Row.of(152L, "changed", 2), rows.get(new RowKey(List.of(152L))));

      CompactionResult compacted = table.compact();
      assertEquals(299, compacted.rowsWritten(), compacted.toString());
      assertEquals(1, compacted.deleteFilesRemoved(), "the one file with a vector: " + compacted);
      assertEquals(rows, Lake.byKey(dir, id, SINGLE));
      assertEquals(1, Lake.liveFiles(Lake.snapshot(dir, id)), "compaction merged the small files");
      assertEquals("drop", table.lastCommit().orElseThrow().position());
    }
  }

  /** A copy-on-write table written later in deletion-vectors mode gets the feature with its first such commit. */
  @Test
  void aCopyOnWriteTableSwitchesToDeletionVectors(@TempDir Path dir) {
    TableId id = TableId.parse("shop.switched");
    try (DeltaSink sink = DeltaSink.local(dir)) {
      SinkTable table = sink.open(id, SINGLE, WriteMode.UPSERT);
      Lake.commit(table, "1", w -> {
        for (long k = 0; k < 10; k++) {
          w.insert(Row.of(k, "v", 0));
        }
      });
      assertFalse(Lake.snapshot(dir, id).getProtocol().getReaderFeatures().contains("deletionVectors"));
    }
    try (DeltaSink sink = open(dir)) {
      SinkTable table = sink.open(id, SINGLE, WriteMode.UPSERT);
      Lake.commit(table, "2", w -> {
        w.upsert(Row.of(3L, "changed", 1));
        w.delete(new RowKey(List.of(4L)));
      });
      assertTrue(Lake.snapshot(dir, id).getProtocol().getReaderFeatures().contains("deletionVectors"));
      Map<RowKey, Row> rows = Lake.byKey(dir, id, SINGLE);
      assertEquals(9, rows.size());
      assertEquals(Row.of(3L, "changed", 1), rows.get(new RowKey(List.of(3L))));
      assertEquals(2, Lake.liveFiles(Lake.snapshot(dir, id)), "the old file stays, marked, beside the new one");
    }
  }

  /** Positions in several 32-bit buckets, written as the protocol says and loaded by Kernel's reader. */
  @Test
  void kernelLoadsTheBitmapsWritten(@TempDir Path dir) throws IOException {
    long[][] vectors = {{0}, {1, 2, 3, 4095, 4096, 65_535, 65_536, 1_000_000}, {7, (1L << 32) + 3, (3L << 32) + 1}};
    DeletionVectorFile file = DeletionVectorFile.create(new Configuration(), dir.toString());
    io.delta.kernel.data.Row[] descriptors = new io.delta.kernel.data.Row[vectors.length];
    for (int v = 0; v < vectors.length; v++) {
      RoaringBitmapArrayWriter bitmap = new RoaringBitmapArrayWriter();
      for (long position : vectors[v]) {
        bitmap.add(position);
      }
      descriptors[v] = file.append(bitmap.serialize(), bitmap.cardinality());
    }
    file.close();
    for (int v = 0; v < vectors.length; v++) {
      DeletionVectorDescriptor descriptor = DeletionVectorDescriptor.fromRow(descriptors[v]);
      assertEquals(vectors[v].length, descriptor.getCardinality());
      long[] loaded = new DeletionVectorStoredBitmap(descriptor, Optional.of(dir.toString()))
          .load(Lake.ENGINE.getFileSystemClient()).toArray();
      assertArrayEquals(vectors[v], loaded, "vector " + v);
    }
  }

  private static long deletionVectorFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("deletion_vector_")).count();
    }
  }
}
