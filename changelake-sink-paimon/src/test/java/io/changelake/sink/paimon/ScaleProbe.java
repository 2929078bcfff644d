package io.changelake.sink.paimon;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.RowScan;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableSnapshot;
import io.changelake.api.spi.WriteMode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cost of the upsert path at a modest scale; run with -Dscale.probe=true (and optionally
 * -Dscale.rows=N, -Dscale.table-conf=key=value,key=value to try other Paimon options).
 */
@EnabledIfSystemProperty(named = "scale.probe", matches = "true")
class ScaleProbe {
  @Test
  void upsertCost(@TempDir Path dir) throws IOException {
    TableSchema schema = new TableSchema(List.of(Column.of("id", DataType.LONG, false),
        Column.of("name", DataType.STRING, true), Column.of("qty", DataType.INT, true),
        Column.of("price", DataType.decimal(12, 2), true)), List.of("id"));
    TableId id = TableId.parse("bench.t");
    int rows = Integer.getInteger("scale.rows", 1_000_000);
    try (PaimonSink sink = PaimonSink.create(PaimonSinkConfig.local(dir, Map.of(), tableConf()))) {
      SinkTable table = sink.open(id, schema, WriteMode.UPSERT);
      long t0 = System.nanoTime();
      Lake.commit(table, "0", w -> {
        for (long k = 0; k < rows; k++) {
          w.insert(Row.of(k, "name-" + k, (int) k, BigDecimal.valueOf(k, 2)));
          if (k == 1000 || k == rows - 1) {
            System.gc();
            System.out.printf("after %d inserts: retained heap %d MB%n", k, usedHeapMb());
          }
        }
      });
      report("insert " + rows, t0, table, dir);
      Random random = new Random(1);
      for (int c = 1; c <= 5; c++) {
        t0 = System.nanoTime();
        int cc = c;
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
        report("commit " + c + " (" + rows / 10 + " changes)", t0, table, dir);
      }
      t0 = System.nanoTime();
      long count = 0;
      try (RowScan scan = table.scan(null)) {
        for (Row ignored : scan) {
          count++;
        }
      }
      System.out.printf("full scan of %d rows: %d ms%n", count, (System.nanoTime() - t0) / 1_000_000);
      t0 = System.nanoTime();
      Map<RowKey, Row> found = table.lookup(List.of(new RowKey(List.of(5L)), new RowKey(List.of(77L))));
      System.out.printf("lookup of 2 keys: %d ms (%d found)%n", (System.nanoTime() - t0) / 1_000_000, found.size());
    }
  }

  private static Map<String, String> tableConf() {
    Map<String, String> conf = new java.util.LinkedHashMap<>();
    String text = System.getProperty("scale.table-conf", "");
    for (String pair : text.split(",")) {
      if (pair.contains("=")) {
        conf.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
      }
    }
    return conf;
  }

  private static void report(String what, long t0, SinkTable table, Path dir) throws IOException {
    List<TableSnapshot> snapshots = table.snapshots();
    TableSnapshot last = snapshots.get(snapshots.size() - 1);
    long files;
    long bytes;
    try (Stream<Path> all = Files.walk(dir)) {
      List<Path> data = all.filter(p -> p.toString().endsWith(".parquet")).toList();
      files = data.size();
      bytes = 0;
      for (Path p : data) {
        bytes += Files.size(p);
      }
    }
    System.out.printf("%s: %d ms, snapshots now %d (last %s), total records %s, parquet files on disk %d (%d MB),"
            + " heap used %d MB%n", what, (System.nanoTime() - t0) / 1_000_000, snapshots.size(), last.operation(),
        last.summary().get("total-record-count"), files, bytes >> 20, usedHeapMb());
  }

  private static long usedHeapMb() {
    return (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20;
  }
}
