package io.changelake.sink.paimon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.CompactionResult;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableWriter;
import io.changelake.api.spi.WriteMode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.paimon.CoreOptions;
import org.apache.paimon.Snapshot;
import org.apache.paimon.io.DataFileMeta;
import org.apache.paimon.table.FileStoreTable;
import org.apache.paimon.table.source.DataSplit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Full compaction of primary-key tables: rows, one sorted run per bucket, the source position, a sync meanwhile. */
class PaimonCompactionTest {
  private static final TableId ID = TableId.parse("shop.products");
  private static final TableSchema PRODUCTS = new TableSchema(List.of(
      Column.of("id", DataType.LONG, false), Column.of("name", DataType.STRING, true),
      Column.of("qty", DataType.INT, true)), List.of("id"));

  private final Map<RowKey, Row> expected = new LinkedHashMap<>();

  @Test
  void fullCompactionLeavesOneSortedRunPerBucket(@TempDir Path dir) {
    try (PaimonSink sink = PaimonSink.local(dir)) {
      SinkTable table = sink.open(ID, PRODUCTS, WriteMode.UPSERT);
      writeHistory(table);
      assertTrue(Lake.load(sink, ID).newSnapshotReader().read().dataSplits().stream()
          .anyMatch(split -> split.dataFiles().size() > 1), "buckets with several sorted runs before compaction");

      CompactionResult result = table.compact();

      FileStoreTable paimon = Lake.load(sink, ID);
      Snapshot latest = paimon.snapshotManager().latestSnapshot();
      assertEquals(Snapshot.CommitKind.COMPACT, latest.commitKind());
      assertEquals(PaimonCompaction.COMMIT_USER, latest.commitUser());
      assertEquals(latest.id(), result.snapshotId());
      assertEquals(expected.size(), result.rowsWritten());
      int lastLevel = new CoreOptions(paimon.options()).numLevels() - 1;
      List<DataSplit> splits = paimon.newSnapshotReader().read().dataSplits();
      assertEquals(4, splits.size(), "one split per bucket");
      for (DataSplit split : splits) {
        assertEquals(List.of(lastLevel), split.dataFiles().stream().map(DataFileMeta::level).distinct().toList(),
            "bucket " + split.bucket() + " is one sorted run at the last level");
      }
      assertEquals(expected, Lake.byKey(paimon, PRODUCTS));
      assertEquals("4", table.lastCommit().orElseThrow().position());
      assertEquals("every bucket is already one sorted run; readers merge nothing", table.compact().skipped());
    }
  }

  @Test
  void syncCommitDuringCompactionIsKept(@TempDir Path dir) {
    try (PaimonSink sink = PaimonSink.local(dir)) {
      SinkTable table = sink.open(ID, PRODUCTS, WriteMode.UPSERT);
      writeHistory(table);
      try (PaimonCompaction compaction = new PaimonCompaction(ID, Lake.load(sink, ID),
          dir.resolve("tmp").toString())) {
        assertTrue(compaction.rewrite());
        Lake.commit(table, "5", w -> {
          upsert(w, Row.of(3L, "during", 5));
          delete(w, 10L);
          upsert(w, Row.of(500L, "new", 5));
        });
        assertTrue(compaction.commit().committed());
      }
      assertEquals(expected, Lake.byKey(Lake.load(sink, ID), PRODUCTS), "the sync commit wins over the compacted rows");
      assertEquals("5", table.lastCommit().orElseThrow().position(), "the sync commit's position");
      Lake.commit(table, "6", w -> upsert(w, Row.of(3L, "after", 6)));
      assertEquals(expected, Lake.byKey(Lake.load(sink, ID), PRODUCTS));
      assertEquals("6", table.lastCommit().orElseThrow().position(), "the sync's commit identifiers go on");
    }
  }

  @Test
  void syncCompactsInTheBackgroundAlongsideOtherCompactions(@TempDir Path dir) throws IOException {
    // a compaction as soon as a bucket has two sorted runs: the sync's kept write compacts between its commits
    Map<String, String> eager = Map.of("num-sorted-run.compaction-trigger", "2");
    try (PaimonSink sink = PaimonSink.create(PaimonSinkConfig.local(dir, Map.of(), eager));
         PaimonSink other = PaimonSink.create(PaimonSinkConfig.local(dir, Map.of(), eager))) {
      SinkTable table = sink.open(ID, PRODUCTS, WriteMode.UPSERT);
      writeHistory(table);
      for (int round = 5; round <= 30; round++) {
        int value = round;
        Lake.commit(table, String.valueOf(round), w -> {
          for (long k = value % 7; k <= 100; k += 7) {
            upsert(w, Row.of(k, "round-" + value, value));
          }
          delete(w, (long) value * 3);
        });
        if (round % 6 == 0) {
          other.find(ID).orElseThrow().compact();  // another process's compaction, under the sync's kept write
        }
      }
      FileStoreTable paimon = Lake.load(sink, ID);
      assertEquals(expected, Lake.byKey(paimon, PRODUCTS));
      assertEquals("30", table.lastCommit().orElseThrow().position());
      List<Snapshot> snapshots = new ArrayList<>();
      paimon.snapshotManager().snapshots().forEachRemaining(snapshots::add);
      assertTrue(snapshots.stream().anyMatch(s -> s.commitKind() == Snapshot.CommitKind.COMPACT
          && PaimonTableWriter.COMMIT_USER.equals(s.commitUser())), "the sync's own compactions landed");
    }
  }

  @Test
  void appendTableHasNothingToCompact(@TempDir Path dir) {
    TableSchema log = new TableSchema(List.of(Column.of("op", DataType.STRING, false)), List.of());
    try (PaimonSink sink = PaimonSink.local(dir)) {
      SinkTable table = sink.open(ID, log, WriteMode.APPEND);
      Lake.commit(table, "1", w -> w.insert(Row.of("c")));
      assertFalse(table.compact().committed());
    }
  }

  /** Four commits: inserts, then upserts and deletes, each a new sorted run in the buckets it touches. */
  private void writeHistory(SinkTable table) {
    Lake.commit(table, "1", w -> {
      for (long k = 1; k <= 100; k++) {
        Row row = Row.of(k, "item-" + k, (int) k);
        w.insert(row);
        expected.put(row.key(PRODUCTS), row);
      }
    });
    Lake.commit(table, "2", w -> {
      for (long k = 1; k <= 100; k += 4) {
        upsert(w, Row.of(k, "two-" + k, 2));
      }
      delete(w, 2L);
      delete(w, 6L);
    });
    Lake.commit(table, "3", w -> {
      upsert(w, Row.of(7L, "three", 3));
      upsert(w, Row.of(2L, "back", 3));
    });
    Lake.commit(table, "4", w -> delete(w, 50L));
  }

  private void upsert(TableWriter writer, Row row) {
    writer.upsert(row);
    expected.put(row.key(PRODUCTS), row);
  }

  private void delete(TableWriter writer, long id) {
    RowKey key = new RowKey(List.of(id));
    writer.delete(key);
    expected.remove(key);
  }
}
