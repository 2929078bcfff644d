package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.TableId;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableSink;
import io.changelake.api.spi.TableSnapshot;
import io.changelake.testkit.PostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every query of the Flink CDC → Paimon guide ({@code guide/queries.sql}) run with {@code changelake query} on a
 * warehouse written by a real sync of the guide's schema and data ({@code guide/ecommerce.sql}, plus the
 * {@code basket_analysis.basket_patterns} table its recommendation queries read), in the guide's order, with the
 * guide's PostgreSQL statements ({@code guide/source-changes.sql}) in between. Each query's rows equal PostgreSQL's
 * for the same SQL on the source; lake-only statements are checked against the format's own reader.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GuideQueriesTest {
  private static final String DB = "ecommerce";
  private static final Map<String, List<String>> QUERIES = GuideSql.load("guide/queries.sql");
  private static final Map<String, List<String>> CHANGES = GuideSql.load("guide/source-changes.sql");
  private static final List<String> TABLES = List.of("products", "customers", "orders", "inventory");

  @RegisterExtension
  static final PostgresExtension POSTGRES = new PostgresExtension();

  @TempDir
  static Path warehouse;

  static PostgresServer pg;
  static RunningSync sync;
  static Instant afterInitialSnapshot;

  @BeforeAll
  static void syncTheGuideSchema() throws Exception {
    pg = POSTGRES.server();
    pg.createDatabase(DB);
    pg.execute(DB, resource("guide/ecommerce.sql"), resource("guide/basket_patterns.sql"));
    Map<String, String> basket = RunningSync.sourceOptions(pg, DB, "basket_slot", "basket_patterns");
    basket.put("schema-name", "basket_analysis");
    List<String> args = new ArrayList<>(List.of("sync-table", "--warehouse", warehouse.toString(), "--database",
        "basket_analysis", "--format", "paimon", "--commit-interval", "500ms"));
    args.addAll(RunningSync.asFlags("--source-conf", basket));
    try (RunningSync patterns = RunningSync.ofCommandLine(args.toArray(String[]::new))) {
      patterns.await("basket_patterns in the lake", () -> {
        try {
          return TableComparison.lake("paimon", warehouse.toString(), "basket_analysis", "basket_patterns",
              "pattern_id").size() == 30;
        } catch (AssertionError notYet) {
          return false;
        }
      });
      assertEquals(0, patterns.stop());
    }
    // the guide's Method 2: products, customers, orders and inventory into database lakehouse, as Paimon tables
    List<String> guide = new ArrayList<>(List.of("postgres_sync_table", "--warehouse", warehouse.toString(),
        "--database", "lakehouse", "--checkpointing-interval", "500"));
    guide.addAll(RunningSync.asFlags("--postgres_conf",
        RunningSync.sourceOptions(pg, DB, "flink_multi_slot", "products|customers|orders|inventory")));
    sync = RunningSync.ofCommandLine(guide.toArray(String[]::new));
    for (String table : TABLES) {
      awaitMirrored(table);
    }
    Thread.sleep(50);
    afterInitialSnapshot = Instant.now();
  }

  @AfterAll
  static void stop() throws Exception {
    if (sync != null) {
      sync.close();
    }
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = GuideQueriesTest.class.getClassLoader().getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void awaitMirrored(String table) throws Exception {
    sync.await(table + " to equal the source", () -> TableComparison.same(pg, DB, table, "paimon",
        warehouse.toString(), "lakehouse", table, table.equals("customers") ? "customer_id"
            : table.equals("orders") ? "order_id" : "product_id"));
  }

  /** Runs {@code sql} after the session's statements (CREATE CATALOG, USE CATALOG, USE), in one command. */
  private static CommandResult query(String session, String sql) {
    return CommandResult.run("query", "--warehouse", warehouse.toString(), "--output", "csv", "--max-rows", "0",
        (session == null ? "" : session) + sql);
  }

  /** The rows of a lake query, header left out. */
  private static List<List<String>> lake(String session, String sql) {
    CommandResult result = query(session, sql);
    assertEquals(ExitCode.OK, result.code(), sql + "\n" + result.err());
    List<List<String>> rows = QueryCommandTest.Csv.parse(result.out());
    return rows.subList(1, rows.size());
  }

  /**
   * Asserts the lake query's rows equal PostgreSQL's for the same SQL (the lake database qualifier removed: the
   * source tables are in schema public; basket_analysis is a schema there too), in order when the query orders.
   */
  private static List<List<String>> assertSameAsSource(String session, String sql) throws Exception {
    List<List<String>> expected = QueryCommandTest.source(pg, DB, sql.replace("lakehouse.", ""));
    List<List<String>> actual = lake(session, sql);
    if (!GuideSql.code(sql).toUpperCase().contains("ORDER BY")) {
      expected = sorted(expected);
      actual = sorted(actual);
    }
    assertEquals(expected, actual, sql);
    return actual;
  }

  private static List<List<String>> sorted(List<List<String>> rows) {
    return rows.stream().sorted(Comparator.comparing(Object::toString)).toList();
  }

  private static String localTime(Instant instant) {
    return LocalDateTime.ofInstant(instant, ZoneId.systemDefault()).toString().replace('T', ' ');
  }

  /**
   * Runs a section's statements in order, as Flink's SQL client runs them in one session: each query after the
   * session statements before it (CREATE CATALOG, USE CATALOG, USE); the guide's warehouse is the test's. Returns
   * the queries.
   */
  private static List<String> runSection(String section, Checker checker) throws Exception {
    List<String> run = new ArrayList<>();
    StringBuilder session = new StringBuilder();
    for (String statement : QUERIES.get(section)) {
      String sql = statement.replace("/tmp/paimon", warehouse.toString());
      String code = GuideSql.code(sql);
      if (code.toUpperCase().startsWith("CREATE CATALOG") || code.toUpperCase().startsWith("USE ")) {
        CommandResult result = query(session.toString(), sql);
        assertEquals(List.of(ExitCode.OK, ""), List.of(result.code(), result.out()), sql + "\n" + result.err());
        session.append(sql).append(";\n");
      } else {
        checker.check(session.toString(), sql, code);
        run.add(code);
      }
    }
    return run;
  }

  private interface Checker {
    void check(String session, String statement, String code) throws Exception;
  }

  @Test
  @Order(1)
  void queryingPaimonTables() throws Exception {
    List<String> run = runSection("Querying Paimon Tables > Using Flink SQL Client", (session, statement, code) -> {
      if (code.equals("SHOW DATABASES")) {
        assertEquals(List.of(List.of("basket_analysis"), List.of("lakehouse")), lake(session, statement));
      } else if (code.equals("SHOW TABLES")) {
        assertEquals(TABLES.stream().sorted().map(t -> List.of(t)).toList(), lake(session, statement));
      } else if (code.contains("FOR SYSTEM_TIME AS OF")) {
        // as written: 2025-01-20 is before any snapshot of this warehouse, so there is no such version
        CommandResult asWritten = query(session, statement);
        assertEquals(ExitCode.TABLE, asWritten.code(), asWritten.err());
        assertTrue(asWritten.err().contains("Table lakehouse.products has no snapshot at or before"), asWritten.err());
        // at a time the table has: the rows of then, which are the source's now (nothing changed yet)
        assertEquals(QueryCommandTest.source(pg, DB, "SELECT COUNT(*) FROM products"), lake(session,
            statement.replace("2025-01-20 10:00:00", localTime(afterInitialSnapshot))));
      } else {
        assertSameAsSource(session, statement);
      }
    });
    assertEquals(5, run.size(), "SHOW DATABASES, SHOW TABLES, two queries and the time travel: " + run);
    List<String> tableApi = runSection("Querying Paimon Tables > Using Table API in Flink Job",
        (session, statement, code) -> assertTrue(assertSameAsSource(session, statement).size() > 5, statement));
    assertEquals(1, tableApi.size());
  }

  @Test
  @Order(2)
  void recommendationQueries() throws Exception {
    List<String> run = new ArrayList<>();
    for (String section : List.of(
        "Integration with Recommendation Jobs > Use Case: Enrich Recommendations with Product Details",
        "Integration with Recommendation Jobs > Use Case: Inventory-Aware Recommendations")) {
      run.addAll(runSection(section, (session, statement, code) ->
          assertTrue(assertSameAsSource(session, statement).size() > 3, "rows enough to prove something: " + code)));
    }
    assertEquals(4, run.size(), run.toString());
  }

  @Test
  @Order(3)
  void tableMetadata() throws Exception {
    List<String> run = runSection("Monitoring & Management > Check Paimon Table Metadata", (session, statement, code) -> {
      if (code.contains("$snapshots")) {
        List<String> ids = new ArrayList<>();
        try (TableSink paimon = Providers.sink("paimon").open(warehouse.toString(), Map.of(), Map.of())) {
          SinkTable products = paimon.find(new TableId("lakehouse", "products")).orElseThrow();
          products.snapshots().stream().map(TableSnapshot::id).forEach(id -> ids.add(String.valueOf(id)));
        }
        List<List<String>> snapshots = lake(session, statement);
        assertEquals(ids, snapshots.stream().map(row -> row.get(0)).toList(), "snapshot ids from Paimon's reader");
        assertTrue(snapshots.stream().allMatch(row -> row.get(3).startsWith("{")), "every commit holds a source"
            + " position: " + snapshots);
      } else {
        CommandResult create = query(session, statement);
        assertEquals(ExitCode.OK, create.code(), create.err());
        for (String column : List.of("`product_id` STRING NOT NULL", "`price` DECIMAL(10, 2),",
            "`is_active` BOOLEAN NOT NULL", "`created_at` TIMESTAMP(6) WITH LOCAL TIME ZONE NOT NULL",
            "PRIMARY KEY (`product_id`) NOT ENFORCED")) {
          assertTrue(create.out().contains(column), column + " in\n" + create.out());
        }
      }
    });
    assertEquals(2, run.size());
  }

  @Test
  @Order(4)
  void testingCdcEndToEnd() throws Exception {
    String prefix = "Testing CDC End-to-End > ";
    assertEquals(1, runSection(prefix + "2. Verify Initial Snapshot", (session, statement, code) ->
        assertEquals(List.of(List.of("44")), assertSameAsSource(session, statement), "the guide's ~44")).size());
    List<List<List<String>>> guideExpects = List.of(List.of(List.of("prod_test_001", "Test Product", "99.99")),
        List.of(List.of("prod_test_001", "79.99")), List.of(List.of("0")));
    List<String> steps = List.of("3. Test INSERT", "4. Test UPDATE", "5. Test DELETE");
    Instant afterInsert = null;
    for (int i = 0; i < steps.size(); i++) {
      pg.execute(DB, CHANGES.get(prefix + steps.get(i)).toArray(String[]::new));
      awaitMirrored("products");
      List<List<String>> expected = guideExpects.get(i);
      assertEquals(1, runSection(prefix + steps.get(i), (session, statement, code) ->
          assertEquals(expected, assertSameAsSource(session, statement), "the guide's Expected")).size());
      if (i == 0) {
        Thread.sleep(50);
        afterInsert = Instant.now();
      }
    }
    // and back in time, to the version between the INSERT and the UPDATE
    assertEquals(List.of(List.of("prod_test_001", "99.99")), lake(null, "SELECT product_id, price FROM lakehouse.products"
        + " FOR SYSTEM_TIME AS OF TIMESTAMP '" + localTime(afterInsert) + "' WHERE product_id = 'prod_test_001'"));
  }

  @Test
  @Order(5)
  void schemaEvolution() throws Exception {
    String section = "Advanced Topics > Schema Evolution Example";
    pg.execute(DB, CHANGES.get(section).toArray(String[]::new));
    sync.await("column sku in the lake", () -> query(null, "SELECT COUNT(*) FROM lakehouse.products WHERE sku LIKE"
        + " 'SKU-prod%'").out().equals("EXPR$0\n44\n"));
    List<String> run = runSection(section, (session, statement, code) -> {
      List<List<String>> columns = lake(session, statement);
      assertEquals(QueryCommandTest.source(pg, DB, "SELECT column_name FROM information_schema.columns"
              + " WHERE table_name = 'products' ORDER BY ordinal_position"),
          columns.stream().map(row -> List.of(row.get(0))).toList(), "DESCRIBE lists the source's columns in order");
      assertEquals(List.of("sku", "STRING", "true", ""), columns.get(columns.size() - 1));
    });
    assertEquals(1, run.size());
  }
}
