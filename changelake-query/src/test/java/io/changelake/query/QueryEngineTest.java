package io.changelake.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.CommitKind;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.SinkProvider;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableSink;
import io.changelake.api.spi.TableWriter;
import io.changelake.api.spi.WriteMode;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQL over tables the real sinks wrote: products in Iceberg (with an update and a delete, so equality deletes
 * must apply), inventory in Paimon (merged by key on read), orders in Delta (copy-on-write), and a table all three
 * hold. Every expected value below follows from the rows written here.
 */
class QueryEngineTest {
  private static final TableSchema PRODUCTS = new TableSchema(List.of(
      Column.of("product_id", DataType.INT, false), Column.of("product_name", DataType.STRING, false),
      Column.of("category", DataType.STRING, true), Column.of("price", DataType.decimal(10, 2), true),
      Column.of("created_at", DataType.TIMESTAMP, true)), List.of("product_id"));
  private static final TableSchema INVENTORY = new TableSchema(List.of(
      Column.of("product_id", DataType.INT, false), Column.of("quantity_available", DataType.INT, false)),
      List.of("product_id"));
  private static final TableSchema ORDERS = new TableSchema(List.of(
      Column.of("order_id", DataType.LONG, false), Column.of("product_id", DataType.INT, false),
      Column.of("quantity", DataType.INT, false)), List.of("order_id"));
  private static final TableSchema EVERYWHERE = new TableSchema(List.of(
      Column.of("id", DataType.INT, false), Column.of("tags", DataType.listOf(DataType.STRING), true)),
      List.of("id"));

  @TempDir
  static Path warehouse;
  static List<TableSink> sinks;
  static QueryEngine engine;
  static long firstProductsSnapshot;
  static Instant beforeUpdate;

  @BeforeAll
  static void writeTables() throws InterruptedException {
    TableSink iceberg = sink("iceberg");
    TableSink paimon = sink("paimon");
    TableSink delta = sink("delta");
    SinkTable products = iceberg.open(new TableId("lakehouse", "products"), PRODUCTS, WriteMode.UPSERT);
    commit(products, w -> {
      for (int i = 1; i <= 6; i++) {
        w.insert(Row.of(i, "product " + i, i % 2 == 0 ? "even" : "odd", new BigDecimal(i + "0.50"),
            LocalDateTime.of(2026, 11, i, 9, 30)));
      }
    });
    firstProductsSnapshot = products.snapshots().get(0).id();
    Thread.sleep(20);
    beforeUpdate = Instant.now();
    Thread.sleep(20);
    commit(products, w -> {
      w.upsert(Row.of(2, "product 2", "even", new BigDecimal("99.99"), LocalDateTime.of(2026, 11, 2, 9, 30)));
      w.delete(new RowKey(List.of(5)));
    });
    SinkTable inventory = paimon.open(new TableId("lakehouse", "inventory"), INVENTORY, WriteMode.UPSERT);
    commit(inventory, w -> {
      for (int i = 1; i <= 6; i++) {
        w.insert(Row.of(i, i * 10));
      }
    });
    commit(inventory, w -> w.upsert(Row.of(3, 0)));
    SinkTable orders = delta.open(new TableId("lakehouse", "orders"), ORDERS, WriteMode.UPSERT);
    commit(orders, w -> {
      for (long i = 1; i <= 8; i++) {
        w.insert(Row.of(i, (int) (1 + i % 4), (int) i));
      }
    });
    commit(orders, w -> w.delete(new RowKey(List.of(8L))));
    for (TableSink sink : List.of(iceberg, paimon, delta)) {
      commit(sink.open(new TableId("other", "everywhere"), EVERYWHERE, WriteMode.UPSERT),
          w -> w.insert(Row.of(1, List.of(sink.format(), "x"))));
    }
    sinks = List.of(iceberg, paimon, delta);
    engine = new QueryEngine(sinks);
    rows("USE lakehouse");
  }

  @AfterAll
  static void close() {
    engine.close();
    sinks.forEach(TableSink::close);
  }

  private static TableSink sink(String format) {
    SinkProvider provider = ServiceLoader.load(SinkProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.format().equals(format)).findFirst().orElseThrow();
    return provider.open(warehouse.resolve(format).toString(), Map.of(), Map.of());
  }

  private static void commit(SinkTable table, Consumer<TableWriter> body) {
    try (TableWriter writer = table.newWriter()) {
      body.accept(writer);
      writer.commit(new CommitMetadata("position-" + System.nanoTime(), true, "test", CommitKind.STREAM, null));
    }
  }

  private static List<List<Object>> rows(String sql) {
    List<List<Object>> rows = new ArrayList<>();
    try (QueryResult result = engine.execute(sql)) {
      result.forEachRemaining(rows::add);
    }
    return rows;
  }

  private static List<String> columns(String sql) {
    try (QueryResult result = engine.execute(sql)) {
      return result.columns();
    }
  }

  private static BigDecimal dec(String value) {
    return new BigDecimal(value);
  }

  @Test
  void filtersOrdersAndLimitsWithDeletesApplied() {
    assertEquals(List.of(List.of(2, dec("99.99")), List.of(6, dec("60.50")), List.of(4, dec("40.50"))),
        rows("SELECT product_id, price FROM lakehouse.products WHERE category = 'even' ORDER BY price DESC LIMIT 3"));
    assertEquals(List.of(List.of(5L)), rows("SELECT COUNT(*) FROM lakehouse.products"));
    assertEquals(List.of(List.of("product 3,product 1")), rows("SELECT STRING_AGG(product_name, ',' ORDER BY"
        + " product_id DESC) FROM products WHERE product_name ILIKE 'PRODUCT _' AND category = 'odd'"));
    assertEquals(List.of(), rows("SELECT * FROM lakehouse.products WHERE product_id = 5"));
    assertEquals(List.of(List.of("product 1", LocalDateTime.of(2026, 11, 1, 9, 30))),
        rows("SELECT product_name, created_at FROM `lakehouse`.`products` WHERE created_at < TIMESTAMP '2026-11-02 00:00:00'"));
  }

  @Test
  void aggregatesAndJoinsAcrossFormats() {
    assertEquals(List.of(List.of("even", 3L, dec("200.99")), List.of("odd", 2L, dec("41.00"))),
        rows("SELECT category, COUNT(*) AS n, SUM(price) AS total FROM lakehouse.products GROUP BY category"
            + " ORDER BY category"));
    // orders (Delta, order 8 deleted) of products (Iceberg, 5 deleted) in stock (Paimon, 3 now at 0).
    assertEquals(List.of(List.of("product 1", 1L, 10), List.of("product 2", 2L, 20), List.of("product 4", 2L, 40)),
        rows("SELECT p.product_name, COUNT(*) AS orders, i.quantity_available FROM products p"
            + " JOIN inventory i ON p.product_id = i.product_id JOIN orders o ON o.product_id = p.product_id"
            + " WHERE i.quantity_available > 0 GROUP BY p.product_name, i.quantity_available ORDER BY 1"));
  }

  @Test
  void catalogStatements() {
    assertEquals(List.of(List.of("lakehouse"), List.of("other")), rows("SHOW DATABASES"));
    assertEquals(List.of(List.of("inventory", "paimon"), List.of("orders", "delta"), List.of("products", "iceberg")),
        rows("SHOW TABLES"));
    assertEquals(List.of(List.of("everywhere", "iceberg,paimon,delta")), rows("show tables from other;"));
    assertEquals(List.of(List.of("product_id", "INT", false, "PRI(product_id)"),
            List.of("product_name", "STRING", false, ""), List.of("category", "STRING", true, ""),
            List.of("price", "DECIMAL(10, 2)", true, ""), List.of("created_at", "TIMESTAMP(6)", true, "")),
        rows("DESCRIBE lakehouse.products"));
    String create = (String) rows("SHOW CREATE TABLE products").get(0).get(0);
    assertTrue(create.startsWith("CREATE TABLE `lakehouse`.`products` (\n  `product_id` INT NOT NULL,"), create);
    assertTrue(create.contains("PRIMARY KEY (`product_id`) NOT ENFORCED"), create);
    assertEquals(List.of(List.of(1, List.of("paimon", "x"))), rows("SELECT id, tags FROM paimon.other.everywhere"));
    assertEquals(List.of(List.of(List.of("delta", "x"))), rows("SELECT tags FROM delta.other.everywhere"));
  }

  @Test
  void timeTravelBySnapshotIdAndTime() {
    assertEquals(List.of(List.of(6L, dec("213.00"))), rows("SELECT COUNT(*), SUM(price) FROM products"
        + " /*+ OPTIONS('scan.snapshot-id'='" + firstProductsSnapshot + "') */"));
    assertEquals(List.of(List.of(6L)),
        rows("SELECT COUNT(*) AS product_count FROM products FOR SYSTEM_TIME AS OF TIMESTAMP '"
            + LocalDateTime.ofInstant(beforeUpdate, ZoneId.systemDefault()).toString().replace('T', ' ')
            + "'"));
    assertEquals(List.of(List.of(dec("20.50"))), rows("SELECT p.price FROM lakehouse.products FOR SYSTEM_TIME AS OF '"
        + beforeUpdate + "' AS p WHERE p.product_id = 2"));
  }

  @Test
  void systemTables() {
    List<List<Object>> snapshots = rows("SELECT snapshot_id, source_position, pipeline FROM products$snapshots");
    assertEquals(2, snapshots.size());
    assertEquals(firstProductsSnapshot, snapshots.get(0).get(0));
    assertEquals("test", snapshots.get(1).get(2));
    assertEquals(List.of("snapshot_id", "commit_time", "commit_kind", "source_position", "pipeline", "summary"),
        columns("SELECT * FROM lakehouse.products$snapshots"));
    assertEquals(List.of(List.of(0, "product_id INT NOT NULL, quantity_available INT NOT NULL", "product_id")),
        rows("SELECT schema_id, fields, primary_keys FROM inventory$schemas"));
    // Iceberg: the first commit's 6 rows, the upserted row, and an equality delete of keys 2 and 5
    assertEquals(List.of(List.of("DATA", 2L, 7L), List.of("EQUALITY_DELETES", 1L, 2L)), rows("SELECT content,"
        + " COUNT(*), SUM(record_count) FROM lakehouse.products$files GROUP BY content ORDER BY content"));
    // Delta: copy-on-write, so the data files hold exactly the live rows
    assertEquals(List.of(List.of(7L)), rows("SELECT SUM(record_count) FROM orders$files"));
    List<List<Object>> paimonFiles = rows("SELECT file_path FROM inventory$files WHERE content = 'DATA'");
    assertTrue(!paimonFiles.isEmpty() && paimonFiles.stream().allMatch(row -> Files.isRegularFile(
        Path.of(((String) row.get(0)).replaceFirst("^file:", "")))), "Paimon's data files exist: " + paimonFiles);
  }

  @Test
  void errorsNameTheProblem() {
    SinkException table = assertThrows(SinkException.class, () -> rows("SELECT * FROM lakehouse.nope"));
    assertTrue(table.getMessage().contains("nope"), table.getMessage());
    SinkException column = assertThrows(SinkException.class, () -> rows("SELECT colour FROM products"));
    assertTrue(column.getMessage().contains("Column 'colour' not found"), column.getMessage());
    IllegalArgumentException syntax = assertThrows(IllegalArgumentException.class, () -> rows("SELEC 1"));
    assertTrue(syntax.getMessage().startsWith("SQL syntax error at line 1, column 1: not a statement changelake"
        + " runs"), syntax.getMessage());
    SinkException early = assertThrows(SinkException.class,
        () -> rows("SELECT * FROM products FOR SYSTEM_TIME AS OF TIMESTAMP '2000-01-01 00:00:00'"));
    assertTrue(early.getMessage().contains("has no snapshot at or before"), early.getMessage());
    SinkException ambiguous = assertThrows(SinkException.class, () -> rows("SELECT * FROM other.everywhere"));
    assertTrue(ambiguous.getMessage().contains("several formats (iceberg, paimon, delta)"), ambiguous.getMessage());
    SinkException snapshot = assertThrows(SinkException.class,
        () -> rows("SELECT * FROM products /*+ OPTIONS('scan.snapshot-id'='42') */"));
    assertTrue(snapshot.getMessage().contains("no snapshot 42"), snapshot.getMessage());
  }
}
