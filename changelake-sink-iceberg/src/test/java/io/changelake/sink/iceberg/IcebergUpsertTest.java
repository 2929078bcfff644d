package io.changelake.sink.iceberg;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** After every commit the whole table equals an in-memory model, row by row. */
class IcebergUpsertTest {
  private static final TableSchema SINGLE = new TableSchema(List.of(
      Column.of("id", DataType.LONG, false), Column.of("name", DataType.STRING, true),
      Column.of("qty", DataType.INT, true)), List.of("id"));

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

  private static void check(IcebergSink sink, TableId id, TableSchema schema, Map<RowKey, Row> expected,
      SinkTable table) {
    Table iceberg = Lake.load(sink, id);
    assertEquals(expected, Lake.byKey(iceberg, schema), "table read by IcebergGenerics");
    Map<RowKey, Row> scanned = new HashMap<>();
    Lake.scan(table, null).forEach(row -> scanned.put(row.key(schema), row));
    assertEquals(expected, scanned, "table read by scan()");
  }
}
