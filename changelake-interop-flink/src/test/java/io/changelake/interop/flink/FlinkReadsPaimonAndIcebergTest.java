package io.changelake.interop.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.changelake.interop.ChildSync;
import io.changelake.testkit.PostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Flink reads what changelake writes: one real sync ({@code changelake sync-table --format paimon,iceberg}, from the
 * command's jar in its own JVM) mirrors the Paimon guide's e-commerce database ({@code guide/ecommerce.sql}), then
 * the guide's INSERT, UPDATE and DELETE of {@code prod_test_001}, more streamed changes in every table and the
 * guide's added {@code sku} column; it is stopped with SIGTERM. Then Flink SQL in a local MiniCluster (batch mode,
 * default settings) attaches both warehouses with the catalogs the README gives, runs the guide's queries in each,
 * and reads every table whole: each result equals what PostgreSQL returns for the same SQL, value by value, and
 * Flink's column names and types are PostgreSQL's (decimals keep precision and scale, timestamps their microseconds
 * and whether they have a time zone).
 */
class FlinkReadsPaimonAndIcebergTest {
  private static final String DB = "ecommerce";
  private static final List<String> TABLES = List.of("products", "customers", "orders", "inventory");
  private static final List<String> CATALOGS = List.of("paimon_catalog", "ice");

  /**
   * The guide's queries ({@code guide/queries.sql}, verbatim but for the database qualifier, which PostgreSQL does
   * not have), then two aggregates of its tables.
   */
  private static final List<String> QUERIES = List.of(
      "SELECT COUNT(*) as product_count FROM products",
      "SELECT product_id, product_name, category, price\nFROM products\nORDER BY price DESC\nLIMIT 10",
      "SELECT\n    p.product_name,\n    p.category,\n    p.price,\n    i.quantity_available,\n"
          + "    i.quantity_reserved\nFROM products p\nJOIN inventory i ON p.product_id = i.product_id\n"
          + "WHERE i.quantity_available < 20\nORDER BY i.quantity_available ASC",
      "SELECT product_id, product_name, category, price FROM products WHERE category = 'electronics'",
      "SELECT product_id, product_name, price FROM products WHERE product_id = 'prod_test_002'",
      "SELECT COUNT(*) FROM products WHERE product_id = 'prod_test_001'",
      "SELECT product_id, product_name, category, price, image_url FROM products WHERE is_active = true",
      // not the guide's: a GROUP BY over every category, and one joining orders with customers
      "SELECT category, COUNT(*) AS n, SUM(price) AS total, MIN(created_at) AS first_created FROM products"
          + " GROUP BY category",
      "SELECT c.last_name, o.status, COUNT(*) AS n, SUM(o.total_amount) AS total, MAX(o.ordered_at) AS latest"
          + " FROM orders o JOIN customers c ON o.customer_id = c.customer_id GROUP BY c.last_name, o.status");

  private static PostgresServer pg;
  private static Path warehouse;
  private static MiniCluster cluster;
  private static TableEnvironment flink;

  @BeforeAll
  static void mirrorThenStop() throws Exception {
    warehouse = Files.createTempDirectory("changelake-flink-");
    pg = PostgresServer.start();
    pg.createDatabase(DB);
    pg.execute(DB, resource("guide/ecommerce.sql"));
    flink = batchSession();

    try (ChildSync sync = ChildSync.start(warehouse.resolve("sync.log"), List.of("sync-table",
        "--source-conf", "hostname=" + pg.host(), "--source-conf", "port=" + pg.port(),
        "--source-conf", "username=" + pg.username(), "--source-conf", "password=" + pg.password(),
        "--source-conf", "database-name=" + DB, "--source-conf", "table-name=products|customers|orders|inventory",
        "--warehouse", warehouse.toString(), "--database", "lakehouse", "--format", "paimon,iceberg",
        "--commit-interval", "1s"))) {
      awaitEveryTable(sync, "the snapshot");
      // the guide's "Testing CDC End-to-End" statements and its schema evolution, then changes in every table
      pg.execute(DB,
          "INSERT INTO products (product_id, product_name, category, subcategory, brand, price, cost)"
              + " VALUES ('prod_test_001', 'Test Product', 'electronics', 'test', 'TestBrand', 99.99, 50.00)",
          "UPDATE products SET price = 79.99 WHERE product_id = 'prod_test_001'",
          "DELETE FROM products WHERE product_id = 'prod_test_001'",
          "INSERT INTO products (product_id, product_name, category, subcategory, brand, price, cost)"
              + " VALUES ('prod_test_002', 'Kept Product', 'electronics', 'test', 'TestBrand', 999.98, 500.00)",
          "UPDATE products SET price = price + 1000, is_active = NOT is_active WHERE product_id IN ('prod_003', 'prod_009')",
          "UPDATE inventory SET quantity_available = 100 + quantity_available, updated_at = now()"
              + " WHERE product_id = 'prod_001'",
          "DELETE FROM orders WHERE order_id IN (7, 8)",
          "UPDATE orders SET status = 'cancelled' WHERE order_id = 9",
          "UPDATE customers SET last_name = 'Lovelace-King' WHERE customer_id = 1",
          "ALTER TABLE products ADD COLUMN sku VARCHAR(50)",
          "UPDATE products SET sku = 'SKU-' || product_id WHERE sku IS NULL");
      awaitEveryTable(sync, "the streamed changes");
      assertEquals(0, sync.stop(), "a sync stopped by SIGTERM exits 0:\n" + sync.output());
    }
    attachCatalogs();
  }

  /**
   * A batch session on one local MiniCluster that every query shares ({@code TableEnvironment.create(
   * EnvironmentSettings.inBatchMode())} alone starts a MiniCluster per query, 2–3 s each).
   */
  private static TableEnvironment batchSession() throws Exception {
    Configuration local = new Configuration();
    local.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    local.set(RestOptions.BIND_PORT, "0");
    cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(local)
        .setNumTaskManagers(1).setNumSlotsPerTaskManager(2).build());
    cluster.start();
    Configuration session = new Configuration();
    session.set(DeploymentOptions.TARGET, "remote");
    session.set(RestOptions.ADDRESS, cluster.getRestAddress().get().getHost());
    session.set(RestOptions.PORT, cluster.getRestAddress().get().getPort());
    return TableEnvironment.create(EnvironmentSettings.newInstance().inBatchMode().withConfiguration(session).build());
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (pg != null) {
      pg.close();
    }
    if (warehouse != null) {
      try (var files = Files.walk(warehouse)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  static Stream<Arguments> queries() {
    return CATALOGS.stream().flatMap(catalog -> QUERIES.stream().map(sql -> Arguments.of(catalog, sql)));
  }

  @ParameterizedTest
  @MethodSource("queries")
  void theGuidesQueriesReturnWhatPostgresReturns(String catalog, String sql) throws Exception {
    flink.executeSql("USE CATALOG " + catalog);
    flink.executeSql("USE lakehouse");
    List<List<String>> expected = postgres(sql);
    List<List<String>> actual = flink(sql);
    assertFalse(expected.isEmpty(), "the query selects something: " + sql);
    if (!sql.contains("ORDER BY")) {
      expected = sorted(expected);
      actual = sorted(actual);
    }
    assertEquals(expected, actual, catalog + ": " + sql);
  }

  @ParameterizedTest
  @ValueSource(strings = {"paimon_catalog", "ice"})
  void everyTableWholeEqualsPostgres(String catalog) throws Exception {
    for (String table : TABLES) {
      assertEquals(columns(table), flinkColumns(catalog, table), catalog + "." + table + ": Flink's columns and types");
      assertEquals(sorted(postgres("SELECT * FROM " + table)), sorted(flink("SELECT * FROM " + catalog
          + ".lakehouse." + table)), catalog + "." + table + ": every row and column");
    }
  }

  /**
   * The README's catalogs. Created again before each read while the sync runs, so that no catalog cache keeps an
   * older schema.
   */
  private static void attachCatalogs() {
    flink.executeSql("USE CATALOG default_catalog");
    for (String catalog : CATALOGS) {
      flink.executeSql("DROP CATALOG IF EXISTS " + catalog);
    }
    flink.executeSql("CREATE CATALOG paimon_catalog WITH ('type'='paimon', 'warehouse'='file:"
        + warehouse.resolve("paimon") + "')");
    flink.executeSql("CREATE CATALOG ice WITH ('type'='iceberg', 'catalog-type'='hadoop', 'warehouse'='file:"
        + warehouse.resolve("iceberg") + "')");
  }

  /** Waits until Flink reads every table in both formats as PostgreSQL has it now. */
  private static void awaitEveryTable(ChildSync sync, String what) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    for (String catalog : CATALOGS) {
      for (String table : TABLES) {
        List<List<String>> source = sorted(postgres("SELECT * FROM " + table));
        Object last = null;
        while (true) {
          if (!sync.isAlive() || sync.output().contains("SUSPENDED")) {
            throw new AssertionError("The sync stopped or suspended a table while waiting for " + what + ":\n"
                + sync.output());
          }
          try {
            attachCatalogs();
            List<List<String>> lake = sorted(flink("SELECT * FROM " + catalog + ".lakehouse." + table));
            if (lake.equals(source)) {
              break;
            }
            last = lake;
          } catch (RuntimeException e) {
            last = e;
          }
          if (Instant.now().isAfter(deadline)) {
            throw new AssertionError(catalog + "." + table + " never showed " + what + " in Flink; last read: " + last
                + "\nsource: " + source + "\nsync output:\n" + sync.output(), last instanceof Throwable t ? t : null);
          }
          Thread.sleep(500);
        }
      }
    }
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = FlinkReadsPaimonAndIcebergTest.class.getClassLoader().getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Flink's rows for {@code sql}, each value as its canonical text. */
  private static List<List<String>> flink(String sql) throws Exception {
    List<List<String>> rows = new ArrayList<>();
    TableResult result = flink.executeSql(sql);
    try (CloseableIterator<Row> it = result.collect()) {
      while (it.hasNext()) {
        Row row = it.next();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < row.getArity(); i++) {
          values.add(text(row.getField(i)));
        }
        rows.add(values);
      }
    }
    return rows;
  }

  /** Each column of the table as Flink resolves it: its name and type, nullability left out. */
  private static List<String> flinkColumns(String catalog, String table) {
    List<String> columns = new ArrayList<>();
    for (Column column : flink.from(catalog + ".lakehouse." + table).getResolvedSchema().getColumns()) {
      LogicalType type = column.getDataType().getLogicalType().copy(true);
      columns.add(column.getName() + " " + type.asSummaryString());
    }
    return columns;
  }

  /**
   * One text per value, so that equal texts mean equal values: decimals with their scale, timestamps with time
   * zone as UTC instants, timestamps without as local date-times, to the microsecond.
   */
  private static String text(Object value) {
    if (value == null) {
      return null;
    }
    return value instanceof BigDecimal d ? d.toPlainString() : value.toString();
  }

  /** PostgreSQL's rows for {@code sql}, each value as its canonical text (see {@link #text}). */
  private static List<List<String>> postgres(String sql) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (Connection c = pg.connect(DB); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData meta = rs.getMetaData();
      while (rs.next()) {
        List<String> values = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          values.add(text(switch (meta.getColumnTypeName(i)) {
            case "timestamptz" -> rs.getObject(i, OffsetDateTime.class) == null ? null
                : rs.getObject(i, OffsetDateTime.class).toInstant();
            case "timestamp" -> rs.getObject(i, LocalDateTime.class);
            case "date" -> rs.getObject(i, LocalDate.class);
            default -> rs.getObject(i);
          }));
        }
        rows.add(values);
      }
    }
    return rows;
  }

  /**
   * Each column of PostgreSQL's table with the Flink type it must be read as: text of any length is a string,
   * numeric keeps its precision and scale, timestamps their microseconds and whether they have a time zone.
   */
  private static List<String> columns(String table) throws SQLException {
    List<String> columns = new ArrayList<>();
    try (Connection c = pg.connect(DB); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT * FROM " + table + " LIMIT 0")) {
      ResultSetMetaData meta = rs.getMetaData();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        columns.add(meta.getColumnName(i) + " " + switch (meta.getColumnTypeName(i)) {
          case "int4" -> "INT";
          case "int8" -> "BIGINT";
          case "bool" -> "BOOLEAN";
          case "numeric" -> "DECIMAL(" + meta.getPrecision(i) + ", " + meta.getScale(i) + ")";
          case "date" -> "DATE";
          case "timestamp" -> "TIMESTAMP(6)";
          case "timestamptz" -> "TIMESTAMP_LTZ(6)";
          default -> "STRING";
        });
      }
    }
    return columns;
  }

  private static List<List<String>> sorted(List<List<String>> rows) {
    return rows.stream().sorted(Comparator.comparing(Object::toString)).toList();
  }
}
