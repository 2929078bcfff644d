package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.testkit.PostgresServer;
import java.nio.file.Files;
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
 * {@code changelake check} against a real PostgreSQL: every check with PASS or FAIL and its fix, exit code 3
 * on a failure, and nothing created (no slot, no publication, no warehouse folder).
 */
class CheckCommandTest {
  private static final String DB = "checked";

  @RegisterExtension
  static final PostgresExtension PG = new PostgresExtension();

  @TempDir
  Path dir;

  @BeforeAll
  static void tables() {
    PostgresServer pg = PG.server();
    pg.createDatabase(DB);
    pg.execute(DB, "CREATE TABLE items (id bigint PRIMARY KEY, name text)",
        "CREATE TABLE events (at timestamptz, what text)",
        "CREATE TABLE notes (body text)", "ALTER TABLE notes REPLICA IDENTITY FULL");
    pg.createRole(DB, "reader", "reader-pw-1");
  }

  @Test
  void passingChecksCreateNothing() throws Exception {
    Path warehouse = dir.resolve("lake");
    CommandResult result = check(options("items"), warehouse, "--mode", "upsert");

    assertEquals(0, result.code(), result::toString);
    assertEquals(List.of(
        "PASS  reachable, credentials accepted",
        "PASS  wal_level = logical",
        "PASS  REPLICATION privilege of role 'postgres'",
        "PASS  tables selected (table-name 'items')",
        "PASS  replica identity of the selected tables",
        "PASS  max_replication_slots has room for slot 'check_slot'",
        "PASS  replication slot 'check_slot' not lost",
        "PASS  replication slot 'check_slot' not in use",
        "PASS  table public.items has a key for --mode upsert",
        "PASS  warehouse " + warehouse + " writable",
        "All 10 checks passed."), lines(result.out()));
    assertNothingCreated(warehouse);
  }

  @Test
  void everyFailureIsShownWithItsFixAndExitCodeThree() throws Exception {
    Path notAFolder = Files.writeString(dir.resolve("file"), "x");
    Map<String, String> options = options("items|events");
    options.put("username", "reader");
    options.put("password", "reader-pw-1");

    CommandResult result = check(options, notAFolder.resolve("lake"));

    assertEquals(ExitCode.SOURCE, result.code(), result::toString);
    List<String> lines = lines(result.out());
    assertTrue(lines.contains("PASS  wal_level = logical"), result.out());
    assertTrue(lines.contains("FAIL  REPLICATION privilege of role 'reader'"), result.out());
    assertTrue(result.out().contains("ALTER ROLE \"reader\" WITH REPLICATION;"), result.out());
    assertTrue(lines.contains("FAIL  replica identity of the selected tables"), result.out());
    assertTrue(result.out().contains("\"public\".\"events\" have no primary key")
        || result.out().contains("public.events have no primary key"), result.out());
    assertTrue(lines.contains("FAIL  warehouse " + notAFolder.resolve("lake") + " writable"), result.out());
    assertFalse(result.out().contains("reader-pw-1"), "the password was shown");
    assertNothingCreated(notAFolder.resolve("lake"));
  }

  @Test
  void aTableWithoutKeyFailsInUpsertModeAndPassesInAppendMode() throws Exception {
    Path warehouse = dir.resolve("lake");
    CommandResult upsert = check(options("notes"), warehouse);
    CommandResult append = check(options("notes"), warehouse, "--mode", "append");

    assertEquals(ExitCode.SOURCE, upsert.code(), upsert::toString);
    assertTrue(upsert.out().contains("FAIL  table public.notes has a key for --mode upsert\n"
        + "      Table public.notes has no primary key"), upsert.out());
    assertEquals(0, append.code(), append::toString);
    assertTrue(append.out().contains("PASS  table public.notes has a key for --mode append"), append.out());
    assertNothingCreated(warehouse);
  }

  @Test
  void helpListsTheSyncFlags() {
    CommandResult help = CommandResult.run("check", "--help");

    assertEquals(0, help.code());
    for (String flag : List.of("--source-conf", "--source-conf-file", "--warehouse", "--mode", "--primary-keys",
        "--format")) {
      assertTrue(help.out().contains(flag), flag + " missing:\n" + help.out());
    }
  }

  private static Map<String, String> options(String tables) {
    return RunningSync.sourceOptions(PG.server(), DB, "check_slot", tables);
  }

  private static CommandResult check(Map<String, String> options, Path warehouse, String... more) {
    List<String> args = new ArrayList<>(List.of("check", "--warehouse", warehouse.toString()));
    args.addAll(RunningSync.asFlags("--source-conf", options));
    args.addAll(List.of(more));
    return CommandResult.run(args.toArray(String[]::new));
  }

  private static List<String> lines(String text) {
    return text.lines().filter(l -> l.startsWith("PASS") || l.startsWith("FAIL") || l.contains("checks")).toList();
  }

  /** No replication slot, no publication and no warehouse folder exist. */
  static void assertNothingCreated(Path warehouse) throws Exception {
    try (Connection c = PG.server().connect(DB); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM pg_replication_slots)"
            + " + (SELECT count(*) FROM pg_publication)")) {
      rs.next();
      assertEquals(0, rs.getInt(1), "a slot or publication was created");
    }
    assertFalse(Files.exists(warehouse), "the warehouse was created");
  }
}
