package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.TableId;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableSink;
import io.changelake.testkit.PostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command line of the Flink CDC → Paimon guide as written (read from the copy in
 * {@value GuideCommandLines#RESOURCE}), with {@code changelake} in place of the Flink launcher and
 * the action jar, and the guide's server address, credentials and warehouse pointed at a private
 * PostgreSQL holding the guide's e-commerce schema and a folder of the test. Each set of flags the
 * guide adds to a command line (slot name, Flink tuning, checkpointing, metadata columns) is added
 * to one of them. Each produces the Paimon tables the guide describes, equal to the source row by
 * row; Flink's {@code --checkpointing-interval} is the commit interval and {@code --parallelism}
 * the snapshot connections.
 */
class GuideMethodsTest {
  private static final String DB = "ecommerce";
  private static final GuideCommandLines GUIDE = GuideCommandLines.load();
  private static final String METHOD_1 = "Method 1: Single Table Sync (Recommended for Testing)";
  private static final String METHOD_2 = "Method 2: Multiple Tables Sync";
  private static final String METHOD_3 = "Method 3: Regex Pattern Sync";
  private static final String METHOD_4 = "Method 4: Entire Database Sync";
  private static final String TESTING = "Testing CDC End-to-End > 1. Start CDC Sync Job";
  private static final String COMPUTED = "Advanced Topics > Computed Columns in Paimon";
  private static final String OTHER_SLOT = "Troubleshooting > Issue: \"ERROR: replication slot already exists\"";
  private static final String FLINK_TUNING = "Performance Tuning > Flink Side";
  private static final String CHECKPOINTING = "Best Practices > 2. Checkpoint Configuration";
  private static final String METADATA = "Advanced Topics > Metadata Columns";

  @RegisterExtension
  static final PostgresExtension POSTGRES = new PostgresExtension();

  @RegisterExtension
  final CapturedStderr stderr = new CapturedStderr();

  @TempDir
  Path root;

  @BeforeAll
  static void ecommerceSchema() throws IOException {
    PostgresServer pg = POSTGRES.server();
    pg.createDatabase(DB);
    try (InputStream in = GuideMethodsTest.class.getClassLoader().getResourceAsStream("guide/ecommerce.sql")) {
      pg.execute(DB, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    // "table-name='prod.*'  # Matches products, product_views, etc."
    pg.execute(DB, "CREATE TABLE product_views (view_id bigint PRIMARY KEY, product_id varchar(50) REFERENCES products,"
        + " viewed_at timestamptz NOT NULL)",
        "INSERT INTO product_views SELECT i, 'prod_' || lpad((1 + i % 44)::text, 3, '0'), now() - i * interval '1 minute' FROM generate_series(1, 50) i");
  }

  @Test
  void everyCommandLineAndSetOfFlagsOfTheGuideIsRunBelow() {
    assertEquals(List.of(METHOD_1, METHOD_2, METHOD_3, METHOD_4, TESTING, COMPUTED), GUIDE.commandSections());
    assertEquals(List.of(OTHER_SLOT, FLINK_TUNING, CHECKPOINTING, METADATA), GUIDE.flagSections());
  }

  @Test
  void wordsAsTheShellPassesThem() {
    List<String> method3 = List.of(guide(METHOD_3, "/w"));
    assertEquals("postgres_sync_table", method3.get(0));
    assertTrue(method3.containsAll(List.of("table-name=prod.*", "slot.name=flink_regex_slot", "warehouse=/w")),
        "the line after the inline comment continues the command: " + method3);
    assertTrue(List.of(guide(COMPUTED, "/w")).contains("price_category=CASE WHEN price < 50 THEN budget WHEN price"
        + " < 200 THEN mid ELSE premium END"));
    assertEquals(List.of("--parallelism", "4", "--checkpointing-interval", "30000", "--network-buffer-count", "4096"),
        GUIDE.flags(FLINK_TUNING));
  }

  @Test
  void method1SingleTableWithAnotherSlotName() throws Exception {
    String warehouse = root.resolve("method1").toString();
    try (RunningSync sync = RunningSync.ofCommandLine(guide(METHOD_1, warehouse, OTHER_SLOT))) {
      sync.awaitMirrored(server(), DB, "products", "product_id");
      server().execute(DB, "INSERT INTO products (product_id, product_name, category, price) VALUES"
              + " ('prod_100', 'Trackball', 'electronics', 59.00)",
          "UPDATE products SET price = price * 0.9 WHERE category = 'home'",
          "DELETE FROM products WHERE product_id = 'prod_100'");
      sync.awaitMirrored(server(), DB, "products", "product_id");
      assertEquals(1, count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'flink_products_slot_v2'"));
      assertEquals(0, count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'flink_products_slot'"));
      assertEquals(0, sync.stop());
    }
    assertPaimonTables(warehouse, "products");
  }

  @Test
  void method2MultipleTables() throws Exception {
    List<String> tables = List.of("products", "customers", "orders", "inventory");
    String warehouse = root.resolve("method2").toString();
    try (RunningSync sync = RunningSync.ofCommandLine(guide(METHOD_2, warehouse))) {
      awaitEvery(sync, tables);
      server().execute(DB, "BEGIN; INSERT INTO orders VALUES (1000, 3, 'prod_004', 2, 51.00, 'pending', now());"
          + " UPDATE inventory SET quantity_reserved = quantity_reserved + 2,"
          + " quantity_available = quantity_available - 2 WHERE product_id = 'prod_004';"
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
    try (RunningSync sync = RunningSync.ofCommandLine(guide(METHOD_3, warehouse))) {
      awaitEvery(sync, List.of("products", "product_views"));
      server().execute(DB, "INSERT INTO product_views VALUES (51, 'prod_007', now())", "DELETE FROM product_views WHERE view_id = 1");
      awaitEvery(sync, List.of("products", "product_views"));
      assertEquals(0, sync.stop());
    }
    assertPaimonTables(warehouse, "product_views", "products");
  }

  /**
   * With the guide's Flink tuning flags: 4 snapshot connections, a commit every 30 s (so a change
   * is not in the lake 8 s later, where the 5 s default would have committed it, and the stop
   * commits it), and one line saying the network buffers have no effect.
   */
  @Test
  void method4EntireDatabaseWithFlinkTuning() throws Exception {
    List<String> tables = List.of("products", "customers", "orders", "inventory", "product_views");
    String warehouse = root.resolve("method4").toString();
    try (RunningSync sync = RunningSync.ofCommandLine(guide(METHOD_4, warehouse, FLINK_TUNING))) {
      awaitEvery(sync, tables);
      assertTrue(stderr.text().contains("scan.snapshot.parallelism=4") && stderr.text().contains("commit interval 30s"),
          "the printed configuration:\n" + stderr.text());
      assertTrue(sync.output.toString().contains("--network-buffer-count 4096 has no effect: changelake runs in one"
          + " process"), sync.output.toString());
      server().execute(DB, "INSERT INTO orders VALUES (2000, 5, 'prod_006', 1, 20.00, 'pending', now())",
          "UPDATE orders SET status = 'shipped' WHERE status = 'pending'",
          "DELETE FROM product_views WHERE view_id > 40");
      Instant until = Instant.now().plus(Duration.ofSeconds(8));
      while (Instant.now().isBefore(until)) {
        assertFalse(TableComparison.same(server(), DB, "orders", "paimon", warehouse, "lakehouse", "orders", "order_id"),
            "committed before the 30 s checkpointing interval");
        Thread.sleep(500);
      }
      assertEquals(0, sync.stop());
    }
    for (String table : tables) {
      TableComparison.assertSame(server(), DB, table, "paimon", warehouse, "lakehouse", table, keyOf(table));
    }
    assertPaimonTables(warehouse, "customers", "inventory", "orders", "product_views", "products");
  }

  /**
   * The guide's test job with its checkpointing flags (a 30 s interval, and one line saying the
   * state backend has no effect) and its metadata columns, filled for the snapshot's rows. (Its
   * INSERT, UPDATE and DELETE steps are method 1's; here they would wait for the 30 s commit.)
   */
  @Test
  void testingJobWithCheckpointingAndMetadataColumns() throws Exception {
    String warehouse = root.resolve("testing").toString();
    try (RunningSync sync = RunningSync.ofCommandLine(guide(TESTING, warehouse, CHECKPOINTING, METADATA))) {
      sync.awaitMirrored(server(), DB, "products", "product_id");
      assertTrue(stderr.text().contains("commit interval 30s"), stderr.text());
      assertTrue(sync.output.toString().contains("--state-backend rocksdb has no effect: changelake keeps no Flink"
          + " state"), sync.output.toString());
      assertEquals(0, sync.stop());
    }
    var rows = TableComparison.lake("paimon", warehouse, "lakehouse", "products", "product_id");
    assertFalse(rows.isEmpty());
    rows.values().forEach(row -> {
      assertEquals("SNAPSHOT", row.get("_op_type"), row.toString());
      assertTrue(row.get("_event_timestamp") != null, row.toString());
    });
  }

  @Test
  void computedColumn() throws Exception {
    String warehouse = root.resolve("computed").toString();
    server().execute(DB, "CREATE VIEW products_categorized AS SELECT *, CASE WHEN price < 50 THEN 'budget'"
        + " WHEN price < 200 THEN 'mid' ELSE 'premium' END AS price_category,"
        + " substring(product_name from 2 for 4) AS name_part FROM products");
    // and, not in the guide, a substring, which on Paimon's command line is Paimon's: substring(s, b, e) is
    // 0-based with an exclusive end, SQL's substring(s from b + 1 for e - b)
    List<String> args = new ArrayList<>(List.of(guide(COMPUTED, warehouse)));
    args.addAll(List.of("--computed_column", "name_part=substring(product_name, 1, 5)"));
    try (RunningSync sync = RunningSync.ofCommandLine(args.toArray(String[]::new))) {
      sync.await("products with its computed columns", () -> TableComparison.same(server(), DB, "products_categorized",
          "paimon", warehouse, "lakehouse", "products", "product_id"));
      server().execute(DB, "UPDATE products SET price = 250 WHERE product_id = 'prod_002'");
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
   * The guide's command line in section {@code command}, then the flags of each section in
   * {@code flagSections}; its server, credentials and warehouse ($PAIMON_WAREHOUSE, /tmp/paimon)
   * replaced by this test's.
   */
  private static String[] guide(String command, String warehouse, String... flagSections) {
    PostgresServer pg = server();
    Map<String, String> connection = Map.of("hostname=localhost", "hostname=" + pg.host(),
        "port=5432", "port=" + pg.port(), "username=postgres", "username=" + pg.username(),
        "password=postgres", "password=" + pg.password());
    List<String> args = new ArrayList<>(GUIDE.command(command,
        Map.of("FLINK_HOME", "/opt/flink", "PAIMON_WAREHOUSE", warehouse),
        word -> connection.getOrDefault(word, word).replace("/tmp/paimon", warehouse)));
    for (String flags : flagSections) {
      args.addAll(GUIDE.flags(flags));
    }
    return args.toArray(String[]::new);
  }

  private static long count(String sql) throws Exception {
    try (Connection c = server().connect(DB); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
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
