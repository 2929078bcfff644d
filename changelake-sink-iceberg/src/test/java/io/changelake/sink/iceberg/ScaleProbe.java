package io.changelake.sink.iceberg;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.WriteMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/** Cost of the upsert path at a modest scale; run with -Dscale.probe=true (-Dscale.delete-mode=equality|position). */
@EnabledIfSystemProperty(named = "scale.probe", matches = "true")
class ScaleProbe {
  @Test
  void upsertCost(@TempDir Path dir) {
    TableSchema schema = new TableSchema(List.of(Column.of("id", DataType.LONG, false),
        Column.of("name", DataType.STRING, true), Column.of("qty", DataType.INT, true),
        Column.of("price", DataType.decimal(12, 2), true)), List.of("id"));
    TableId id = TableId.parse("bench.t");
    int rows = Integer.getInteger("scale.rows", 1_000_000);
    Map<String, String> mode = Map.of("delete-mode", System.getProperty("scale.delete-mode", "position"));
    try (IcebergSink sink = IcebergSink.create(IcebergSinkConfig.local(dir, mode, Map.of()))) {
      SinkTable table = sink.open(id, schema, WriteMode.UPSERT);
      long t0 = System.nanoTime();
      Lake.commit(table, "0", w -> {
        for (long k = 0; k < rows; k++) {
          w.insert(Row.of(k, "name-" + k, (int) k, java.math.BigDecimal.valueOf(k, 2)));
          if (k == 1000 || k == rows - 1) {
            System.gc();
            System.out.printf("after %d inserts: retained heap %d MB%n", k,
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
          }
        }
      });
      report("insert " + rows, t0, sink, id);
      Random random = new Random(1);
      for (int c = 1; c <= 5; c++) {
        t0 = System.nanoTime();
        int cc = c;
        Lake.commit(table, String.valueOf(c), w -> {
          java.util.Set<Long> seen = new java.util.HashSet<>();
          for (int i = 0; i < rows / 10; i++) {
            long k = random.nextInt(rows);
            if (!seen.add(k)) {
              continue;
            }
            if (i % 10 == 0) {
              w.delete(new RowKey(List.of(k)));
            } else {
              w.upsert(Row.of(k, "u" + cc, cc, null));
            }
          }
        });
        report("commit " + c + " (" + rows / 10 + " changes)", t0, sink, id);
      }
      long afterStreams = scan(table, "full scan after the commits");
      t0 = System.nanoTime();
      sink.open(id, schema, WriteMode.UPSERT).newWriter().close();  // a restart: the index is loaded from the table
      System.out.printf("first writer of the table opened again (the key index load in position mode): %d ms%n",
          (System.nanoTime() - t0) / 1_000_000);
      t0 = System.nanoTime();
      Map<RowKey, Row> found = table.lookup(List.of(new RowKey(List.of(5L)), new RowKey(List.of(77L))));
      System.out.printf("lookup of 2 keys: %d ms (%d found)%n", (System.nanoTime() - t0) / 1_000_000, found.size());
      table.compact();
      scan(table, "full scan after compaction");  // warm-up of the compacted read path
      long compacted = scan(table, "full scan after compaction");
      System.out.printf("scan ratio after the commits / compacted: %.2f%n", (double) afterStreams / compacted);
    }
  }

  private static long scan(SinkTable table, String what) {
    long t0 = System.nanoTime();
    long count = 0;
    try (var scan = table.scan(null)) {
      for (Row ignored : scan) {
        count++;
      }
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("%s, %d rows: %d ms%n", what, count, ms);
    return ms;
  }

  private static void report(String what, long t0, IcebergSink sink, TableId id) {
    Table t = Lake.load(sink, id);
    Map<String, String> m = t.currentSnapshot().summary();
    System.out.printf("%s: %d ms, +%s data files, +%s eq-delete files, +%s pos-delete files, total %s/%s,"
            + " total size %s bytes, heap used %d MB%n",
        what, (System.nanoTime() - t0) / 1_000_000, m.getOrDefault("added-data-files", "0"),
        m.getOrDefault("added-equality-delete-files", "0"), m.getOrDefault("added-position-delete-files", "0"),
        m.get("total-data-files"), m.get("total-delete-files"), m.get("total-files-size"),
        (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
  }
}
