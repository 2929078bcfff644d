package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.CommitKind;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableSink;
import io.changelake.api.spi.TableWriter;
import io.changelake.api.spi.WriteMode;
import io.changelake.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code changelake destroy} against a real PostgreSQL: refuses while the sync runs or another process reads
 * the slot, refuses without --yes when stdin is no terminal, then drops the slot and the publication changelake
 * created, and leaves a publication it did not create; with --drop-tables, drops the lake tables the pipeline wrote
 * in every format and its status file, and leaves another pipeline's tables.
 */
class DestroyCommandTest {
  private static final String DB = "destroyed";

  @RegisterExtension
  static final PostgresExtension PG = PostgresExtension.withDatabase(DB,
      "CREATE TABLE items (id bigint PRIMARY KEY, name text)", "INSERT INTO items VALUES (1, 'one')");

  @TempDir
  Path dir;

  @Test
  void refusesWhileInUseThenDropsSlotAndPublication() throws Exception {
    Map<String, String> options = RunningSync.sourceOptions(PG.server(), DB, "gone_slot", "items");
    Path lake = dir.resolve("lake");
    try (RunningSync sync = new RunningSync(RunningSync.request(options, lake.toString(), WriteMode.UPSERT,
        List.of()))) {
      sync.awaitMirrored(PG.server(), DB, "items", "id");
      CommandResult running = destroy(options, lake, "--yes");
      CommandResult slotRead = destroy(options, dir.resolve("elsewhere"), "--yes");

      assertEquals(ExitCode.SOURCE, running.code(), running::toString);
      assertTrue(running.err().contains("The sync of pipeline gone_slot runs (pid " + ProcessHandle.current().pid()
          + ")"), running.err());
      assertEquals(ExitCode.SOURCE, slotRead.code(), slotRead::toString);
      assertTrue(slotRead.err().contains("Replication slot 'gone_slot' is in use by another process (pid "),
          slotRead.err());
      assertEquals(List.of("gone_slot", "gone_slot_pub"), objects(), "something was dropped");
      assertEquals(0, sync.stop());
    }

    CommandResult unconfirmed = destroy(options, lake);
    assertEquals(ExitCode.USAGE, unconfirmed.code(), unconfirmed::toString);
    assertTrue(unconfirmed.err().contains("stdin is not a terminal. Add --yes"), unconfirmed.err());
    assertEquals(List.of("gone_slot", "gone_slot_pub"), objects(), "dropped without confirmation");

    CommandResult destroyed = destroy(options, lake, "--yes");
    assertEquals(0, destroyed.code(), destroyed::toString);
    assertEquals("Pipeline gone_slot created in the source: replication slot 'gone_slot', publication"
        + " 'gone_slot_pub'.\ndropped replication slot 'gone_slot'\ndropped publication 'gone_slot_pub'\n",
        destroyed.out());
    assertEquals(List.of(), objects());

    CommandResult again = destroy(options, lake, "--yes");
    assertEquals(0, again.code(), again::toString);
    assertTrue(again.out().startsWith("Nothing to drop in the postgres source for pipeline gone_slot"), again.out());
  }

  @Test
  void leavesAPublicationChangelakeDidNotCreate() throws Exception {
    PG.server().execute(DB, "CREATE PUBLICATION theirs FOR TABLE items");
    try {
    Map<String, String> options = RunningSync.sourceOptions(PG.server(), DB, "their_slot", "items");
    options.put("publication.name", "theirs");
    Path lake = dir.resolve("lake");
    try (RunningSync sync = new RunningSync(RunningSync.request(options, lake.toString(), WriteMode.UPSERT,
        List.of()))) {
      sync.awaitMirrored(PG.server(), DB, "items", "id");
      assertEquals(0, sync.stop());
    }

    CommandResult destroyed = destroy(options, lake, "--yes");

    assertEquals(0, destroyed.code(), destroyed::toString);
    assertTrue(destroyed.out().startsWith("Pipeline their_slot created in the source: replication slot 'their_slot'.\n"
        + "dropped replication slot 'their_slot'\nleft publication 'theirs': changelake did not create it"),
        destroyed.out());
    assertEquals(List.of("theirs"), objects());
    } finally {
      PG.server().execute(DB, "DROP PUBLICATION IF EXISTS theirs");
    }
  }

  @Test
  void dropTablesDropsOnlyThisPipelinesTablesAndItsStatusFile() throws Exception {
    Map<String, String> options = RunningSync.sourceOptions(PG.server(), DB, "tables_slot", "items");
    Path lake = dir.resolve("lake");
    try (RunningSync sync = new RunningSync(RunningSync.request(options, lake.toString(), WriteMode.UPSERT,
        List.of(), RunningSync.ALL_FORMATS))) {
      sync.awaitMirrored(PG.server(), DB, "items", "id");
      assertEquals(0, sync.stop());
    }
    TableId others = TableId.parse("lake.others");
    Map<String, TableSink> sinks = LakeFormats.openExisting(lake.toString(), RunningSync.ALL_FORMATS, Map.of());
    try {
      for (TableSink sink : sinks.values()) {
        SinkTable table = sink.open(others, new TableSchema(List.of(Column.of("id", DataType.LONG, false)),
            List.of("id")), WriteMode.UPSERT);
        try (TableWriter writer = table.newWriter()) {
          writer.insert(Row.of(1L));
          writer.commit(new CommitMetadata("0", true, "another_pipeline", CommitKind.STREAM, null));
        }
      }
    } finally {
      sinks.values().forEach(TableSink::close);
    }
    Path statusFile = lake.resolve(".changelake/status/tables_slot.json");
    assertTrue(Files.exists(statusFile), "the sync wrote its status file");

    CommandResult destroyed = destroy(options, lake, "--format", "iceberg,delta,paimon", "--drop-tables", "--yes");

    assertEquals(0, destroyed.code(), destroyed::toString);
    assertEquals("Pipeline tables_slot created in the source: replication slot 'tables_slot', publication"
        + " 'tables_slot_pub'.\n"
        + "Pipeline tables_slot wrote iceberg tables: lake.items.\n"
        + "Pipeline tables_slot wrote delta tables: lake.items.\n"
        + "Pipeline tables_slot wrote paimon tables: lake.items.\n"
        + "dropped replication slot 'tables_slot'\ndropped publication 'tables_slot_pub'\n"
        + "dropped iceberg table lake.items\ndropped delta table lake.items\ndropped paimon table lake.items\n"
        + "deleted the status file of pipeline tables_slot\n", destroyed.out());
    assertEquals(List.of(), objects());
    assertFalse(Files.exists(statusFile), "status file deleted");
    sinks = LakeFormats.openExisting(lake.toString(), RunningSync.ALL_FORMATS, Map.of());
    try {
      for (var entry : sinks.entrySet()) {
        assertEquals(List.of(others), entry.getValue().listTables(), entry.getKey() + ": the other pipeline's table"
            + " stays, this pipeline's is gone");
      }
    } finally {
      sinks.values().forEach(TableSink::close);
    }
    assertTrue(Files.list(lake.resolve("iceberg/lake")).noneMatch(p -> p.getFileName().toString().equals("items")),
        "iceberg table folder purged");
    assertFalse(Files.exists(lake.resolve("delta/lake/items")), "delta table folder deleted");
  }

  private static CommandResult destroy(Map<String, String> options, Path warehouse, String... more) {
    List<String> args = new ArrayList<>(List.of("destroy", "--warehouse", warehouse.toString()));
    args.addAll(RunningSync.asFlags("--source-conf", options));
    args.addAll(List.of(more));
    return CommandResult.run(args.toArray(String[]::new));
  }

  /** The slots and publications of the server, by name. */
  private static List<String> objects() throws Exception {
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
