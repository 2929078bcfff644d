package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.Column;
import io.changelake.api.model.TableId;
import io.changelake.engine.pipeline.TableReport;
import io.changelake.engine.pipeline.TableState;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableSink;
import io.changelake.api.spi.WriteMode;
import io.changelake.testkit.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Source schema changes while streaming, through the whole path: compatible changes change the
 * lake table's schema as the README says and the data stays equal to the source; an incompatible
 * change suspends that table only, says which column and how to fix it, and holds the slot back.
 */
class SchemaEvolutionEndToEndTest {
  @RegisterExtension
  static final PostgresExtension POSTGRES = new PostgresExtension();

  private final PostgresServer pg = POSTGRES.server();

  @TempDir
  Path warehouse;

  @Test
  void compatibleChangesAreFollowedWhileStreaming() throws Exception {
    String db = "evolve";
    pg.createDatabase(db);
    pg.execute(db,
        "CREATE TABLE evolving (id int PRIMARY KEY, qty int NOT NULL, ratio real, price numeric(10,2), legacy text)",
        "INSERT INTO evolving VALUES (1, 10, 1.1, 12345678.91, 'legacy one'), (2, 20, 2.2, 0.01, 'legacy two')");
    var options = RunningSync.sourceOptions(pg, db, "evolve_slot", "evolving");
    try (RunningSync sync = new RunningSync(request(options))) {
      sync.awaitMirrored(pg, db, "evolving", "id");
      assertLakeColumns("evolving", "id int required", "qty int required", "ratio float", "price decimal(10, 2)",
          "legacy string");

      // ADD COLUMN: a new nullable column at the end, then rows that use it
      pg.execute(db, "ALTER TABLE evolving ADD COLUMN note text",
          "INSERT INTO evolving VALUES (3, 30, 3.3, 3.00, 'legacy three', 'a note')",
          "UPDATE evolving SET note = 'noted' WHERE id = 1");
      sync.awaitMirrored(pg, db, "evolving", "id");
      assertLakeColumns("evolving", "id int required", "qty int required", "ratio float", "price decimal(10, 2)",
          "legacy string", "note string");

      // DROP COLUMN: the lake keeps it; rows written from then on hold null, untouched rows their value
      pg.execute(db, "ALTER TABLE evolving DROP COLUMN legacy",
          "INSERT INTO evolving VALUES (4, 40, 4.4, 4.00, 'four')", "UPDATE evolving SET qty = 11 WHERE id = 1");
      sync.awaitMirrored(pg, db, "evolving", "id");
      assertLakeColumns("evolving", "id int required", "qty int required", "ratio float", "price decimal(10, 2)",
          "legacy string", "note string");
      assertEquals(Map.of("1|", "null", "2|", "legacy two", "3|", "legacy three", "4|", "null"), lakeValues("legacy"));

      // int -> bigint widens, and takes a value beyond int
      pg.execute(db, "ALTER TABLE evolving ALTER COLUMN qty TYPE bigint",
          "INSERT INTO evolving VALUES (5, 5000000000, 5.5, 5.00, 'five')");
      sync.awaitMirrored(pg, db, "evolving", "id");
      assertLakeColumns("evolving", "id int required", "qty long required", "ratio float", "price decimal(10, 2)",
          "legacy string", "note string");

      // real -> double precision widens; the old float values read back as PostgreSQL converted them
      pg.execute(db, "ALTER TABLE evolving ALTER COLUMN ratio TYPE double precision",
          "INSERT INTO evolving VALUES (6, 60, 0.1, 6.00, 'six')", "UPDATE evolving SET ratio = 1.0 / 3 WHERE id = 2");
      sync.awaitMirrored(pg, db, "evolving", "id");
      assertLakeColumns("evolving", "id int required", "qty long required", "ratio double", "price decimal(10, 2)",
          "legacy string", "note string");

      // numeric(10,2) -> numeric(12,2) widens, and takes a value beyond numeric(10,2)
      pg.execute(db, "ALTER TABLE evolving ALTER COLUMN price TYPE numeric(12,2)",
          "INSERT INTO evolving VALUES (7, 70, 7.7, 1234567890.12, 'seven')");
      sync.awaitMirrored(pg, db, "evolving", "id");
      assertLakeColumns("evolving", "id int required", "qty long required", "ratio double", "price decimal(12, 2)",
          "legacy string", "note string");

      // bigint -> int narrows at the source: the lake's long column holds every int, so it stays long
      pg.execute(db, "UPDATE evolving SET qty = 2147483647 WHERE id = 5", "ALTER TABLE evolving ALTER COLUMN qty TYPE int",
          "INSERT INTO evolving VALUES (8, 80, 8.8, 8, 'eight')", "UPDATE evolving SET qty = 12 WHERE id = 1");
      sync.awaitMirrored(pg, db, "evolving", "id");
      assertLakeColumns("evolving", "id int required", "qty long required", "ratio double", "price decimal(12, 2)",
          "legacy string", "note string");

      // one key changed under three schema versions in one transaction
      pg.execute(db, "BEGIN; INSERT INTO evolving VALUES (9, 90, 9.9, 9, 'nine');"
          + " ALTER TABLE evolving ADD COLUMN extra bigint; UPDATE evolving SET extra = 9000000000 WHERE id = 9;"
          + " ALTER TABLE evolving DROP COLUMN note; UPDATE evolving SET qty = 91 WHERE id = 9; COMMIT");
      sync.awaitMirrored(pg, db, "evolving", "id");
      assertLakeColumns("evolving", "id int required", "qty long required", "ratio double", "price decimal(12, 2)",
          "legacy string", "note string", "extra long");
      assertEquals("null", lakeValues("note").get("9|"));
      assertFalse(sync.output.toString().contains("SUSPENDED"), sync.output.toString());
      assertEquals(0, sync.stop());
    }
  }

  @Test
  void incompatibleChangeSuspendsOnlyThatTableAndSaysHowToFixIt() throws Exception {
    String db = "breaks";
    String slot = "breaks_slot";
    pg.createDatabase(db);
    pg.execute(db, "CREATE TABLE breaking (id int PRIMARY KEY, code text)", "CREATE TABLE steady (id int PRIMARY KEY, v text)",
        "INSERT INTO breaking VALUES (1, '10'), (2, '20')", "INSERT INTO steady VALUES (1, 'one'), (2, 'two')");
    var options = RunningSync.sourceOptions(pg, db, slot, "breaking|steady");
    try (RunningSync sync = new RunningSync(request(options))) {
      sync.awaitMirrored(pg, db, "breaking", "id");
      sync.awaitMirrored(pg, db, "steady", "id");
      // text -> int has no lossless path into the lake's string column
      pg.execute(db, "ALTER TABLE breaking ALTER COLUMN code TYPE int USING code::int");
      // the ALTER's own transaction holds no change: the stream may acknowledge past it, not past the insert
      String lsnBeforeChange = query(db, "SELECT pg_current_wal_insert_lsn()");
      pg.execute(db, "INSERT INTO breaking VALUES (3, 30)", "INSERT INTO steady VALUES (3, 'three')");
      for (String format : RunningSync.ALL_FORMATS) {
        String line = "SUSPENDED " + format + " lake.breaking: ";
        sync.await(format + " lake.breaking to be suspended", () -> sync.output.toString().contains(line));
        assertNamesColumnAndFix(sync.output.toString().lines().filter(l -> l.startsWith(line)).findFirst().orElseThrow());
      }

      // the other table goes on mirroring new changes
      pg.execute(db, "INSERT INTO steady VALUES (4, 'four')", "UPDATE steady SET v = 'one, again' WHERE id = 1",
          "DELETE FROM steady WHERE id = 2");
      sync.awaitMirrored(pg, db, "steady", "id");

      // the suspended table keeps what it had, in its old schema
      assertLakeColumns("breaking", "id int required", "code string");
      assertEquals(Map.of("1|", "10", "2|", "20"), lakeValues("breaking", "code"));

      // status (file and command) shows it SUSPENDED with the reason, the other table STREAMING
      sync.await("the status file to show the suspension", () -> tableState("breaking").isPresent()
          && tableState("breaking").get().state() == TableState.SUSPENDED
          && tableState("steady").get().state() == TableState.STREAMING);
      assertNamesColumnAndFix(tableState("breaking").get().reason());
      String status = statusCommandOutput();
      assertTrue(status.contains("SUSPENDED") && status.contains("breaking.code"), status);

      // the slot keeps the suspended table's changes: it is not confirmed past them
      assertEquals("t", query(db, "SELECT confirmed_flush_lsn <= '" + lsnBeforeChange
          + "'::pg_lsn FROM pg_replication_slots WHERE slot_name = '" + slot + "'"));
      assertEquals(0, sync.stop());
    }
  }

  @Test
  void aSyncWhoseEveryTableIsSuspendedExitsNamingEachTableAndItsReason() throws Exception {
    String db = "allbroken";
    pg.createDatabase(db);
    pg.execute(db, "CREATE TABLE breaking (id int PRIMARY KEY, code text)", "INSERT INTO breaking VALUES (1, '10')");
    try (RunningSync sync = new RunningSync(request(RunningSync.sourceOptions(pg, db, "allbroken_slot", "breaking")))) {
      sync.awaitMirrored(pg, db, "breaking", "id");
      pg.execute(db, "ALTER TABLE breaking ALTER COLUMN code TYPE int USING code::int", "INSERT INTO breaking VALUES (2, 20)");
      Throwable failure = sync.awaitFailure();
      assertEquals(ExitCode.TABLE, ErrorHandler.exitCode(failure), String.valueOf(failure));
      String message = failure.getMessage();
      assertTrue(message.startsWith("Every table of the pipeline is suspended"), message);
      for (String format : RunningSync.ALL_FORMATS) {
        String line = message.lines().filter(l -> l.startsWith("  " + format + " lake.breaking: ")).findFirst()
            .orElseThrow(() -> new AssertionError(format + " is not listed: " + message));
        assertNamesColumnAndFix(line);
      }
      assertTrue(StatusFile.readAll(warehouse.toString()).stream().anyMatch(s -> s.state().equals("FAILED")
          && s.error().equals(message)), "the status file says why the sync stopped");
    }
  }

  private static void assertNamesColumnAndFix(String reason) {
    assertTrue(reason.contains("breaking.code") && reason.contains("Fix:") && reason.contains("recreate the lake table"),
        "the reason must name the column and the fix: " + reason);
  }

  private SyncRequest request(Map<String, String> options) {
    return RunningSync.request(options, warehouse.toString(), WriteMode.UPSERT, List.of(), RunningSync.ALL_FORMATS);
  }

  /**
   * Asserts the Iceberg table's columns, in order, as "name type" plus " required" for required
   * ones, and the same column names in order in every other format.
   */
  private void assertLakeColumns(String table, String... expected) {
    Table lake = TableComparison.lakeTable(location("iceberg"), "lake", table);
    List<String> actual = new ArrayList<>();
    for (Types.NestedField field : lake.schema().columns()) {
      actual.add(field.name() + " " + field.type() + (field.isOptional() ? "" : " required"));
    }
    assertEquals(List.of(expected), actual);
    List<String> names = actual.stream().map(c -> c.substring(0, c.indexOf(' '))).toList();
    for (String format : RunningSync.ALL_FORMATS) {
      try (TableSink sink = Providers.sink(format).open(location(format), Map.of(), Map.of())) {
        SinkTable other = sink.find(new TableId("lake", table)).orElseThrow();
        assertEquals(names, other.schema().columns().stream().map(Column::name).toList(), format + " columns");
      }
    }
  }

  private String location(String format) {
    return LakeFormats.location(warehouse.toString(), format, true);
  }

  private Map<String, String> lakeValues(String column) throws Exception {
    return lakeValues("evolving", column);
  }

  /** The lake table's values of {@code column} by key, null as "null", the same in every format. */
  private Map<String, String> lakeValues(String table, String column) throws Exception {
    Map<String, String> first = null;
    for (String format : RunningSync.ALL_FORMATS) {
      var values = TableComparison.lake(format, location(format), "lake", table, "id").entrySet().stream()
          .collect(Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue().get(column))));
      if (first != null) {
        assertEquals(first, values, format + " values of " + table + "." + column);
      }
      first = values;
    }
    return first;
  }

  private Optional<TableReport> tableState(String table) {
    try {
      return StatusFile.readAll(warehouse.toString()).stream().flatMap(s -> s.tables().stream())
          .filter(t -> t.lake().name().equals(table)).findFirst();
    } catch (java.io.IOException e) {
      return Optional.empty();
    }
  }

  private String statusCommandOutput() {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      assertEquals(ExitCode.OK, Main.execute("status", "--warehouse", warehouse.toString()));
    } finally {
      System.setOut(original);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private String query(String db, String sql) throws Exception {
    try (Connection c = pg.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
