package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.TableId;
import io.changelake.engine.pipeline.TableState;
import io.changelake.api.spi.TableSink;
import io.changelake.api.spi.WriteMode;
import io.changelake.testkit.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One capture written to Iceberg, Delta and Paimon at once, and computed and metadata columns; each
 * table read back through its format's own reader and compared row by row with the source.
 */
class FormatsEndToEndTest {
  private static final List<String> FORMATS = RunningSync.ALL_FORMATS;

  @RegisterExtension
  static final PostgresExtension POSTGRES = new PostgresExtension();

  private final PostgresServer pg = POSTGRES.server();

  @TempDir
  Path warehouse;

  private void awaitAllFormats(RunningSync sync, String db, String source, String lakeTable, String key)
      throws Exception {
    for (String format : FORMATS) {
      String location = LakeFormats.location(warehouse.toString(), format, true);
      sync.await(format + " " + lakeTable + " to equal " + source,
          () -> TableComparison.same(pg, db, source, format, location, "lake", lakeTable, key));
      TableComparison.assertSame(pg, db, source, format, location, "lake", lakeTable, key);
    }
  }

  @Test
  void everyFormatEqualsTheSourceFromOneSlot() throws Exception {
    String db = "formats";
    pg.createDatabase(db);
    pg.execute(db,
        "CREATE TABLE products (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2), added timestamptz)",
        "CREATE TABLE orders (region text, order_no bigint, qty int, PRIMARY KEY (region, order_no))",
        "INSERT INTO products SELECT i, 'p' || i, i * 1.5, now() FROM generate_series(1, 300) i",
        "INSERT INTO orders SELECT CASE WHEN i % 2 = 0 THEN 'eu' ELSE 'us' END, i, i % 7 FROM generate_series(1, 200) i");
    var request = RunningSync.request(RunningSync.sourceOptions(pg, db, "formats_slot", "products|orders"),
        warehouse.toString(), WriteMode.UPSERT, List.of(), FORMATS);
    try (RunningSync sync = new RunningSync(request)) {
      awaitAllFormats(sync, db, "products", "products", "id");
      awaitAllFormats(sync, db, "orders", "orders", "region,order_no");
      pg.execute(db,
          "INSERT INTO products SELECT i, 'p' || i, i, now() FROM generate_series(301, 350) i",
          "UPDATE products SET price = price + 1 WHERE id % 3 = 0",
          "DELETE FROM products WHERE id % 10 = 0",
          "UPDATE products SET id = 10000 WHERE id = 1",
          "UPDATE orders SET region = 'apac' WHERE order_no = 7",
          "BEGIN; DELETE FROM products WHERE id = 2; INSERT INTO products VALUES (2, 'again', 9.99, now());"
              + " DELETE FROM orders WHERE order_no < 20; COMMIT;");
      awaitAllFormats(sync, db, "products", "products", "id");
      awaitAllFormats(sync, db, "orders", "orders", "region,order_no");
      assertEquals(0, sync.stop());
    }
    pg.execute(db, "UPDATE products SET name = 'while stopped' WHERE id <= 5", "DELETE FROM orders WHERE qty = 3");
    try (RunningSync sync = new RunningSync(request)) {
      awaitAllFormats(sync, db, "products", "products", "id");
      awaitAllFormats(sync, db, "orders", "orders", "region,order_no");
      assertEquals(0, sync.stop());
      assertEquals(false, sync.output.toString().contains("Snapshot complete"), "a resumed sync must not snapshot again");
    }
    // the reading commands find every format in the warehouse
    String tables = command("tables", "--warehouse", warehouse.toString());
    for (String format : FORMATS) {
      assertTrue(tables.lines().anyMatch(l -> l.contains("lake.products") && l.contains(format)), tables);
    }
    String ambiguous = command("show", "--warehouse", warehouse.toString(), "lake.products");
    assertEquals("", ambiguous, "a table in several formats needs --format");
    String csv = command("show", "--warehouse", warehouse.toString(), "--format", "delta", "lake.products",
        "--output", "csv", "--limit", "0");
    long sourceRows = TableComparison.source(pg, db, "products", "id").size();
    assertEquals(sourceRows + 1, csv.lines().count(), "header plus every row: " + csv.lines().limit(3).toList());
  }

  @Test
  void aFailingFormatSuspendsOnlyItsTables() throws Exception {
    String db = "failing";
    pg.createDatabase(db);
    pg.execute(db, "CREATE TABLE items (id int PRIMARY KEY, name text)",
        "INSERT INTO items SELECT i, 'i' || i FROM generate_series(1, 50) i");
    var request = RunningSync.request(RunningSync.sourceOptions(pg, db, "failing_slot", "items"),
        warehouse.toString(), WriteMode.UPSERT, List.of(), FORMATS);
    try (RunningSync sync = new RunningSync(request)) {
      sync.awaitMirrored(pg, db, "items", "id");
      // the Delta table's log becomes unreadable: its next commit fails
      Path log = Path.of(sync.location("delta"), "lake", "items", "_delta_log");
      try (var files = Files.list(log)) {
        for (Path json : files.filter(f -> f.toString().endsWith(".json")).toList()) {
          Files.writeString(json, "not a Delta log entry");
        }
      }
      pg.execute(db, "INSERT INTO items VALUES (51, 'after the failure')", "UPDATE items SET name = 'changed' WHERE id = 1");
      String suspended = "SUSPENDED delta lake.items: ";
      sync.await("the Delta table to be suspended", () -> sync.output.toString().contains(suspended));
      for (String format : List.of("iceberg", "paimon")) {
        String location = sync.location(format);
        sync.await(format + " to take the changes", () -> TableComparison.same(pg, db, "items", format, location, "lake",
            "items", "id"));
      }
      assertFalse(sync.output.toString().contains("SUSPENDED iceberg") || sync.output.toString().contains(
          "SUSPENDED paimon"), sync.output.toString());
      sync.await("status to show the Delta table suspended", () -> {
        try {
          return StatusFile.readAll(warehouse.toString()).stream().flatMap(s -> s.tables().stream())
              .anyMatch(t -> t.format().equals("delta") && t.state() == TableState.SUSPENDED
                  && t.reason() != null);
        } catch (java.io.IOException e) {
          return false;
        }
      });
      assertEquals(0, sync.stop());
    }
  }

  @Test
  void truncateEmptiesEveryFormatInACommitThatHoldsItsPosition() throws Exception {
    String db = "truncates";
    pg.createDatabase(db);
    pg.execute(db, "CREATE TABLE parents (id int PRIMARY KEY, name text)",
        "CREATE TABLE children (id int PRIMARY KEY, parent_id int REFERENCES parents, note text)",
        "INSERT INTO parents SELECT i, 'p' || i FROM generate_series(1, 100) i",
        "INSERT INTO children SELECT i, i % 100 + 1, 'c' || i FROM generate_series(1, 200) i");
    var request = RunningSync.request(RunningSync.sourceOptions(pg, db, "truncates_slot", "parents|children"),
        warehouse.toString(), WriteMode.UPSERT, List.of(), FORMATS);
    try (RunningSync sync = new RunningSync(request)) {
      awaitAllFormats(sync, db, "parents", "parents", "id");
      awaitAllFormats(sync, db, "children", "children", "id");
      Map<String, String> before = new HashMap<>();
      for (String format : FORMATS) {
        before.put(format, lastPosition(format, sync.location(format), "parents"));
      }
      // one TRUNCATE of two tables: each lake table gets its own emptying commit
      pg.execute(db, "TRUNCATE parents CASCADE");
      for (String format : FORMATS) {
        for (String table : List.of("parents", "children")) {
          sync.await(format + " " + table + " to be empty",
              () -> TableComparison.lake(format, sync.location(format), "lake", table, "id").isEmpty());
        }
        String after = lastPosition(format, sync.location(format), "parents");
        assertFalse(after.equals(before.get(format)), format + ": the emptying commit records the truncation's position");
      }
      // changes before and after a truncation in one transaction: only those after it count
      pg.execute(db, "BEGIN; INSERT INTO parents VALUES (1, 'gone'), (2, 'gone'); TRUNCATE parents CASCADE;"
              + " INSERT INTO parents VALUES (3, 'kept'); UPDATE parents SET name = 'kept and changed' WHERE id = 3;"
              + " INSERT INTO children VALUES (1, 3, 'child'); COMMIT;",
          "INSERT INTO parents SELECT i, 'later' || i FROM generate_series(10, 20) i", "DELETE FROM parents WHERE id = 15");
      awaitAllFormats(sync, db, "parents", "parents", "id");
      awaitAllFormats(sync, db, "children", "children", "id");
      assertEquals(0, sync.stop());
    }
    // a truncation while the sync is stopped is taken on resume
    pg.execute(db, "TRUNCATE children", "INSERT INTO children VALUES (7, 3, 'after restart')");
    try (RunningSync sync = new RunningSync(request)) {
      awaitAllFormats(sync, db, "children", "children", "id");
      awaitAllFormats(sync, db, "parents", "parents", "id");
      assertEquals(0, sync.stop());
    }
  }

  /** The source position of the table's last pipeline commit. */
  private static String lastPosition(String format, String location, String table) {
    try (TableSink sink = Providers.sink(format).open(location, Map.of(), Map.of())) {
      return sink.find(new TableId("lake", table)).orElseThrow().lastCommit().orElseThrow().position();
    }
  }

  /** Waits until every format's products table equals the view "expected". */
  private void awaitExpected(RunningSync sync, String db, String what) throws Exception {
    for (String format : FORMATS) {
      String location = sync.location(format);
      sync.await(format + " " + what, () -> TableComparison.same(pg, db, "expected", format, location, "lake",
          "products", "id"));
    }
  }

  /** Runs a changelake command in this JVM and returns what it printed on standard output. */
  private static String command(String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      Main.execute(args);
    } finally {
      System.setOut(original);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void computedAndMetadataColumnsHoldWhatTheirExpressionsDefine() throws Exception {
    String db = "computed";
    pg.createDatabase(db);
    pg.execute(db,
        "CREATE TABLE products (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2), added date)",
        "INSERT INTO products SELECT i, 'p' || i, i * 3, DATE '2024-01-01' + i FROM generate_series(1, 120) i",
        // what the lake table must hold: the source row plus the computed and the constant metadata columns
        "CREATE VIEW expected AS SELECT *, CASE WHEN price < 50 THEN 'budget' WHEN price < 200 THEN 'mid'"
            + " ELSE 'premium' END AS price_category, upper(name) AS label, extract(year FROM added)::int AS added_year,"
            + " price * 2 AS double_price, substring(name, 2, 2) AS name_part, 'products' AS table_name,"
            + " 'computed' AS database_name FROM products");
    // changelake's own command line, so its substring is SQL's (the Paimon-style one is in GuideMethodsTest)
    List<String> args = new ArrayList<>(List.of("sync-table", "--warehouse", warehouse.toString(), "--database", "lake",
        "--format", String.join(",", FORMATS), "--commit-interval", "300ms",
        // the guide's expression as the shell hands it over: its ''budget'' quotes become bare words
        "--computed-column", "price_category=CASE WHEN price < 50 THEN budget WHEN price < 200 THEN mid ELSE premium END",
        "--computed-column", "label=upper(name)", "--computed-column", "added_year=year(added)",
        "--computed-column", "double_price=price * 2", "--computed-column", "name_part=substring(name, 2, 2)",
        "--metadata-column", "table_name", "--metadata-column", "database_name", "--metadata-column", "_op_type"));
    args.addAll(RunningSync.asFlags("--source-conf", RunningSync.sourceOptions(pg, db, "computed_slot", "products")));
    try (RunningSync sync = RunningSync.ofCommandLine(args.toArray(String[]::new))) {
      awaitExpected(sync, db, "the snapshot");
      pg.execute(db, "UPDATE products SET price = 500, name = 'gold' WHERE id = 1",
          "INSERT INTO products VALUES (1000, 'new', 10, DATE '2030-06-01')", "DELETE FROM products WHERE id = 2");
      awaitExpected(sync, db, "the changes");
      for (String format : FORMATS) {
        TableComparison.assertSame(pg, db, "expected", format, sync.location(format), "lake", "products", "id");
        var lake = TableComparison.lake(format, sync.location(format), "lake", "products", "id");
        assertEquals("UPDATE", lake.get("1|").get("_op_type"), format);
        assertEquals("INSERT", lake.get("1000|").get("_op_type"), format);
        assertEquals("SNAPSHOT", lake.get("3|").get("_op_type"), format);
      }
      assertEquals(0, sync.stop());
    }
  }
}
