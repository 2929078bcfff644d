package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.DataType;
import io.changelake.api.model.TableId;
import io.changelake.api.spi.TableSink;
import io.changelake.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code --type-mapping} (and Paimon's {@code --type_mapping}) from the command line to every format. */
class TypeMappingEndToEndTest {
  private static final String DB = "mapping";

  @RegisterExtension
  static final PostgresExtension POSTGRES = new PostgresExtension();

  private final PostgresServer pg = POSTGRES.server();

  @RegisterExtension
  final CapturedStderr stderr = new CapturedStderr();

  @TempDir
  Path warehouse;

  @BeforeAll
  static void createTable() {
    PostgresServer pg = POSTGRES.server();
    pg.createDatabase(DB);
    pg.execute(DB, "CREATE TABLE times (id int PRIMARY KEY, t time, ts timestamp)",
        "INSERT INTO times VALUES (1, '23:59:59.999999', '0001-01-01 00:00:00'), (2, '12:00', NULL)");
  }

  @Test
  void timeToStringWritesTimesAsTextInEveryFormat() throws Exception {
    List<String> args = new ArrayList<>(List.of("sync-table", "--warehouse", warehouse.toString(),
        "--database", "lake", "--format", "iceberg,delta,paimon", "--commit-interval", "300ms",
        "--type-mapping", "time-to-string"));
    args.addAll(RunningSync.asFlags("--source-conf", RunningSync.sourceOptions(pg, DB, "mapping_slot", "times")));
    try (RunningSync sync = RunningSync.ofCommandLine(args.toArray(String[]::new))) {
      pg.execute(DB, "INSERT INTO times VALUES (3, '00:00:00.000001', '2024-02-29 12:00:00.5')",
          "UPDATE times SET t = '01:02:03' WHERE id = 2");
      Map<String, Map<String, String>> expected = Map.of(
          "1|", Map.of("id", "1", "t", "23:59:59.999999", "ts", "0001-01-01T00:00"),
          "2|", Map.of("id", "2", "t", "01:02:03.000000"),
          "3|", Map.of("id", "3", "t", "00:00:00.000001", "ts", "2024-02-29T12:00:00.500"));
      for (String format : RunningSync.ALL_FORMATS) {
        sync.await(format + " times with text times", () -> expected.equals(lakeRows(format, sync.location(format))));
        try (TableSink sink = Providers.sink(format).open(sync.location(format), Map.of(), Map.of())) {
          var schema = sink.find(new TableId("lake", "times")).orElseThrow().schema();
          assertEquals(DataType.STRING, schema.column("t").orElseThrow().type(), format);
          assertEquals(DataType.TIMESTAMP, schema.column("ts").orElseThrow().type(), format);
        }
      }
      assertEquals(0, sync.stop());
    }
  }

  @Test
  void anUnknownMappingIsAUsageErrorThatCreatesNothing() throws Exception {
    String expected = "Invalid value 'to-string,to-strng' for option 'type-mapping': 'to-strng' is not a type"
        + " mapping; the valid names are to-string, time-to-string (comma-separated). Fix: correct or remove it, e.g."
        + " --type-mapping time-to-string";
    List<String[]> commandLines = List.of(
        new String[] {"sync-table", "--warehouse", warehouse.toString(), "--type-mapping", "to-string,to-strng"},
        new String[] {"postgres_sync_table", "--warehouse", warehouse.toString(), "--database", "lake",
            "--table", "times", "--type_mapping", "to-string,to-strng"});
    for (String[] commandLine : commandLines) {
      List<String> args = new ArrayList<>(List.of(commandLine));
      String conf = commandLine[0].equals("sync-table") ? "--source-conf" : "--postgres_conf";
      args.addAll(RunningSync.asFlags(conf, RunningSync.sourceOptions(pg, DB, "bad_mapping", "times")));
      stderr.reset();
      int code = Main.execute(args.toArray(String[]::new));
      String message = stderr.text();
      assertEquals(ExitCode.USAGE, code, message);
      assertTrue(message.contains(expected), message);
    }
    try (var files = Files.list(warehouse)) {
      assertEquals(List.of(), files.toList(), "nothing is created in the lake");
    }
    try (Connection c = pg.connect(DB); ResultSet rs = c.createStatement().executeQuery(
        "SELECT (SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'bad_mapping')"
            + " + (SELECT count(*) FROM pg_publication WHERE pubname = 'bad_mapping_pub')")) {
      rs.next();
      assertEquals(0, rs.getInt(1), "nothing is created in the source");
    }
  }

  /** The table's rows by key, null values left out, or none while it cannot be read. */
  private static Map<String, Map<String, String>> lakeRows(String format, String location) {
    try {
      Map<String, Map<String, String>> rows = new java.util.TreeMap<>();
      TableComparison.lake(format, location, "lake", "times", "id").forEach((key, row) -> {
        Map<String, String> present = new java.util.HashMap<>(row);
        present.values().removeIf(java.util.Objects::isNull);
        rows.put(key, present);
      });
      return rows;
    } catch (Exception | AssertionError e) {
      return Map.of();
    }
  }
}
