package io.changelake.query;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.CommitKind;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.RowScan;
import io.changelake.api.spi.SinkProvider;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableSink;
import io.changelake.api.spi.TableWriter;
import io.changelake.api.spi.WriteMode;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Cost of a query beside the format's reader alone, on an {@code orders} table of {@code scale.rows} rows (1M) per
 * format; run with {@code -Dscale.probe=true} ({@code -Dscale.dir=DIR} keeps the warehouse for the command).
 */
@EnabledIfSystemProperty(named = "scale.probe", matches = "true")
class QueryScaleProbe {
  private static final TableSchema ORDERS = new TableSchema(List.of(
      Column.of("order_id", DataType.LONG, false), Column.of("customer_id", DataType.INT, false),
      Column.of("price", DataType.decimal(12, 2), false), Column.of("status", DataType.STRING, false),
      Column.of("ordered_at", DataType.TIMESTAMP, false)), List.of("order_id"));

  @Test
  void queryBesideReader() throws Exception {
    int rows = Integer.getInteger("scale.rows", 1_000_000);
    Path dir = Path.of(System.getProperty("scale.dir", Files.createTempDirectory("query-scale").toString()));
    List<TableSink> sinks = new ArrayList<>();
    for (SinkProvider provider : ServiceLoader.load(SinkProvider.class)) {
      TableSink sink = provider.open(dir.resolve(provider.format()).toString(), Map.of(), Map.of());
      sinks.add(sink);
      TableId id = new TableId("bench", "orders");
      if (sink.find(id).isEmpty()) {
        long t0 = System.nanoTime();
        SinkTable table = sink.open(id, ORDERS, WriteMode.UPSERT);
        try (TableWriter writer = table.newWriter()) {
          LocalDateTime start = LocalDateTime.of(2026, 1, 1, 0, 0);
          for (long k = 0; k < rows; k++) {
            writer.insert(Row.of(k, (int) (k % 5000), BigDecimal.valueOf(k % 100_000, 2), k % 3 == 0 ? "new" : "paid",
                start.plusSeconds(k)));
          }
          writer.commit(new CommitMetadata("0", true, "probe", CommitKind.STREAM, null));
        }
        System.out.printf("%s: wrote %d rows in %.1f s%n", sink.format(), rows, (System.nanoTime() - t0) / 1e9);
      }
    }
    try (QueryEngine engine = new QueryEngine(sinks)) {
      for (int round = 1; round <= 2; round++) {
        for (TableSink sink : sinks) {
          SinkTable table = sink.find(new TableId("bench", "orders")).orElseThrow();
          long t0 = System.nanoTime();
          long count = 0;
          BigDecimal sum = BigDecimal.ZERO;
          try (RowScan scan = table.scan(null)) {
            for (Row row : scan) {
              count++;
              sum = sum.add((BigDecimal) row.get(2));
            }
          }
          double reader = (System.nanoTime() - t0) / 1e9;
          String sql = "SELECT count(*), sum(price) FROM " + sink.format() + ".bench.orders";
          t0 = System.nanoTime();
          List<Object> result = first(engine, sql);
          double query = (System.nanoTime() - t0) / 1e9;
          t0 = System.nanoTime();
          List<Object> point = first(engine, "SELECT * FROM " + sink.format() + ".bench.orders WHERE order_id = 777777");
          double lookup = (System.nanoTime() - t0) / 1e9;
          System.out.printf("round %d %s: reader alone %.2f s (%d rows, sum %s); count(*)+sum(price) %.2f s %s;"
                  + " point lookup %.2f s %s%n", round, sink.format(), reader, count, sum, query, result, lookup, point);
          if (!result.equals(List.of(count, sum))) {
            throw new AssertionError("query " + result + " differs from the reader's " + count + ", " + sum);
          }
        }
      }
    } finally {
      sinks.forEach(TableSink::close);
    }
  }

  private static List<Object> first(QueryEngine engine, String sql) {
    try (QueryResult result = engine.execute(sql)) {
      return result.next();
    }
  }
}
