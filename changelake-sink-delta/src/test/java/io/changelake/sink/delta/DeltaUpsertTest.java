package io.changelake.sink.delta;

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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** After every commit the whole table, read by Kernel, equals an in-memory model, row by row. */
class DeltaUpsertTest {
  static final TableSchema SINGLE = new TableSchema(List.of(
      Column.of("id", DataType.LONG, false), Column.of("name", DataType.STRING, true),
      Column.of("qty", DataType.INT, true)), List.of("id"));

  /** The sink under test (copy-on-write, every default). */
  protected DeltaSink open(Path dir) {
    return DeltaSink.local(dir);
  }

  @Test
  void upsertsAndDeletesAcrossCommits(@TempDir Path dir) {
    TableId id = TableId.parse("shop.products");
    try (DeltaSink sink = open(dir)) {
      SinkTable table = sink.open(id, SINGLE, WriteMode.UPSERT);
      Map<RowKey, Row> expected = new LinkedHashMap<>();
      int n = 5000;  // more than one writer batch (4096) and reader batch (1024)

      Lake.commit(table, "1", w -> {
        for (long k = 1; k <= n; k++) {
          Row row = Row.of(k, "item-" + k, (int) k);
          w.insert(row);
          expected.put(row.key(SINGLE), row);
        }
      });
      check(dir, id, SINGLE, expected, table);

      Lake.commit(table, "2", w -> {
        for (long k = 1; k <= n; k += 3) {
          Row row = Row.of(k, "updated-" + k, null);
          w.upsert(row);
          expected.put(row.key(SINGLE), row);
        }
        for (long k = 2; k <= n; k += 5) {
          if (k % 3 == 1) {
            continue;  // upserted above: one change per key per writer
          }
          RowKey key = new RowKey(List.of(k));
          w.delete(key);
          expected.remove(key);
        }
        w.delete(new RowKey(List.of(100_000L)));  // absent key: no effect
      });
      check(dir, id, SINGLE, expected, table);

      Lake.commit(table, "3", w -> {
        for (long k = 2; k <= 50; k += 5) {  // deleted in commit 2, back again
          Row row = Row.of(k, "reborn-" + k, -1);
          w.upsert(row);
          expected.put(row.key(SINGLE), row);
        }
        for (long k = n + 1; k <= n + 20; k++) {  // new keys through upsert
          Row row = Row.of(k, "new-" + k, 0);
          w.upsert(row);
          expected.put(row.key(SINGLE), row);
        }
      });
      check(dir, id, SINGLE, expected, table);

      Random random = new Random(42);
      for (int commit = 4; commit <= 8; commit++) {
        int c = commit;
        Lake.commit(table, String.valueOf(commit), w -> {
          List<Long> keys = new ArrayList<>();
          for (int i = 0; i < 60; i++) {
            long k = 1 + random.nextInt(n + 40);
            if (!keys.contains(k)) {
              keys.add(k);
            }
          }
          for (long k : keys) {
            if (random.nextInt(3) == 0) {
              RowKey key = new RowKey(List.of(k));
              w.delete(key);
              expected.remove(key);
            } else {
              Row row = Row.of(k, "c" + c + "-" + k, c);
              w.upsert(row);
              expected.put(row.key(SINGLE), row);
            }
          }
        });
        check(dir, id, SINGLE, expected, table);
      }
      List<TableSnapshot> versions = table.snapshots();
      assertEquals(9, versions.size(), "create + 8 commits");
      versions.forEach(v -> System.out.println("version " + v.id() + " " + v.operation() + " " + v.summary()));
    }
  }

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
      assertEquals(4, Lake.liveFiles(Lake.snapshot(dir, id)));
      Lake.commit(table, "change", w -> {
        w.upsert(Row.of(150L, "changed", 1));
        w.delete(new RowKey(List.of(151L)));
      });
      // Only [100,200) is rewritten: its 98 other rows and the upserted one go to one new file.
      assertEquals(before + 1, parquetFiles(dir));
      assertEquals(4, Lake.liveFiles(Lake.snapshot(dir, id)));
      Map<RowKey, Row> rows = Lake.byKey(dir, id, SINGLE);
      assertEquals(399, rows.size());
      assertEquals(Row.of(150L, "changed", 1), rows.get(new RowKey(List.of(150L))));
    }
  }

  @Test
  void aKeyChangesOncePerWriter(@TempDir Path dir) {
    try (DeltaSink sink = open(dir)) {
      SinkTable table = sink.open(TableId.parse("shop.twice"), SINGLE, WriteMode.UPSERT);
      try (TableWriter w = table.newWriter()) {
        w.upsert(Row.of(1L, "a", 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> w.delete(new RowKey(List.of(1L))));
        assertEquals(true, e.getMessage().contains("fold changes by key"), e.getMessage());
      }
    }
  }

  private static void check(Path dir, TableId id, TableSchema schema, Map<RowKey, Row> expected, SinkTable table) {
    assertEquals(expected, Lake.byKey(dir, id, schema), "table read by Kernel");
    Map<RowKey, Row> scanned = new HashMap<>();
    Lake.scan(table, null).forEach(row -> scanned.put(row.key(schema), row));
    assertEquals(expected, scanned, "table read by scan()");
  }

  static long parquetFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.toString().endsWith(".parquet") && !p.toString().contains("_delta_log")).count();
    }
  }
}
