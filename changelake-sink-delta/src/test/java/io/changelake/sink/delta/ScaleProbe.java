package io.changelake.sink.delta;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.RowScan;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.WriteMode;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cost of the copy-on-write upsert path at a modest scale; run with -Dscale.probe=true
 * (-Dscale.rows=N, -Dscale.file-size=BYTES to vary). Prints time, files and heap per phase.
 */
@EnabledIfSystemProperty(named = "scale.probe", matches = "true")
class ScaleProbe {
  @Test
  void upsertCost(@TempDir Path dir) {
    TableSchema schema = new TableSchema(List.of(Column.of("id", DataType.LONG, false),
        Column.of("name", DataType.STRING, true), Column.of("qty", DataType.INT, true),
        Column.of("price", DataType.decimal(12, 2), true)), List.of("id"));
    TableId id = TableId.parse("bench.t");
    int rows = Integer.getInteger("scale.rows", 1_000_000);
    Map<String, String> catalog = Map.of("target-file-size", System.getProperty("scale.file-size", "134217728"));
    try (DeltaSink sink = DeltaSink.create(DeltaSinkConfig.local(dir, catalog, Map.of()))) {
      SinkTable table = sink.open(id, schema, WriteMode.UPSERT);
      resetPeak();
      long t0 = System.nanoTime();
      Lake.commit(table, "0", w -> {
        for (long k = 0; k < rows; k++) {
          w.insert(Row.of(k, "name-" + k, (int) k, BigDecimal.valueOf(k, 2)));
        }
      });
      report("insert " + rows, t0, dir, id);
      Random random = new Random(1);
      for (int c = 1; c <= 5; c++) {
        int cc = c;
        resetPeak();
        t0 = System.nanoTime();
        Lake.commit(table, String.valueOf(c), w -> {
          Set<Long> seen = new HashSet<>();
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
        report("commit " + c + " (" + rows / 10 + " random changes)", t0, dir, id);
      }
      resetPeak();
      t0 = System.nanoTime();
      long count = 0;
      try (RowScan scan = table.scan(null)) {
        for (Row ignored : scan) {
          count++;
        }
      }
      System.out.printf("full scan of %d rows: %d ms, peak heap %d MB%n", count, (System.nanoTime() - t0) / 1_000_000,
          peakMb());
      t0 = System.nanoTime();
      Map<RowKey, Row> found = table.lookup(List.of(new RowKey(List.of(5L)), new RowKey(List.of(77L))));
      System.out.printf("lookup of 2 keys: %d ms (%d found)%n", (System.nanoTime() - t0) / 1_000_000, found.size());
      resetPeak();
      t0 = System.nanoTime();
      Lake.commit(table, "tail", w -> {
        for (long k = rows - 1000; k < rows; k++) {
          w.upsert(Row.of(k, "tail", 0, null));
        }
      });
      report("commit of 1000 upserts to the newest keys", t0, dir, id);
    }
  }

  private static void report(String what, long t0, Path dir, TableId id) {
    System.out.printf("%s: %d ms, live files %d, peak heap %d MB%n", what, (System.nanoTime() - t0) / 1_000_000,
        Lake.liveFiles(Lake.snapshot(dir, id)), peakMb());
  }

  private static void resetPeak() {
    System.gc();
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
  }

  private static long peakMb() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak >> 20;
  }
}
