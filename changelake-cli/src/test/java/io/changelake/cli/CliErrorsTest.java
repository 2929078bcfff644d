package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.testkit.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Each problem a user can make gets a clear message, a non-zero exit code, no password, and no lake table. */
class CliErrorsTest {
  private static final String DB = "errs";

  @RegisterExtension
  static final PostgresExtension POSTGRES = new PostgresExtension();

  private final PostgresServer pg = POSTGRES.server();

  @TempDir
  Path warehouse;

  @BeforeAll
  static void createDatabase() {
    PostgresServer pg = POSTGRES.server();
    pg.createDatabase(DB);
    pg.execute(DB, "CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'a')");
    pg.execute(DB, "CREATE ROLE norepl LOGIN PASSWORD 'norepl-secret'", "GRANT SELECT ON t TO norepl");
  }

  private record Result(int code, String err) { }

  private Result run(String... extra) {
    List<String> args = new ArrayList<>(List.of("sync-table", "--warehouse", warehouse.toString(), "--database", "lake",
        "--source-conf", "hostname=" + pg.host(), "--source-conf", "database-name=" + DB,
        "--source-conf", "slot.name=errs_slot"));
    args.addAll(List.of(extra));
    PrintStream originalErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.execute(args.toArray(String[]::new));
      return new Result(code, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(originalErr);
    }
  }

  private void assertNothingWritten() throws Exception {
    try (var files = Files.walk(warehouse)) {
      assertFalse(files.anyMatch(p -> p.toString().endsWith(".metadata.json")), "no lake table may be created");
    }
  }

  private String port() {
    return "port=" + pg.port();
  }

  @Test
  void unreachableDatabase() throws Exception {
    Result r = run("--source-conf", "port=1", "--source-conf", "username=postgres", "--source-conf", "password=hunter2");
    assertEquals(ExitCode.SOURCE, r.code(), r.err());
    assertTrue(r.err().contains(":1") || r.err().contains("port 1"), r.err());
    assertFalse(r.err().contains("hunter2"), r.err());
    assertNothingWritten();
  }

  @Test
  void authenticationFailure() throws Exception {
    Result r = run("--source-conf", port(), "--source-conf", "username=postgres", "--source-conf", "password=wrong-pass");
    assertEquals(ExitCode.SOURCE, r.code(), r.err());
    assertTrue(r.err().toLowerCase().contains("authentication") || r.err().toLowerCase().contains("password"), r.err());
    assertFalse(r.err().contains("wrong-pass"), r.err());
    assertNothingWritten();
  }

  @Test
  void missingReplicationPrivilege() throws Exception {
    Result r = run("--source-conf", port(), "--source-conf", "username=norepl", "--source-conf", "password=norepl-secret",
        "--source-conf", "table-name=t");
    assertEquals(ExitCode.SOURCE, r.code(), r.err());
    assertTrue(r.err().contains("REPLICATION"), r.err());
    assertFalse(r.err().contains("norepl-secret"), r.err());
    assertNothingWritten();
  }

  @Test
  void unknownTable() throws Exception {
    Result r = run("--source-conf", port(), "--source-conf", "username=" + pg.username(),
        "--source-conf", "password=" + pg.password(), "--source-conf", "table-name=nosuch");
    assertEquals(ExitCode.SOURCE, r.code(), r.err());
    assertTrue(r.err().contains("nosuch"), r.err());
    assertNothingWritten();
  }

  @Test
  void malformedFlags() throws Exception {
    Result r = run("--source-conf", "prot=5432");
    assertEquals(ExitCode.USAGE, r.code(), r.err());
    assertTrue(r.err().contains("Did you mean 'port'?"), r.err());
    r = run("--commit-interval", "soon");
    assertEquals(ExitCode.USAGE, r.code(), r.err());
    assertTrue(r.err().contains("--commit-interval"), r.err());
    r = run("--mode", "merge");
    assertEquals(ExitCode.USAGE, r.code(), r.err());
    assertTrue(r.err().contains("upsert or append"), r.err());
    r = run("--maintenance-conf", "retain-last=0");
    assertEquals(ExitCode.USAGE, r.code(), r.err());
    assertTrue(r.err().contains("retain-last"), r.err());
    assertNothingWritten();
  }
}
