package io.changelake.sink.iceberg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableWriter;
import io.changelake.api.spi.WriteMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** After every commit the whole table equals an in-memory model, row by row. */
class IcebergUpsertTest {
  private static final TableSchema SINGLE = new TableSchema(List.of(
      Column.of("id", DataType.LONG, false), Column.of("name", DataType.STRING, true),
      Column.of("qty", DataType.INT, true)), List.of("id"));

  private static final TableSchema COMPOSITE = new TableSchema(List.of(
      Column.of("region", DataType.STRING, false), Column.of("v", DataType.DOUBLE, true),
      Column.of("day", DataType.DATE, false), Column.of("n", DataType.LONG, false)),
      List.of("region", "n", "day"));

  @Test
  void compositeKeys(@TempDir Path dir) {
    TableId id = TableId.parse("sales.daily");
    try (IcebergSink sink = IcebergSink.local(dir)) {
      SinkTable table = sink.open(id, COMPOSITE, WriteMode.UPSERT);
      Map<RowKey, Row> expected = new HashMap<>();
      java.time.LocalDate day = java.time.LocalDate.of(2025, 1, 1);
      Lake.commit(table, "1", w -> {
        for (String region : List.of("eu", "us", "apac")) {
          for (long n = 0; n < 30; n++) {
            Row row = Row.of(region, (double) n, day.plusDays(n % 3), n);
            w.insert(row);
            expected.put(row.key(COMPOSITE), row);
          }
        }
      });
      check(sink, id, COMPOSITE, expected, table);
      Lake.commit(table, "2", w -> {
        for (long n = 0; n < 30; n += 2) {
          Row row = Row.of("eu", -1.0 * n, day.plusDays(n % 3), n);  // same key, new value
          w.upsert(row);
          expected.put(row.key(COMPOSITE), row);
          RowKey gone = new RowKey(List.of("us", n, day.plusDays(n % 3)));  // key order: region, n, day
          w.delete(gone);
          expected.remove(gone);
          RowKey partial = new RowKey(List.of("apac", n, day.plusDays(7)));  // matches no row: same region+n
          w.delete(partial);
        }
      });
      check(sink, id, COMPOSITE, expected, table);
      Lake.commit(table, "3", w -> {
        Row back = Row.of("us", 99.0, day, 0L);
        w.upsert(back);
        expected.put(back.key(COMPOSITE), back);
      });
      check(sink, id, COMPOSITE, expected, table);
    }
  }

  @Test
  void keyUpsertedTwiceInOneWriterGetsAPositionDelete(@TempDir Path dir) {
    TableId id = TableId.parse("shop.twice");
    try (IcebergSink sink = IcebergSink.create(IcebergSinkConfig.local(dir, Map.of("delete-mode", "equality"),
        Map.of()))) {
      SinkTable table = sink.open(id, SINGLE, WriteMode.UPSERT);
      Map<RowKey, Row> expected = new HashMap<>();
      Lake.commit(table, "0", w -> w.insert(Row.of(2L, "old", 0)));
      Lake.commit(table, "1", w -> {
        w.upsert(Row.of(1L, "a", 1));
        w.delete(new RowKey(List.of(1L)));
        w.upsert(Row.of(2L, "b", 1));
        w.upsert(Row.of(2L, "b2", 2));
        w.insert(Row.of(3L, "c", 3));
        w.delete(new RowKey(List.of(4L)));
        w.upsert(Row.of(4L, "d", 4));
      });
      expected.put(new RowKey(List.of(2L)), Row.of(2L, "b2", 2));
      expected.put(new RowKey(List.of(3L)), Row.of(3L, "c", 3));
      expected.put(new RowKey(List.of(4L)), Row.of(4L, "d", 4));
      check(sink, id, SINGLE, expected, table);
      Map<String, String> summary = Lake.load(sink, id).currentSnapshot().summary();
      assertEquals("1", summary.get("added-data-files"), summary.toString());
      assertEquals("1", summary.get("added-position-delete-files"), summary.toString());
      assertEquals("2", summary.get("added-position-deletes"), summary.toString());
      assertEquals("1", summary.get("added-equality-delete-files"), summary.toString());
      assertEquals("4", summary.get("added-equality-deletes"), summary.toString());
    }
  }

  @Test
  void appendTableOnlyWritesRows(@TempDir Path dir) {
    TableSchema log = new TableSchema(List.of(Column.of("op", DataType.STRING, false),
        Column.of("id", DataType.LONG, true)), List.of());
    TableId id = TableId.parse("audit.log");
    try (IcebergSink sink = IcebergSink.local(dir)) {
      SinkTable table = sink.open(id, log, WriteMode.APPEND);
      Lake.commit(table, "1", w -> {
        w.insert(Row.of("c", 1L));
        w.insert(Row.of("d", 1L));
      });
      Lake.commit(table, "2", w -> w.insert(Row.of("c", 1L)));
      assertEquals(3, Lake.records(Lake.load(sink, id)).size());
      assertEquals("append", Lake.load(sink, id).currentSnapshot().operation());
      try (TableWriter w = table.newWriter()) {
        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
            () -> w.delete(new RowKey(List.of(1L))));
      }
    }
  }

  private static void check(IcebergSink sink, TableId id, TableSchema schema, Map<RowKey, Row> expected,
      SinkTable table) {
    Table iceberg = Lake.load(sink, id);
    assertEquals(expected, Lake.byKey(iceberg, schema), "table read by IcebergGenerics");
    Map<RowKey, Row> scanned = new HashMap<>();
    Lake.scan(table, null).forEach(row -> scanned.put(row.key(schema), row));
    assertEquals(expected, scanned, "table read by scan()");
  }

}
