package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.changelake.core.model.TableId;
import io.changelake.core.spi.SinkTable;
import io.changelake.core.spi.TableSink;
import io.changelake.testkit.PostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command lines of the Flink CDC → Paimon guide (../shared/seeds/flink-cdc-paimon-guide.md),
 * Methods 1–4 and its computed column, verbatim with {@code changelake} in place of the Flink
 * launcher (only the server's address and password and the warehouse path substituted), against a
 * private PostgreSQL holding the guide's e-commerce schema: each produces the Paimon tables the
 * guide describes, equal to the source row by row through the snapshot and streamed changes.
 */
class GuideMethodsTest {
  private static final String DB = "ecommerce";

  @RegisterExtension
  static final PostgresExtension POSTGRES = new PostgresExtension();

  @TempDir
  Path root;

  @BeforeAll
  static void ecommerceSchema() throws IOException {
    PostgresServer pg = POSTGRES.server();
    pg.createDatabase(DB);
    try (InputStream in = GuideMethodsTest.class.getClassLoader().getResourceAsStream("demo/ecommerce.sql")) {
      pg.execute(DB, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    // "table-name='prod.*'  # Matches products, product_views, etc."
    pg.execute(DB, "CREATE TABLE product_views (view_id bigint PRIMARY KEY, product_id int REFERENCES products,"
        + " viewed_at timestamptz NOT NULL)",
        "INSERT INTO product_views SELECT i, 1 + i % 20, now() - i * interval '1 minute' FROM generate_series(1, 50) i");
  }

  @Test
  void method1SingleTable() throws Exception {
    String warehouse = root.resolve("method1").toString();
    try (RunningSync sync = RunningSync.ofCommandLine(guideCommand("postgres_sync_table", warehouse,
        List.of("--table", "products"),
        List.of("--postgres_conf", "table-name=products", "--postgres_conf", "slot.name=flink_products_slot")))) {
      sync.awaitMirrored(server(), DB, "products", "product_id");
      server().execute(DB, "INSERT INTO products (product_id, product_name, category, price) VALUES"
              + " (100, 'Trackball', 'peripherals', 59.00)",
          "UPDATE products SET price = price * 0.9 WHERE category = 'displays'",
          "DELETE FROM products WHERE product_id = 100");
      sync.awaitMirrored(server(), DB, "products", "product_id");
      assertEquals(0, sync.stop());
    }
    assertPaimonTables(warehouse, "products");
  }

  @Test
  void method2MultipleTables() throws Exception {
    List<String> tables = List.of("products", "customers", "orders", "inventory");
    String warehouse = root.resolve("method2").toString();
    try (RunningSync sync = RunningSync.ofCommandLine(guideCommand("postgres_sync_table", warehouse, List.of(),
        List.of("--postgres_conf", "table-name=products|customers|orders|inventory",
            "--postgres_conf", "slot.name=flink_multi_slot")))) {
      awaitEvery(sync, tables);
      server().execute(DB, "BEGIN; INSERT INTO orders VALUES (1000, 3, 4, 2, 51.00, 'pending', now());"
          + " UPDATE inventory SET quantity_reserved = quantity_reserved + 2,"
          + " quantity_available = quantity_available - 2 WHERE product_id = 4;"
          + " UPDATE customers SET total_orders = total_orders + 1, lifetime_value = lifetime_value + 51"
          + " WHERE customer_id = 3; COMMIT");
      awaitEvery(sync, tables);
      assertEquals(0, sync.stop());
    }
    assertPaimonTables(warehouse, "customers", "inventory", "orders", "products");
  }

  @Test
  void method3RegexPattern() throws Exception {
    String warehouse = root.resolve("method3").toString();
    try (RunningSync sync = RunningSync.ofCommandLine(guideCommand("postgres_sync_table", warehouse, List.of(),
        List.of("--postgres_conf", "table-name=prod.*", "--postgres_conf", "slot.name=flink_regex_slot")))) {
      awaitEvery(sync, List.of("products", "product_views"));
      server().execute(DB, "INSERT INTO product_views VALUES (51, 7, now())", "DELETE FROM product_views WHERE view_id = 1");
      awaitEvery(sync, List.of("products", "product_views"));
      assertEquals(0, sync.stop());
    }
    assertPaimonTables(warehouse, "product_views", "products");
  }

  @Test
  void method4EntireDatabase() throws Exception {
    List<String> tables = List.of("products", "customers", "orders", "inventory", "product_views");
    String warehouse = root.resolve("method4").toString();
    try (RunningSync sync = RunningSync.ofCommandLine(guideCommand("postgres_sync_database", warehouse, List.of(),
        List.of("--postgres_conf", "slot.name=flink_db_slot")))) {
      awaitEvery(sync, tables);
      server().execute(DB, "UPDATE orders SET status = 'shipped' WHERE status = 'pending'",
          "DELETE FROM product_views WHERE view_id > 40");
      awaitEvery(sync, tables);
      assertEquals(0, sync.stop());
    }
    assertPaimonTables(warehouse, "customers", "inventory", "orders", "product_views", "products");
  }

  @Test
  void computedColumn() throws Exception {
    String warehouse = root.resolve("computed").toString();
    // and a substring, which on Paimon's command line is Paimon's: substring(s, b, e) is 0-based with an
    // exclusive end, SQL's substring(s from b + 1 for e - b)
    server().execute(DB, "CREATE VIEW products_categorized AS SELECT *, CASE WHEN price < 50 THEN 'budget'"
        + " WHEN price < 200 THEN 'mid' ELSE 'premium' END AS price_category,"
        + " substring(product_name from 2 for 4) AS name_part FROM products");
    // the guide's --computed_column 'price_category=CASE WHEN price < 50 THEN ''budget'' ...' as the shell passes it
    try (RunningSync sync = RunningSync.ofCommandLine(guideCommand("postgres_sync_table", warehouse,
        List.of("--table", "products", "--computed_column",
            "price_category=CASE WHEN price < 50 THEN budget WHEN price < 200 THEN mid ELSE premium END",
            "--computed_column", "name_part=substring(product_name, 1, 5)"),
        List.of("--postgres_conf", "table-name=products", "--postgres_conf", "slot.name=flink_computed_slot")))) {
      sync.await("products with its computed columns", () -> TableComparison.same(server(), DB, "products_categorized",
          "paimon", warehouse, "lakehouse", "products", "product_id"));
      server().execute(DB, "UPDATE products SET price = 250 WHERE product_id = 1");
      sync.await("the re-categorized product", () -> TableComparison.same(server(), DB, "products_categorized",
          "paimon", warehouse, "lakehouse", "products", "product_id"));
      TableComparison.assertSame(server(), DB, "products_categorized", "paimon", warehouse, "lakehouse", "products",
          "product_id");
      assertEquals(0, sync.stop());
    }
  }

  private static PostgresServer server() {
    return POSTGRES.server();
  }

  /**
   * The guide's command line: {@code action --warehouse W --database lakehouse}, the method's own
   * flags {@code before} the connection, the connection (this server's address and password), the
   * method's {@code --postgres_conf} entries {@code after} it, then the catalog options.
   */
  private static String[] guideCommand(String action, String warehouse, List<String> before, List<String> after) {
    PostgresServer pg = server();
    List<String> args = new ArrayList<>(List.of(action, "--warehouse", warehouse, "--database", "lakehouse"));
    args.addAll(before);
    args.addAll(List.of(
        "--postgres_conf", "hostname=" + pg.host(),
        "--postgres_conf", "port=" + pg.port(),
        "--postgres_conf", "username=" + pg.username(),
        "--postgres_conf", "password=" + pg.password(),
        "--postgres_conf", "database-name=" + DB,
        "--postgres_conf", "schema-name=public"));
    args.addAll(after);
    args.addAll(List.of("--catalog_conf", "metastore=filesystem", "--catalog_conf", "warehouse=" + warehouse));
    return args.toArray(String[]::new);
  }

  private static void awaitEvery(RunningSync sync, List<String> tables) throws Exception {
    for (String table : tables) {
      sync.awaitMirrored(server(), DB, table, keyOf(table));
    }
  }

  private static String keyOf(String table) {
    return switch (table) {
      case "products", "inventory" -> "product_id";
      case "customers" -> "customer_id";
      case "orders" -> "order_id";
      case "product_views" -> "view_id";
      default -> throw new IllegalArgumentException(table);
    };
  }

  /**
   * The warehouse holds exactly {@code expected} in database lakehouse, each a Paimon primary-key
   * table keyed like its source table.
   */
  private static void assertPaimonTables(String warehouse, String... expected) {
    try (TableSink paimon = Providers.sink("paimon").open(warehouse, Map.of(), Map.of())) {
      TreeSet<String> names = new TreeSet<>();
      paimon.listTables().forEach(id -> names.add(id.toString()));
      TreeSet<String> wanted = new TreeSet<>();
      for (String table : expected) {
        wanted.add("lakehouse." + table);
        SinkTable lake = paimon.find(new TableId("lakehouse", table)).orElseThrow();
        assertEquals(List.of(keyOf(table)), lake.schema().primaryKey(), table + " key");
      }
      assertEquals(wanted, names);
    }
  }
}
