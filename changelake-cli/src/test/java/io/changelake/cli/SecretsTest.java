package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.testkit.PostgresServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Passwords kept off the command line, against a real PostgreSQL: from a file ({@code @FILE}), a
 * properties file of options, or an environment variable ({@code ${env:NAME}}). The syncs mirror
 * the table, and the secret appears in no output, log line, status file, lake file or help text. A
 * value that cannot be resolved is a usage error naming the option and the fix, and nothing is
 * created in the source or the lake.
 */
class SecretsTest {
  private static final String DB = "secrets";
  private static final String FILE_SECRET = "file-secret-93b1";
  /** Set by the surefire configuration of this module (pom.xml). */
  private static final String ENV_VARIABLE = "CHANGELAKE_TEST_SECRET";

  @RegisterExtension
  static final PostgresExtension POSTGRES = new PostgresExtension();

  @RegisterExtension
  final CapturedStderr err = new CapturedStderr();

  @TempDir
  Path dir;

  @BeforeAll
  static void rolesWithSecrets() {
    PostgresServer pg = POSTGRES.server();
    pg.createDatabase(DB);
    pg.execute(DB, "CREATE TABLE t (id int PRIMARY KEY, v text)",
        "INSERT INTO t SELECT i, 'row ' || i FROM generate_series(1, 20) i");
    String envSecret = System.getenv(ENV_VARIABLE);
    assertNotNull(envSecret, ENV_VARIABLE + " is set by this module's surefire configuration; run the test with Maven");
    pg.execute(DB, "CREATE ROLE fileuser LOGIN SUPERUSER PASSWORD '" + FILE_SECRET + "'",
        "CREATE ROLE envuser LOGIN SUPERUSER PASSWORD '" + envSecret + "'");
  }

  private static PostgresServer pg() {
    return POSTGRES.server();
  }

  private Path write(String name, String content) throws Exception {
    return Files.writeString(dir.resolve(name), content);
  }

  /** A properties file of connection options for {@code username}, with {@code passwordLine} as its last line. */
  private Path credentials(String name, String username, String passwordLine) throws Exception {
    return write(name, "# connection of the secrets test\nhostname=" + pg().host() + "\nport=" + pg().port()
        + "\nusername=" + username + "\ndatabase-name=" + DB + "\n" + passwordLine + "\n");
  }

  @Test
  void passwordFileOverridesTheCredentialsFile() throws Exception {
    Path credentials = credentials("cdc-credentials.properties", "fileuser", "password=not-the-password");
    Path password = write("pg-password", FILE_SECRET + "\n");
    Path warehouse = dir.resolve("lake-file");
    try (RunningSync sync = RunningSync.ofCommandLine("sync-table", "--warehouse", warehouse.toString(),
        "--database", "lake", "--source-conf-file", credentials.toString(), "--source-conf", "password=@" + password,
        "--source-conf", "table-name=t", "--source-conf", "slot.name=secrets_file",
        "--source-conf", "publication.name=secrets_file_pub", "--commit-interval", "300ms")) {
      sync.awaitMirrored(pg(), DB, "t", "id");
      pg().execute(DB, "INSERT INTO t VALUES (21, 'streamed')", "UPDATE t SET v = 'changed' WHERE id = 1");
      sync.awaitMirrored(pg(), DB, "t", "id");
      assertEquals(0, sync.stop());
      assertTrue(err.text().contains("Starting pipeline secrets_file: postgres {") && err.text()
          .contains("password=******"), "the printed configuration, password masked:\n" + err);
      assertNoSecret(FILE_SECRET, sync.output.toString(), warehouse, "sync-table");
    }
  }

  @Test
  void environmentVariableInThePaimonStyleOptionsFile() throws Exception {
    String secret = System.getenv(ENV_VARIABLE);
    Path credentials = credentials("pg.properties", "envuser", "password=${env:" + ENV_VARIABLE + "}");
    Path warehouse = dir.resolve("lake-env");
    try (RunningSync sync = RunningSync.ofCommandLine("postgres_sync_table", "--warehouse", warehouse.toString(),
        "--database", "lake", "--postgres_conf_file", credentials.toString(), "--postgres_conf", "table-name=t",
        "--postgres_conf", "slot.name=secrets_env", "--postgres_conf", "publication.name=secrets_env_pub",
        "--checkpointing-interval", "300")) {
      sync.awaitMirrored(pg(), DB, "t", "id");
      pg().execute(DB, "DELETE FROM t WHERE id = 2");
      sync.awaitMirrored(pg(), DB, "t", "id");
      assertEquals(0, sync.stop());
      assertTrue(err.text().contains("password=******"), err.text());
      assertNoSecret(secret, sync.output.toString(), warehouse, "postgres_sync_table");
    }
  }

  @Test
  void wrongPasswordFromAFileIsNotShown() throws Exception {
    Path password = write("wrong", "wrong-secret-55\n");
    Result r = run("sync-table", "--warehouse", dir.resolve("lake-wrong").toString(), "--source-conf",
        "hostname=" + pg().host(), "--source-conf", "port=" + pg().port(), "--source-conf", "username=fileuser",
        "--source-conf", "password=@" + password, "--source-conf", "database-name=" + DB);
    assertEquals(ExitCode.SOURCE, r.code(), r.err());
    assertTrue(r.err().toLowerCase().contains("authentication"), r.err());
    assertFalse(r.err().contains("wrong-secret-55"), r.err());
  }

  @Test
  void missingPasswordFile() throws Exception {
    String missing = dir.resolve("absent").toString();
    assertRefused(syncTable("password=@" + missing), "postgres option 'password'", "'" + missing + "'",
        "(no such file)", "correct the path after '@'", "'@@...'");
  }

  @Test
  void unreadablePasswordFile() throws Exception {
    // a directory: unreadable as a file even for root, who reads files whatever their permissions
    assertRefused(syncTable("password=@" + dir), "postgres option 'password'", "(it is a directory)");
  }

  @Test
  void unsetEnvironmentVariable() throws Exception {
    assertRefused(syncTable("password=${env:CHANGELAKE_TEST_UNSET}"), "postgres option 'password'",
        "environment variable 'CHANGELAKE_TEST_UNSET', which is not set", "export CHANGELAKE_TEST_UNSET=...");
  }

  @Test
  void missingOptionsFiles() throws Exception {
    String missing = dir.resolve("absent.properties").toString();
    List<String> args = new ArrayList<>(List.of(syncTable("password=" + pg().password())));
    args.addAll(List.of("--source-conf-file", missing));
    assertRefused(args.toArray(String[]::new), "Cannot read --source-conf-file '" + missing + "' (no such file)",
        "Give the path of a readable properties file");
    assertRefused(new String[] {"postgres_sync_table", "--warehouse", dir.resolve("refused").toString(),
        "--database", "lake", "--postgres_conf_file", missing, "--postgres_conf", "hostname=" + pg().host(),
        "--postgres_conf", "port=" + pg().port(), "--postgres_conf", "username=" + pg().username(),
        "--postgres_conf", "password=" + pg().password(), "--postgres_conf", "database-name=" + DB,
        "--postgres_conf", "slot.name=refused_slot", "--postgres_conf", "publication.name=refused_pub"},
        "Cannot read --postgres_conf_file '" + missing + "' (no such file)");
  }

  /** A sync-table command line that would start a sync, but for {@code password}. */
  private String[] syncTable(String password) {
    return new String[] {"sync-table", "--warehouse", dir.resolve("refused").toString(), "--database", "lake",
        "--source-conf", "hostname=" + pg().host(), "--source-conf", "port=" + pg().port(),
        "--source-conf", "username=" + pg().username(), "--source-conf", password,
        "--source-conf", "database-name=" + DB, "--source-conf", "table-name=t",
        "--source-conf", "slot.name=refused_slot", "--source-conf", "publication.name=refused_pub"};
  }

  private record Result(int code, String err) { }

  private Result run(String... args) {
    err.reset();
    int code = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Main.execute(args),
        "the command started a sync instead of refusing");
    return new Result(code, err.text());
  }

  /** Exit code 2 with each of {@code expected} in the message, and no slot, publication or lake file. */
  private void assertRefused(String[] args, String... expected) throws Exception {
    Result r = run(args);
    assertEquals(ExitCode.USAGE, r.code(), r.err());
    for (String part : expected) {
      assertTrue(r.err().contains(part), "expected '" + part + "' in:\n" + r.err());
    }
    assertTrue(r.err().contains("--help' for usage"), r.err());
    assertEquals(0, count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'refused_slot'"), "slot");
    assertEquals(0, count("SELECT count(*) FROM pg_publication WHERE pubname = 'refused_pub'"), "publication");
    assertFalse(Files.exists(dir.resolve("refused")), "nothing may be written to the warehouse");
  }

  private static long count(String sql) throws Exception {
    try (Connection c = pg().connect(DB); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * {@code secret} is in none of: the sync's output, the logs and errors (stderr), the help of
   * {@code command}, and any file under the warehouse (status file, metadata, data).
   */
  private void assertNoSecret(String secret, String output, Path warehouse, String command) throws Exception {
    assertFalse(output.contains(secret), output);
    assertFalse(err.text().contains(secret), err.text());
    StringWriter help = new StringWriter();
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(help));
    cli.execute(command, "--help");
    assertTrue(help.toString().contains("@FILE") && help.toString().contains("${env:NAME}"), help.toString());
    assertFalse(help.toString().contains(secret), help.toString());
    List<Path> files;
    try (var walk = Files.walk(warehouse)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertTrue(files.stream().anyMatch(f -> f.toString().contains(".changelake/status/")), "a status file: " + files);
    for (Path file : files) {
      String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      assertFalse(content.contains(secret), file + " holds the secret");
    }
  }
}
