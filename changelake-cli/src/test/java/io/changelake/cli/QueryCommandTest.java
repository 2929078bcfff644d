package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.spi.WriteMode;
import io.changelake.testkit.PostgresServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code changelake query} on a warehouse a real sync wrote in all three formats: each query's rows equal, row by
 * row, the same SQL's rows in PostgreSQL on the source; time travel returns the source's rows before the changes.
 */
class QueryCommandTest {
  private static final String DB = "shop";

  /** Queries whose text runs as is in PostgreSQL and in changelake. */
  private static final List<String> SAME_IN_BOTH = List.of(
      "SELECT product_id, product_name, price FROM products WHERE category = 'tools' ORDER BY price DESC, product_id"
          + " LIMIT 5",
      "SELECT category, COUNT(*), SUM(price), MIN(added), MAX(price) FROM products GROUP BY category ORDER BY category",
      "SELECT p.product_name, i.quantity_available, SUM(o.quantity) AS units FROM products p"
          + " JOIN inventory i ON p.product_id = i.product_id JOIN orders o ON o.product_id = p.product_id"
          + " WHERE i.quantity_available > 10 GROUP BY p.product_name, i.quantity_available ORDER BY 1",
      "SELECT COUNT(*) FROM products WHERE is_active = true",
      "SELECT p.product_id, i.quantity_reserved FROM products p LEFT JOIN inventory i ON p.product_id = i.product_id"
          + " ORDER BY p.product_id",
      "SELECT order_id, ordered_at, quantity * 2 AS doubled FROM orders WHERE product_id IN (1, 2, 3) ORDER BY order_id",
      "SELECT product_id, product_name FROM products WHERE product_name LIKE '%5%' AND price BETWEEN 20 AND 300"
          + " ORDER BY product_id");

  @RegisterExtension
  static final PostgresExtension POSTGRES = new PostgresExtension();

  @TempDir
  static Path warehouse;

  static PostgresServer pg;
  static Instant beforeChanges;
  static List<List<String>> countAndSumBefore;

  @BeforeAll
  static void syncAndChange() throws Exception {
    pg = POSTGRES.server();
    pg.createDatabase(DB);
    pg.execute(DB,
        "CREATE TABLE products (product_id int PRIMARY KEY, product_name text NOT NULL, category text,"
            + " price numeric(10,2), is_active boolean, added timestamp)",
        "CREATE TABLE inventory (product_id int PRIMARY KEY, quantity_available int, quantity_reserved int)",
        "CREATE TABLE orders (order_id bigint PRIMARY KEY, product_id int, quantity int, ordered_at timestamptz)",
        "INSERT INTO products SELECT i, 'product ' || i, (ARRAY['tools','toys','books'])[1 + i % 3],"
            + " round((9.99 + (i * 37.5) % 480)::numeric, 2), i % 4 <> 0,"
            + " timestamp '2026-11-01 09:00:00' + i * interval '97 minutes' FROM generate_series(1, 60) i",
        "INSERT INTO inventory SELECT i, (i * 13) % 50, i % 7 FROM generate_series(1, 50) i",
        "INSERT INTO orders SELECT i, 1 + i % 60, 1 + i % 4,"
            + " timestamptz '2026-11-02 10:00:00+00' + i * interval '41 minutes' FROM generate_series(1, 200) i");
    var request = RunningSync.request(RunningSync.sourceOptions(pg, DB, "query_slot", "products|inventory|orders"),
        warehouse.toString(), WriteMode.UPSERT, List.of(), RunningSync.ALL_FORMATS);
    try (RunningSync sync = new RunningSync(request)) {
      for (String table : List.of("products", "inventory", "orders")) {
        sync.awaitMirrored(pg, DB, table, table.equals("orders") ? "order_id" : "product_id");
      }
      countAndSumBefore = source("SELECT COUNT(*), SUM(price) FROM products");
      Thread.sleep(50);
      beforeChanges = Instant.now();
      Thread.sleep(50);
      pg.execute(DB,
          "UPDATE products SET price = price + 100, is_active = NOT is_active WHERE product_id % 5 = 0",
          "DELETE FROM products WHERE product_id % 7 = 0",
          "INSERT INTO products VALUES (500, 'product 500', 'tools', 250.00, true, '2026-12-01 12:00:00')",
          "UPDATE inventory SET quantity_available = 0 WHERE product_id < 6",
          "DELETE FROM orders WHERE order_id > 180");
      for (String table : List.of("products", "inventory", "orders")) {
        sync.awaitMirrored(pg, DB, table, table.equals("orders") ? "order_id" : "product_id");
      }
      assertEquals(0, sync.stop());
    }
  }

  @AfterAll
  static void done() {
    pg = null;
  }

  private static CommandResult run(String... args) {
    return CommandResult.run(args);
  }

  /** The rows {@code changelake query --output csv} prints for {@code sql} on one format's tables. */
  static List<List<String>> lake(Path warehouse, String format, String database, String sql) {
    List<String> args = new ArrayList<>(List.of("query", "--warehouse", warehouse.toString(), "--database", database,
        "--output", "csv", "--max-rows", "0", sql));
    if (format != null) {
      args.addAll(List.of("--format", format));
    }
    CommandResult result = run(args.toArray(String[]::new));
    assertEquals(ExitCode.OK, result.code(), format + ": " + sql + "\n" + result.err());
    List<List<String>> rows = Csv.parse(result.out());
    return rows.subList(1, rows.size());
  }

  static List<List<String>> source(String sql) throws SQLException {
    return source(pg, DB, sql);
  }

  /** The rows PostgreSQL gives for {@code sql}, each value as the query command prints it. */
  static List<List<String>> source(PostgresServer pg, String db, String sql) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (Connection c = pg.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData meta = rs.getMetaData();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          row.add(text(rs, i, meta.getColumnTypeName(i)));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  private static String text(ResultSet rs, int i, String type) throws SQLException {
    if (rs.getObject(i) == null) {
      return "";
    }
    return switch (type) {
      case "timestamp" -> rs.getObject(i, LocalDateTime.class).toString();
      case "timestamptz" -> rs.getObject(i, OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC).toString();
      case "numeric" -> rs.getBigDecimal(i).toPlainString();
      case "bool" -> String.valueOf(rs.getBoolean(i));
      case "float8" -> String.valueOf(rs.getDouble(i));
      case "_text" -> Arrays.asList((Object[]) rs.getArray(i).getArray()).toString();
      default -> rs.getString(i);
    };
  }

  @Test
  void queriesEqualPostgresInEveryFormat() throws SQLException {
    for (String sql : SAME_IN_BOTH) {
      List<List<String>> expected = source(sql);
      assertTrue(!expected.isEmpty(), "a query that returns nothing proves little: " + sql);
      for (String format : RunningSync.ALL_FORMATS) {
        assertEquals(expected, lake(warehouse, format, "lake", sql), format + ": " + sql);
      }
    }
  }

  @Test
  void joinsAcrossFormats() throws SQLException {
    List<List<String>> expected = source("SELECT COUNT(*), SUM(o.quantity) FROM products p JOIN orders o"
        + " ON o.product_id = p.product_id JOIN inventory i ON i.product_id = p.product_id");
    assertEquals(expected, lake(warehouse, null, "lake", "SELECT COUNT(*), SUM(o.quantity)"
        + " FROM iceberg.lake.products p JOIN paimon.lake.orders o ON o.product_id = p.product_id"
        + " JOIN delta.lake.inventory i ON i.product_id = p.product_id"));
  }

  @Test
  void timeTravelByTimeAndBySnapshotId() {
    String local = LocalDateTime.ofInstant(beforeChanges, ZoneId.systemDefault()).toString().replace('T', ' ');
    for (String format : RunningSync.ALL_FORMATS) {
      assertEquals(countAndSumBefore, lake(warehouse, format, "lake",
          "SELECT COUNT(*), SUM(price) FROM products FOR SYSTEM_TIME AS OF TIMESTAMP '" + local + "'"), format);
      List<List<String>> snapshots = lake(warehouse, format, "lake",
          "SELECT snapshot_id, commit_time FROM products$snapshots ORDER BY commit_time");
      String atSnapshot = snapshots.stream().filter(s -> OffsetDateTime.parse(s.get(1)).toInstant()
          .isBefore(beforeChanges)).reduce((a, b) -> b).orElseThrow().get(0);
      assertEquals(countAndSumBefore, lake(warehouse, format, "lake",
          "SELECT COUNT(*), SUM(price) FROM products /*+ OPTIONS('scan.snapshot-id'='" + atSnapshot + "') */"), format);
      assertEquals(List.of(List.of("product_id INT NOT NULL, product_name STRING NOT NULL, category STRING,"
          + " price DECIMAL(10, 2), is_active BOOLEAN, added TIMESTAMP(6)", "product_id")),
          lake(warehouse, format, "lake", "SELECT fields, primary_keys FROM lake.products$schemas"), format);
    }
  }

  @Test
  void showTravelsInTimeWithTheSameParsing() {
    CommandResult before = run("show", "lake.products", "--warehouse", warehouse.toString(), "--format", "delta",
        "--as-of", beforeChanges.toString(), "--output", "csv", "--limit", "0");
    assertEquals(ExitCode.OK, before.code(), before.err());
    assertEquals(Long.parseLong(countAndSumBefore.get(0).get(0)) + 1, before.out().lines().count(), before.out());
    CommandResult bad = run("show", "lake.products", "--warehouse", warehouse.toString(), "--format", "delta",
        "--as-of", "yesterday");
    assertEquals(ExitCode.USAGE, bad.code(), bad.err());
    assertTrue(bad.err().contains("--as-of 'yesterday' is not a time"), bad.err());
  }

  @Test
  void deltaFilesHoldExactlyTheLiveRows() throws SQLException {
    assertEquals(source("SELECT COUNT(*) FROM products"), lake(warehouse, "delta", "lake",
        "SELECT SUM(record_count) FROM products$files WHERE content = 'DATA'"), "copy-on-write leaves no deleted row");
  }

  @Test
  void catalogStatementsAndOutputs() {
    CommandResult tables = run("query", "--warehouse", warehouse.toString(), "SHOW DATABASES; SHOW TABLES FROM lake");
    assertEquals(ExitCode.OK, tables.code(), tables.err());
    assertTrue(tables.out().contains("database name\n-------------\nlake\n(1 row)"), tables.out());
    assertTrue(tables.out().contains("orders     | iceberg,paimon,delta"), tables.out());
    CommandResult describe = run("query", "--warehouse", warehouse.toString(), "--format", "paimon", "--output", "json",
        "DESCRIBE lake.inventory");
    assertEquals("{\"name\":\"product_id\",\"type\":\"INT\",\"null\":false,\"key\":\"PRI(product_id)\"}",
        describe.out().lines().findFirst().orElseThrow(), describe.err());
    CommandResult limited = run("query", "--warehouse", warehouse.toString(), "--format", "delta", "--max-rows", "2",
        "SELECT order_id FROM lake.orders ORDER BY order_id");
    assertEquals(List.of("order_id", "--------", "1", "2", "(2 rows)"), limited.out().lines().toList());
    assertTrue(limited.err().contains("only the first 2 rows are shown"), limited.err());
    CommandResult create = run("query", "--warehouse", warehouse.toString(), "--format", "iceberg",
        "SHOW CREATE TABLE lake.inventory");
    List<String> lines = create.out().lines().toList();
    assertEquals(List.of("result", "-".repeat("  PRIMARY KEY (`product_id`) NOT ENFORCED".length()),
        "CREATE TABLE `lake`.`inventory` (", "  `product_id` INT NOT NULL,"), lines.subList(0, 4), create.out());
    assertEquals("(1 row)", lines.get(lines.size() - 1));
  }

  @Test
  void catalogStatementsOfFlinksSqlClientChooseTheWarehouse() throws SQLException {
    String create = "CREATE CATALOG lake_catalog WITH ('type' = 'iceberg', 'warehouse' = '" + warehouse + "');\n";
    CommandResult chosen = run("query", "--warehouse", warehouse.resolve("elsewhere").toString(), "--output", "csv",
        create + "USE CATALOG lake_catalog; USE lake; SELECT COUNT(*) FROM products");
    assertEquals(ExitCode.OK, chosen.code(), chosen.err());
    assertEquals("EXPR$0\n" + source("SELECT COUNT(*) FROM products").get(0).get(0) + "\n", chosen.out());
    CommandResult unknown = run("query", create + "USE CATALOG other");
    assertEquals(ExitCode.USAGE, unknown.code(), unknown.err());
    assertTrue(unknown.err().contains("No catalog other: declare it first with CREATE CATALOG other"), unknown.err());
    CommandResult option = run("query", "CREATE CATALOG c WITH ('warehouse' = '/w', 'uri' = 'thrift://hms:9083')");
    assertEquals(ExitCode.USAGE, option.code(), option.err());
    assertTrue(option.err().contains("Unsupported catalog option(s) [uri]"), option.err());
  }

  @Test
  void errorsNameTheProblemWithTheirExitCode() {
    String w = warehouse.toString();
    CommandResult table = run("query", "--warehouse", w, "--format", "iceberg", "SELECT * FROM lake.nope");
    assertEquals(ExitCode.TABLE, table.code(), table.err());
    assertTrue(table.err().contains("Object 'nope' not found"), table.err());
    CommandResult column = run("query", "--warehouse", w, "--format", "iceberg", "SELECT colour FROM lake.products");
    assertEquals(ExitCode.TABLE, column.code(), column.err());
    assertTrue(column.err().contains("Column 'colour' not found"), column.err());
    CommandResult syntax = run("query", "--warehouse", w, "SELECT product_id FROM lake.products WHERE");
    assertEquals(ExitCode.USAGE, syntax.code(), syntax.err());
    assertTrue(syntax.err().contains("SQL syntax error at line 1, column 42: Encountered \"<EOF>\""), syntax.err());
    CommandResult early = run("query", "--warehouse", w, "--format", "paimon",
        "SELECT COUNT(*) FROM lake.products FOR SYSTEM_TIME AS OF TIMESTAMP '2001-01-01 00:00:00'");
    assertEquals(ExitCode.TABLE, early.code(), early.err());
    assertTrue(early.err().contains("Table lake.products has no snapshot at or before 2001-01-01"), early.err());
    CommandResult ambiguous = run("query", "--warehouse", w, "SELECT * FROM lake.products");
    assertEquals(ExitCode.TABLE, ambiguous.code(), ambiguous.err());
    assertTrue(ambiguous.err().contains("exists in several formats"), ambiguous.err());
    CommandResult noWarehouse = run("query", "--warehouse", warehouse.resolve("missing").toString(), "SELECT 1");
    assertEquals(ExitCode.USAGE, noWarehouse.code(), noWarehouse.err());
    CommandResult badMax = run("query", "--warehouse", w, "--max-rows", "-1", "SELECT 1");
    assertEquals(ExitCode.USAGE, badMax.code(), badMax.err());
  }

  @Test
  void interactivePromptRunsStatementsOverSeveralLinesAndKeepsHistory(@TempDir Path home) throws Exception {
    String input = "USE lake;\nSELECT COUNT(*)\n  FROM products;\nSELECT nope FROM products;\nquit\n";
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    QueryCommand command = new QueryCommand();
    command.spec = Main.commandLine().getSubcommands().get("query").getCommandSpec();
    command.output = RowPrinter.Format.csv;
    try (QuerySession session = new QuerySession(warehouse.toString(), "delta", Map.of(), null);
        Terminal terminal = TerminalBuilder.builder().system(false).dumb(true)
            .streams(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), output).build()) {
      Path history = home.resolve(".changelake/query_history");
      assertEquals(ExitCode.OK, new QueryPrompt(session, command::print, history).run(terminal));
      String printed = output.toString(StandardCharsets.UTF_8).replace("\r", "");
      String count = source("SELECT COUNT(*) FROM products").get(0).get(0);
      assertTrue(printed.contains("EXPR$0\n" + count + "\n"), printed);
      assertTrue(printed.contains("Error: From line 1, column 8 to line 1, column 11: Column 'nope' not found"), printed);
      assertTrue(java.nio.file.Files.readString(history).contains("FROM products;"), "history file");
    }
  }

  /** Reads the CSV the query command prints. */
  static final class Csv {
    private Csv() { }

    static List<List<String>> parse(String text) {
      List<List<String>> rows = new ArrayList<>();
      List<String> row = new ArrayList<>();
      StringBuilder cell = new StringBuilder();
      boolean quoted = false;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (quoted) {
          if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
            cell.append('"');
            i++;
          } else if (c == '"') {
            quoted = false;
          } else {
            cell.append(c);
          }
        } else if (c == '"') {
          quoted = true;
        } else if (c == ',') {
          row.add(cell.toString());
          cell.setLength(0);
        } else if (c == '\n') {
          row.add(cell.toString());
          cell.setLength(0);
          rows.add(row);
          row = new ArrayList<>();
        } else {
          cell.append(c);
        }
      }
      return rows;
    }
  }
}
