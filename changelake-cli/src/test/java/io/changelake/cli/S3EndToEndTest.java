package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.testkit.PostgresServer;
import io.changelake.testkit.S3Server;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code changelake sync-table} from PostgreSQL into an {@code s3://} warehouse on a real S3-compatible
 * server (S3Proxy over a local folder), every format at once, with the credentials in the process's AWS
 * environment variables; each table compared row by row with the source, and read back by the reading
 * commands. Wrong credentials and a missing bucket stop the sync with the bucket's name and the fix.
 */
class S3EndToEndTest {
  private static final String BUCKET = "e2e-lake";
  private static final String WAREHOUSE = "s3://" + BUCKET + "/lake";

  @RegisterExtension
  static final PostgresExtension POSTGRES = new PostgresExtension();

  private static S3Server s3;

  private final PostgresServer pg = POSTGRES.server();

  @TempDir
  Path logs;

  @BeforeAll
  static void startS3() {
    s3 = S3Server.start();
    s3.createBucket(BUCKET);
  }

  @AfterAll
  static void stopS3() {
    s3.close();
  }

  /** A sync-table command line into {@code warehouse}, every format; endpoint and keys left to the environment. */
  private List<String> syncArgs(String db, String slot, String warehouse) {
    List<String> args = new ArrayList<>(List.of("sync-table", "--warehouse", warehouse, "--database", "lake",
        "--commit-interval", "500ms", "--format", String.join(",", RunningSync.ALL_FORMATS)));
    args.addAll(RunningSync.asFlags("--catalog-conf", s3.addressing()));
    args.addAll(RunningSync.asFlags("--source-conf", RunningSync.sourceOptions(pg, db, slot, "products")));
    return args;
  }

  private void awaitEveryFormat(SyncProcess sync, String db) throws Exception {
    for (String format : RunningSync.ALL_FORMATS) {
      String location = LakeFormats.location(WAREHOUSE, format, true);
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (true) {
        try {
          TableComparison.assertSame(TableComparison.postgres(pg, db), "products", format, location, s3.options(),
              "lake", "products", "id");
          break;
        } catch (Exception | AssertionError e) {
          if (System.nanoTime() > deadline || !sync.isAlive()) {
            throw new AssertionError(format + " never equalled the source: " + e.getMessage() + "\n" + sync.log(), e);
          }
          Thread.sleep(500);
        }
      }
    }
  }

  @Test
  void everyFormatOnS3EqualsTheSourceAndTheReadingCommandsReadIt() throws Exception {
    String db = "s3sync";
    pg.createDatabase(db);
    pg.execute(db, "CREATE TABLE products (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2), added timestamptz)",
        "INSERT INTO products SELECT i, 'p' || i, i * 1.5, now() FROM generate_series(1, 100) i");
    SyncProcess sync = SyncProcess.start(logs.resolve("sync.log"), syncArgs(db, "s3_slot", WAREHOUSE), s3.environment());
    try {
      awaitEveryFormat(sync, db);
      pg.execute(db, "INSERT INTO products SELECT i, 'p' || i, i, now() FROM generate_series(101, 120) i",
          "UPDATE products SET price = price + 1 WHERE id % 3 = 0", "DELETE FROM products WHERE id % 10 = 0",
          "UPDATE products SET id = 10000 WHERE id = 1");
      awaitEveryFormat(sync, db);
      assertEquals(0, sync.stop(), sync.log());
    } finally {
      if (sync.isAlive()) {
        sync.kill();
      }
    }
    assertFalse(sync.fullLog().contains(S3Server.SECRET_KEY), "the secret key is never printed");
    assertTrue(Files.isDirectory(s3.file(WAREHOUSE + "/paimon/lake.db/products")), "files are in the bucket");

    List<String> read = new ArrayList<>(List.of("--warehouse", WAREHOUSE));
    read.addAll(RunningSync.asFlags("--catalog-conf", s3.options()));
    Output tables = command(read, "tables");
    for (String format : RunningSync.ALL_FORMATS) {
      assertTrue(tables.out().lines().anyMatch(l -> l.contains("lake.products") && l.contains(format)), tables.all());
    }
    long rows = TableComparison.source(pg, db, "products", "id").size();
    for (String format : RunningSync.ALL_FORMATS) {
      Output csv = command(read, "show", "lake.products", "--format", format, "--output", "csv", "--limit", "0");
      assertEquals(rows + 1, csv.out().lines().count(), format + ": header plus every row\n" + csv.all());
      assertFalse(csv.all().contains(S3Server.SECRET_KEY), csv.all());
    }
    Output count = command(read, "query", "--format", "paimon", "--output", "csv",
        "SELECT count(*) AS n, sum(price) AS total FROM lake.products");
    assertTrue(count.out().lines().anyMatch(l -> l.startsWith(rows + ",")), count.all());
    Output status = command(read, "status");
    assertTrue(status.out().startsWith("A sync keeps its status file only in a local warehouse folder"), status.all());
    Output snapshots = command(read, "snapshots", "lake.products", "--format", "iceberg");
    assertEquals(0, snapshots.code(), snapshots.all());
    assertTrue(snapshots.out().lines().filter(l -> l.contains("\"lsn\":")).count() >= 2,
        "the snapshot and the streamed commits, each with its source position\n" + snapshots.all());
    assertFalse((status.all() + snapshots.all() + tables.all()).contains(S3Server.SECRET_KEY));
  }

  @Test
  void refusedCredentialsAndAMissingBucketStopTheSyncWithTheFix() throws Exception {
    String db = "s3errors";
    pg.createDatabase(db);
    pg.execute(db, "CREATE TABLE products (id int PRIMARY KEY, name text)", "INSERT INTO products VALUES (1, 'a')");
    Map<String, String> wrong = new HashMap<>(s3.environment());
    wrong.put("AWS_SECRET_ACCESS_KEY", "not-the-secret-3b8e");
    SyncProcess refused = SyncProcess.start(logs.resolve("refused.log"), syncArgs(db, "s3_refused", WAREHOUSE), wrong);
    assertTrue(refused.waitFor(120_000), "a sync that cannot reach its warehouse stops\n" + refused.log());
    String log = refused.fullLog();
    assertEquals(ExitCode.TABLE, refused.exitValue(), log);
    assertTrue(log.contains("Error: Access to bucket '" + BUCKET + "' at " + s3.endpoint() + " was refused."), log);
    assertTrue(log.contains("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"), log);
    assertFalse(log.contains("not-the-secret-3b8e"), "the secret key is never printed");

    SyncProcess missing = SyncProcess.start(logs.resolve("missing.log"), syncArgs(db, "s3_missing", "s3://no-such-lake/w"),
        s3.environment());
    assertTrue(missing.waitFor(120_000), missing.log());
    log = missing.fullLog();
    assertEquals(ExitCode.TABLE, missing.exitValue(), log);
    assertTrue(log.contains("Error: Bucket 'no-such-lake' does not exist at " + s3.endpoint() + ". Create it"), log);
    assertFalse(log.contains(S3Server.SECRET_KEY), log);
    try (Connection connection = pg.connect(db); Statement statement = connection.createStatement();
        ResultSet slots = statement.executeQuery("SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 's3_%'")) {
      slots.next();
      assertEquals(0, slots.getInt(1), "no replication slot is created for a sync whose warehouse is unusable");
    }
  }

  private record Output(int code, String out, String err) {
    String all() {
      return "exit " + code + "\n" + out + err;
    }
  }

  private static Output command(List<String> common, String command, String... args) {
    List<String> line = new ArrayList<>(List.of(command));
    line.addAll(List.of(args));
    line.addAll(common);
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.execute(line.toArray(String[]::new));
      return new Output(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
  }
}
