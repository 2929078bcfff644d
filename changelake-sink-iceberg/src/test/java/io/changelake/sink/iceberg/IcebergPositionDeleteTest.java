package io.changelake.sink.iceberg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.WriteMode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upserts and deletes as position deletes found through the key index: the table read by Iceberg's generic
 * reader equals the expected rows after every commit, across a restart (index loaded from the table) and a
 * compaction, and no commit writes an equality delete.
 */
class IcebergPositionDeleteTest {
  private static final TableSchema SCHEMA = new TableSchema(List.of(
      Column.of("region", DataType.STRING, false), Column.of("id", DataType.LONG, false),
      Column.of("name", DataType.STRING, true)), List.of("region", "id"));
  private static final TableId ID = TableId.parse("shop.items");

  @Test
  void everyChangeIsAPositionDeleteAndSurvivesRestartAndCompaction(@TempDir Path dir) {
    Map<RowKey, Row> expected = new HashMap<>();
    try (IcebergSink sink = positionSink(dir)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      Lake.commit(table, "1", w -> {
        for (long id = 0; id < 50; id++) {
          w.insert(put(expected, Row.of("eu", id, "v0")));
        }
      });
      check(sink, expected);
      Lake.commit(table, "2", w -> {
        w.upsert(put(expected, Row.of("eu", 1L, "v1")));             // update
        w.delete(remove(expected, "eu", 2L));                        // delete
        w.delete(remove(expected, "eu", 3L));                        // key update: old key gone,
        w.upsert(put(expected, Row.of("us", 3L, "moved")));          // new key in
        w.upsert(put(expected, Row.of("eu", 4L, "a")));              // several times in one round
        w.upsert(put(expected, Row.of("eu", 4L, "b")));
        w.upsert(put(expected, Row.of("eu", 4L, "c")));
        w.upsert(put(expected, Row.of("eu", 99L, "new")));           // inserted, then deleted in one round
        w.delete(remove(expected, "eu", 99L));
        w.delete(new RowKey(List.of("eu", 1000L)));                  // no such row: nothing written
      });
      check(sink, expected);
      Lake.commit(table, "3", w -> {
        w.upsert(put(expected, Row.of("eu", 4L, "d")));              // across rounds
        w.upsert(put(expected, Row.of("eu", 1L, "v2")));
        w.upsert(put(expected, Row.of("eu", 2L, "back")));
      });
      check(sink, expected);
    }
    try (IcebergSink sink = positionSink(dir)) {                 // restart: the index is loaded from the table
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      Lake.commit(table, "4", w -> {
        w.upsert(put(expected, Row.of("eu", 4L, "e")));
        w.upsert(put(expected, Row.of("us", 3L, "moved-again")));
        w.delete(remove(expected, "eu", 2L));
        w.delete(remove(expected, "eu", 10L));
      });
      check(sink, expected);
      table.compact();
      check(sink, expected);
      assertTrue(table.files(null).stream().allMatch(f -> f.content().equals("DATA")), "compacted: no delete files");
      Lake.commit(table, "5", w -> {                                   // after the compaction: index loaded again
        w.upsert(put(expected, Row.of("eu", 4L, "f")));
        w.delete(remove(expected, "eu", 11L));
      });
      check(sink, expected);
      Table iceberg = Lake.load(sink, ID);
      for (Snapshot snapshot : iceberg.snapshots()) {
        assertEquals("0", snapshot.summary().getOrDefault("added-equality-delete-files", "0"), snapshot.summary().toString());
      }
      assertEquals("5", table.lastCommit().orElseThrow().position());
    }
  }

  @Test
  void tablesWrittenWithEqualityDeletesSwitchToPositionDeletes(@TempDir Path dir) {
    Map<RowKey, Row> expected = new HashMap<>();
    try (IcebergSink sink = IcebergSink.local(dir)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      Lake.commit(table, "1", w -> {
        for (long id = 0; id < 10; id++) {
          w.insert(put(expected, Row.of("eu", id, "v0")));
        }
      });
      Lake.commit(table, "2", w -> {
        w.upsert(put(expected, Row.of("eu", 1L, "eq")));
        w.delete(remove(expected, "eu", 2L));
      });
      check(sink, expected);
    }
    try (IcebergSink sink = positionSink(dir)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      Lake.commit(table, "3", w -> {
        w.upsert(put(expected, Row.of("eu", 1L, "pos")));           // its live row is the one of commit 2
        w.delete(remove(expected, "eu", 3L));
        w.delete(new RowKey(List.of("eu", 2L)));                    // already deleted by an equality delete
      });
      check(sink, expected);
      Map<String, String> summary = Lake.load(sink, ID).currentSnapshot().summary();
      assertEquals("2", summary.get("added-position-deletes"), summary.toString());
      assertEquals(null, summary.get("added-equality-deletes"), summary.toString());
    }
  }

  private static Row put(Map<RowKey, Row> expected, Row row) {
    expected.put(row.key(SCHEMA), row);
    return row;
  }

  private static RowKey remove(Map<RowKey, Row> expected, String region, long id) {
    RowKey key = new RowKey(List.of(region, id));
    expected.remove(key);
    return key;
  }

  private static void check(IcebergSink sink, Map<RowKey, Row> expected) {
    assertEquals(expected, Lake.byKey(Lake.load(sink, ID), SCHEMA), "table read by IcebergGenerics");
  }

  /** A sink writing position deletes ({@code delete-mode=position}). */
  static IcebergSink positionSink(Path dir) {
    return IcebergSink.create(IcebergSinkConfig.local(dir, Map.of("delete-mode", "position"), Map.of()));
  }
}
