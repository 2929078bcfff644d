package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.spi.WriteMode;
import io.changelake.testkit.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code changelake destroy} against a real PostgreSQL: refuses while the sync runs or another process reads
 * the slot, refuses without --yes when stdin is no terminal, then drops the slot and the publication changelake
 * created, and leaves a publication it did not create.
 */
class DestroyCommandTest {
  private static final String DB = "destroyed";

  @RegisterExtension
  static final PostgresExtension PG = new PostgresExtension();

  @TempDir
  Path dir;

  @BeforeAll
  static void tables() {
    PG.server().createDatabase(DB);
    PG.server().execute(DB, "CREATE TABLE items (id bigint PRIMARY KEY, name text)",
        "INSERT INTO items VALUES (1, 'one')");
  }

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
