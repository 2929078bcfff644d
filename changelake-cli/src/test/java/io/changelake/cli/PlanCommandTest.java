package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.changelake.api.model.Column;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code changelake plan} against a real PostgreSQL and every format: the plan creates nothing, and the lake tables a
 * sync with the same flags then creates have exactly the planned columns, types and keys; a second plan sees them
 * (position, schema changes to follow); a sync that would be refused exits with code 3 and the fix.
 */
class PlanCommandTest {
  private static final String DB = "planned";
  private static final String SLOT = "plan_slot";

  @RegisterExtension
  static final PostgresExtension PG = PostgresExtension.withDatabase(DB,
      "CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, price numeric(10,2), tags text[],"
          + " added timestamptz, qty smallint)",
      "INSERT INTO items VALUES (1, 'one', 9.50, '{a,b}', now(), 3)",
      "CREATE TABLE logs (at timestamptz, line text)", "ALTER TABLE logs REPLICA IDENTITY FULL");

  @TempDir
  Path dir;

  @Test
  void planEqualsWhatTheSyncCreatesThenSeesTheTables() throws Exception {
    Path warehouse = dir.resolve("lake");
    List<String> flags = flags("items", warehouse, "--format", "iceberg,delta,paimon",
        "--computed-column", "label=upper(name)", "--metadata-column", "op_ts");

    CommandResult planned = run("plan", flags, "--output", "json");

    assertEquals(0, planned.code(), planned::toString);
    JsonNode plan = StatusFile.JSON.readTree(planned.out());
    assertTrue(plan.get("valid").asBoolean(), planned.out());
    assertEquals(List.of("replication slot '" + SLOT + "': does not exist, created by the sync (pgoutput, with an"
        + " exported snapshot)", "publication '" + SLOT + "_pub': does not exist, created by the sync FOR TABLE"
        + " \"public\".\"items\""), strings(plan.get("sourceObjects")));
    assertEquals(3, plan.get("tables").size(), planned.out());
    assertEquals(List.of(), serverObjects(), "the plan created something in PostgreSQL");
    assertFalse(Files.exists(warehouse), "the plan created the warehouse");

    List<String> syncArgs = new ArrayList<>(List.of("sync-table"));
    syncArgs.addAll(flags);
    try (RunningSync sync = RunningSync.ofCommandLine(syncArgs.toArray(String[]::new))) {
      sync.await("every lake table's first commit", () -> committed(warehouse) == 3);
      assertEquals(0, sync.stop());
    }
    Map<String, TableSink> sinks = LakeFormats.openExisting(warehouse.toString(), RunningSync.ALL_FORMATS, Map.of());
    try {
      for (JsonNode table : plan.get("tables")) {
        assertEquals("public.items", table.get("source").asText());
        assertEquals("default.items", table.get("lake").asText());
        assertEquals("upsert", table.get("mode").asText());
        assertFalse(table.get("exists").asBoolean());
        SinkTable created = sinks.get(table.get("format").asText()).find(TableId.parse("default.items")).orElseThrow();
        assertEquals(describe(created.schema()), describe(table), "planned vs created " + table.get("format"));
      }
    } finally {
      sinks.values().forEach(TableSink::close);
    }

    PG.server().execute(DB, "ALTER TABLE items ADD COLUMN note text");
    try {
      CommandResult again = run("plan", flags);
      assertEquals(0, again.code(), again::toString);
      assertTrue(again.out().contains("public.items -> delta default.items (upsert, key id, unpartitioned)"),
          again.out());
      assertTrue(again.out().contains("  exists, at snapshot-done@"), again.out());
      assertTrue(again.out().contains("(pipeline " + SLOT + ")"), again.out());
      assertTrue(again.out().contains("  evolve: add column note string"), again.out());
      assertTrue(again.out().contains("replication slot '" + SLOT + "': exists, confirmed up to LSN "), again.out());
      assertTrue(again.out().contains("publication '" + SLOT + "_pub': exists, holds every selected table"),
          again.out());

      CommandResult otherMode = run("plan", flags, "--mode", "append");
      assertEquals(ExitCode.SOURCE, otherMode.code(), otherMode::toString);
      assertTrue(otherMode.out().contains("REFUSED: Lake table default.items (iceberg) was created in upsert mode;"
          + " this sync writes append mode. A table's mode never changes. Fix: --mode upsert"), otherMode.out());
    } finally {
      PG.server().execute(DB, "ALTER TABLE items DROP COLUMN note");
      run("destroy", List.of("--warehouse", warehouse.toString(), "--yes"), RunningSync.asFlags("--source-conf",
          RunningSync.sourceOptions(PG.server(), DB, SLOT, "items")).toArray(String[]::new));
    }
  }

  @Test
  void aTableWithoutKeyIsRefusedWithTheFix() throws Exception {
    Path warehouse = dir.resolve("lake");
    CommandResult refused = run("plan", flags("logs", warehouse));

    assertEquals(ExitCode.SOURCE, refused.code(), refused::toString);
    assertTrue(refused.out().contains("REFUSED: Table public.logs has no primary key, so upsert mode cannot tell"
        + " which row a change replaces."), refused.out());
    assertTrue(refused.out().contains("(2) --mode append"), refused.out());
    assertTrue(refused.out().contains("The sync would be refused (1 problem(s) above). Nothing was created."),
        refused.out());

    CommandResult append = run("plan", flags("logs", warehouse), "--mode", "append", "--output", "json");
    assertEquals(0, append.code(), append::toString);
    JsonNode columns = StatusFile.JSON.readTree(append.out()).get("tables").get(0).get("columns");
    List<String> names = new ArrayList<>();
    columns.forEach(c -> names.add(c.get("name").asText() + " " + c.get("origin").asText()));
    assertEquals(List.of("at source", "line source", "_change_op added", "_change_time added",
        "_change_position added"), names);
    assertEquals(List.of(), serverObjects(), "the plan created something in PostgreSQL");

    CommandResult oneName = run("plan", flags("items|logs", warehouse), "--mode", "append", "--table", "one",
        "--output", "json");
    assertEquals(ExitCode.SOURCE, oneName.code(), oneName::toString);
    assertEquals("[\"Source tables public.items and public.logs would both be mirrored to lake table default.one."
        + " Select one source table, or let each keep its own name.\"]",
        StatusFile.JSON.readTree(oneName.out()).get("problems").toString());
  }

  private List<String> flags(String tables, Path warehouse, String... more) {
    List<String> flags = new ArrayList<>(List.of("--warehouse", warehouse.toString()));
    flags.addAll(RunningSync.asFlags("--source-conf", RunningSync.sourceOptions(PG.server(), DB, SLOT, tables)));
    flags.addAll(List.of(more));
    return flags;
  }

  private static CommandResult run(String command, List<String> flags, String... more) {
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(flags);
    args.addAll(List.of(more));
    return CommandResult.run(args.toArray(String[]::new));
  }

  /** How many formats hold a committed lake table default.items. */
  private static int committed(Path warehouse) {
    Map<String, TableSink> sinks = LakeFormats.openExisting(warehouse.toString(), RunningSync.ALL_FORMATS, Map.of());
    try {
      return (int) sinks.values().stream().map(s -> s.find(TableId.parse("default.items")))
          .filter(t -> t.flatMap(SinkTable::lastCommit).isPresent()).count();
    } finally {
      sinks.values().forEach(TableSink::close);
    }
  }

  /** A lake schema as lines: name, type, nullability, key membership. */
  private static List<String> describe(TableSchema schema) {
    List<String> lines = new ArrayList<>();
    for (Column c : schema.columns()) {
      lines.add(c.name() + " " + c.type() + (c.nullable() ? "" : " not null")
          + (schema.primaryKey().contains(c.name()) ? " key" : ""));
    }
    return lines;
  }

  /** A planned table's columns as {@link #describe(TableSchema)} puts them. */
  private static List<String> describe(JsonNode table) {
    List<String> key = strings(table.get("key"));
    List<String> lines = new ArrayList<>();
    for (JsonNode c : table.get("columns")) {
      String name = c.get("name").asText();
      lines.add(name + " " + c.get("lakeType").asText() + (c.get("nullable").asBoolean() ? "" : " not null")
          + (key.contains(name) ? " key" : ""));
    }
    return lines;
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    Optional.ofNullable(array).ifPresent(a -> a.forEach(v -> values.add(v.asText())));
    return values;
  }

  /** The slots and publications of the server, by name. */
  private static List<String> serverObjects() throws Exception {
    List<String> names = new ArrayList<>();
    try (Connection c = PG.server().connect(DB); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT slot_name FROM pg_replication_slots UNION ALL"
            + " SELECT pubname FROM pg_publication ORDER BY 1")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }
}
