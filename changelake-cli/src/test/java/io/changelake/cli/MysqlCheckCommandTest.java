package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.changelake.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code changelake check} and {@code changelake plan} against a real MariaDB: its binlog checks, privileges and tables. */
class MysqlCheckCommandTest {
  private static final String DB = "checked";
  private static MariaDbServer db;

  @TempDir
  Path dir;

  @BeforeAll
  static void startServer() {
    db = MariaDbServer.start();
    db.createDatabase(DB);
    db.execute(DB, "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(40), price DECIMAL(10,2))");
  }

  @AfterAll
  static void stopServer() {
    if (db != null) {
      db.close();
    }
  }

  @Test
  void checksPassOnAServerReadyForCapture() {
    Path warehouse = dir.resolve("lake");
    CommandResult result = run("check", options(), warehouse);

    assertEquals(0, result.code(), result::toString);
    for (String check : List.of("reachable, credentials accepted", "binlog_format = ROW", "binlog_row_image = FULL",
        "REPLICATION privileges of user 'changelake'", "tables selected and readable (table-name 'items')",
        "table checked.items has a key for --mode upsert", "warehouse " + warehouse + " writable")) {
      assertTrue(result.out().contains("PASS  " + check + "\n"), check + " did not pass:\n" + result.out());
    }
    assertFalse(Files.exists(warehouse), "the warehouse was created");
  }

  @Test
  void aMinimalRowImageFailsWithItsFix() {
    db.execute(DB, "SET GLOBAL binlog_row_image = 'MINIMAL'");
    try {
      CommandResult result = run("check", options(), dir.resolve("lake"));

      assertEquals(ExitCode.SOURCE, result.code(), result::toString);
      assertTrue(result.out().contains("PASS  binlog_format = ROW\n"), result.out());
      assertTrue(result.out().contains("FAIL  binlog_row_image = FULL\n"), result.out());
      assertTrue(result.out().contains("SET GLOBAL binlog_row_image=FULL"), result.out());
      assertTrue(result.out().contains("PASS  REPLICATION privileges of user 'changelake'\n"), result.out());
    } finally {
      db.execute(DB, "SET GLOBAL binlog_row_image = 'FULL'");
    }
  }

  @Test
  void planShowsTheLakeTypesAndCreatesNothing() throws Exception {
    Path warehouse = dir.resolve("lake");
    CommandResult result = run("plan", options(), warehouse, "--format", "iceberg,paimon", "--output", "json");

    assertEquals(0, result.code(), result::toString);
    JsonNode plan = StatusFile.JSON.readTree(result.out());
    assertTrue(plan.get("valid").asBoolean(), result.out());
    String sourceObjects = plan.get("sourceObjects").toString();
    assertTrue(sourceObjects.contains("nothing created in the server") && sourceObjects.contains("binlog now at "),
        sourceObjects);
    assertEquals(2, plan.get("tables").size(), result.out());
    for (JsonNode table : plan.get("tables")) {
      assertEquals("checked.items", table.get("source").asText());
      assertEquals("[\"id\"]", table.get("key").toString());
      assertFalse(table.get("exists").asBoolean());
      List<String> columns = new ArrayList<>();
      table.get("columns").forEach(c -> columns.add(c.get("name").asText() + " " + c.get("lakeType").asText()));
      assertEquals(List.of("id long", "name string", "price decimal(10,2)"), columns);
    }
    assertFalse(Files.exists(warehouse), "the warehouse was created");
  }

  private static Map<String, String> options() {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("hostname", db.host());
    options.put("port", String.valueOf(db.port()));
    options.put("username", MariaDbServer.REPLICATOR);
    options.put("password", MariaDbServer.REPLICATOR_PASSWORD);
    options.put("database-name", DB);
    options.put("table-name", "items");
    return options;
  }

  static CommandResult run(String command, Map<String, String> options, Path warehouse, String... more) {
    List<String> args = new ArrayList<>(List.of(command, "--source", "mariadb", "--warehouse", warehouse.toString()));
    args.addAll(RunningSync.asFlags("--source-conf", options));
    args.addAll(List.of(more));
    return CommandResult.run(args.toArray(String[]::new));
  }
}
