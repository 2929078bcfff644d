package io.changelake.sink.paimon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableSnapshot;
import io.changelake.api.spi.TableWriter;
import io.changelake.api.spi.WriteMode;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** After every commit the whole table equals an in-memory model, row by row. */
class PaimonUpsertTest {
  private static final TableSchema SINGLE = new TableSchema(List.of(
      Column.of("id", DataType.LONG, false), Column.of("name", DataType.STRING, true),
      Column.of("qty", DataType.INT, true)), List.of("id"));

  private static final TableSchema COMPOSITE = new TableSchema(List.of(
      Column.of("region", DataType.STRING, false), Column.of("v", DataType.DOUBLE, true),
      Column.of("day", DataType.DATE, false), Column.of("n", DataType.LONG, false),
      Column.of("note", DataType.STRING, false)),
      List.of("region", "n", "day"));

  @Test
  void compositeKeysWithRequiredColumns(@TempDir Path dir) {
    TableId id = TableId.parse("sales.daily");
    try (PaimonSink sink = PaimonSink.local(dir)) {
      SinkTable table = sink.open(id, COMPOSITE, WriteMode.UPSERT);
      Map<RowKey, Row> expected = new HashMap<>();
      LocalDate day = LocalDate.of(2025, 1, 1);
      Lake.commit(table, "1", w -> {
        for (String region : List.of("eu", "us", "apac")) {
          for (long n = 0; n < 30; n++) {
            Row row = Row.of(region, (double) n, day.plusDays(n % 3), n, "v1");
            w.insert(row);
            expected.put(row.key(COMPOSITE), row);
          }
        }
      });
      checkScan(table, COMPOSITE, expected);
      Lake.commit(table, "2", w -> {
        for (long n = 0; n < 30; n += 2) {
          Row row = Row.of("eu", -1.0 * n, day.plusDays(n % 3), n, "v2");  // same key, new value
          w.upsert(row);
          expected.put(row.key(COMPOSITE), row);
          RowKey gone = new RowKey(List.of("us", n, day.plusDays(n % 3)));  // key order: region, n, day
          w.delete(gone);  // 'note' is NOT NULL: the delete must still pass Paimon's null check
          expected.remove(gone);
          w.delete(new RowKey(List.of("apac", n, day.plusDays(7))));  // matches no row: same region+n
        }
      });
      checkScan(table, COMPOSITE, expected);
      Lake.commit(table, "3", w -> {
        Row back = Row.of("us", 99.0, day, 0L, "back");
        w.upsert(back);
        expected.put(back.key(COMPOSITE), back);
      });
      checkScan(table, COMPOSITE, expected);
    }
  }

  @Test
  void appendTableOnlyWritesRows(@TempDir Path dir) {
    TableSchema log = new TableSchema(List.of(Column.of("op", DataType.STRING, false),
        Column.of("id", DataType.LONG, true)), List.of());
    TableId id = TableId.parse("audit.log");
    try (PaimonSink sink = PaimonSink.local(dir)) {
      SinkTable table = sink.open(id, log, WriteMode.APPEND);
      Lake.commit(table, "1", w -> {
        w.insert(Row.of("c", 1L));
        w.insert(Row.of("d", 1L));
      });
      Lake.commit(table, "2", w -> w.insert(Row.of("c", 1L)));
      assertEquals(3, Lake.records(Lake.load(sink, id)).size());
      assertEquals(List.of(), Lake.load(sink, id).primaryKeys());
      assertEquals("append", Lake.load(sink, id).options().get("changelake.mode"));
      try (TableWriter w = table.newWriter()) {
        assertThrows(UnsupportedOperationException.class, () -> w.delete(new RowKey(List.of(1L))));
        assertThrows(UnsupportedOperationException.class, () -> w.upsert(Row.of("u", 1L)));
      }
    }
  }

  private static void check(PaimonSink sink, TableId id, TableSchema schema, Map<RowKey, Row> expected,
      SinkTable table) {
    assertEquals(expected, Lake.byKey(Lake.load(sink, id), schema), "table read by Paimon's ReadBuilder");
    checkScan(table, schema, expected);
  }

  private static void checkScan(SinkTable table, TableSchema schema, Map<RowKey, Row> expected) {
    Map<RowKey, Row> scanned = new HashMap<>();
    Lake.scan(table, null).forEach(row -> scanned.put(row.key(schema), row));
    assertEquals(expected, scanned, "table read by scan()");
  }
}
