package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.spi.TableSnapshot;
import io.changelake.api.spi.WriteMode;
import io.changelake.source.mysql.MysqlPosition;
import io.changelake.testkit.MariaDbServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * MySQL / MariaDB into every table format through the command, against a real MariaDB 11.4: each lake
 * table is compared with the source table row by row ({@link MysqlRows}, {@link TableComparison}) after
 * the snapshot, binlog streaming, a stop and resume, TRUNCATE, schema changes and kill -9 rounds.
 */
class MysqlEndToEndTest {
  private static final String DB = "shop";
  private static final int PARTS = 60_000;
  private static MariaDbServer db;
  private static TableComparison.SourceRows source;

  @TempDir
  Path warehouse;

  @RegisterExtension
  final CapturedStderr stderr = new CapturedStderr();

  @BeforeAll
  static void startServer() {
    db = MariaDbServer.start();
    db.createDatabase(DB);
    source = MysqlRows.of(db, DB);
  }

  @AfterAll
  static void stopServer() {
    if (db != null) {
      db.close();
    }
  }

  private static Map<String, String> options(String tables) {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("hostname", db.host());
    options.put("port", String.valueOf(db.port()));
    options.put("username", MariaDbServer.REPLICATOR);
    options.put("password", MariaDbServer.REPLICATOR_PASSWORD);
    options.put("database-name", DB);
    options.put("table-name", tables);
    return options;
  }

  private RunningSync sync(String tables) {
    return sync(options(tables));
  }

  private RunningSync sync(Map<String, String> options) {
    return new RunningSync(RunningSync.request("mysql", options, warehouse.toString(), WriteMode.UPSERT, List.of(),
        RunningSync.ALL_FORMATS));
  }

  private static final String COLUMNS = "id, tiu, si, miu, iu, i, bi, biu, d, dbig, f, dd, dt, dtm, ts, tm, y, b1, b12,"
      + " e, s, j, c, vc, tx, bn, vb, bl, g";

  private static String rows(int from) {
    return rows(from, COLUMNS);
  }

  /**
   * Rows {@code from..from+2} of every type into {@code columns}, written in a session that accepts zero
   * dates (and cuts values to their column's size), as an application on an old sql_mode would.
   */
  private static String rows(int from, String columns) {
    return "SET SESSION sql_mode = ''; INSERT INTO types (" + columns + ") VALUES"
        + " (" + from + ", 255, -32768, 16777215, 4294967295, -2147483648, -9223372036854775808,"
        + " 18446744073709551615, -123456789.125, '-99999999999999999999999999999999999.000000000000000000000000000001',"
        + " 0.1, 1e-300, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '-838:59:58.000001', 0, b'1',"
        + " b'100000000001', 'green', 'a,c', '{\"k\": [1, \"ü\"]}', 'ab', 'emoji 😀 ok', REPEAT('long ', 3000),"
        + " x'01', x'00ff', x'cafebabe', POINT(1, 2)),"
        + " (" + (from + 1) + ", 0, 32767, 0, 0, 2147483647, 9223372036854775807, 9223372036854775808, 0.5,"
        + " '0.000000000000000000000000000001', -3.4e38, -1.7976931348623157e308, '2024-02-29',"
        + " '2024-02-29 23:59:59.999999', '2038-01-19 03:14:07.499999', '838:59:59', 2155, b'0', b'0', 'red', '',"
        + " '[]', '', '', '', x'', x'', x'', ST_GeomFromText('POLYGON((0 0,2 0,2 2,0 0))')),"
        + " (" + (from + 2) + ", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
        + " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)";
  }

  @Test
  void everyTypeThroughSnapshotBinlogRestartTruncateAndSchemaChangesInEveryFormat() throws Exception {
    db.execute(DB, "CREATE TABLE types (id int primary key, tiu tinyint unsigned, si smallint,"
        + " miu mediumint unsigned, iu int unsigned, i int, bi bigint, biu bigint unsigned, d decimal(12,3),"
        + " dbig decimal(65,30), f float, dd double, dt date, dtm datetime(6), ts timestamp(6) NULL DEFAULT NULL,"
        + " tm time(6), y year, b1 bit(1), b12 bit(12), e enum('red','green'), s set('a','b','c'), j json,"
        + " c char(4), vc varchar(30), tx mediumtext, bn binary(3), vb varbinary(8), bl blob, g geometry)",
        rows(1));
    try (RunningSync sync = sync("types")) {
      sync.awaitMirrored(source, "types", "id");
      db.execute(DB, rows(101), "UPDATE types SET vc = 'changed ✓', ts = '2001-02-03 04:05:06.7', b12 = b'111'"
          + " WHERE id = 2", "DELETE FROM types WHERE id = 3");
      sync.awaitMirrored(source, "types", "id");
      assertEquals(0, sync.stop());
    }
    db.execute(DB, rows(201), "UPDATE types SET dbig = 1, tm = '-00:00:00.5' WHERE id = 101",
        "DELETE FROM types WHERE id = 102");
    try (RunningSync sync = sync("types")) {
      sync.awaitMirrored(source, "types", "id");
      db.execute(DB, "TRUNCATE TABLE types", rows(301));
      sync.awaitMirrored(source, "types", "id");
      db.execute(DB, "ALTER TABLE types ADD COLUMN extra varchar(10)", "UPDATE types SET extra = 'x' WHERE id = 301",
          "ALTER TABLE types DROP COLUMN tx", "ALTER TABLE types MODIFY COLUMN i bigint",
          "ALTER TABLE types RENAME COLUMN vc TO title", "UPDATE types SET i = 5000000000, title = 't' WHERE id = 302",
          rows(401, COLUMNS.replace("vc, tx", "title, extra")),
          // a renamed column is a new lake column (the old one null from then on): filled as rows change
          "UPDATE types SET extra = 'y' WHERE id < 400");
      sync.awaitMirrored(source, "types", "id");
    }
  }

  @Test
  void killNineDuringSnapshotAndBinlogStreamingLosesAndDuplicatesNothing() throws Exception {
    db.execute(DB, "CREATE TABLE ledger (id bigint primary key, account int, amount decimal(12,2), note varchar(20))",
        "INSERT INTO ledger SELECT seq, seq % 1000, seq / 100, CONCAT('n', seq) FROM seq_1_to_80000",
        "ANALYZE TABLE ledger");
    AtomicBoolean writing = new AtomicBoolean(true);
    Thread writer = new Thread(() -> writeContinuously(writing, MysqlEndToEndTest::ledgerTransaction), "source-writer");
    writer.start();
    Path log = warehouse.resolveSibling(warehouse.getFileName() + "-mysql-sync.log");
    Random random = new Random(13);
    try {
      for (int round = 0; round < 3; round++) {
        SyncProcess sync = SyncProcess.start(log, syncArgs(options("ledger")));
        if (round == 0) {
          // die inside the initial snapshot, once 20,000 rows (--max-pending-changes: a commit) went through
          assertTrue(sync.awaitLog("Snapshot lake.ledger: [1-9]\\d,\\d{3} rows", 60_000),
              () -> "no snapshot progress:\n" + sync.log());
          sync.kill();
          assertFalse(sync.log().contains("Initial snapshot read"), () -> "killed after the snapshot:\n" + sync.log());
        } else {
          int before = icebergSnapshots();
          Instant deadline = Instant.now().plusSeconds(60);
          while (icebergSnapshots() <= before && Instant.now().isBefore(deadline) && sync.isAlive()) {
            Thread.sleep(100);
          }
          assertTrue(sync.isAlive() && icebergSnapshots() > before, () -> "no commit in round:\n" + sync.log());
          Thread.sleep(random.nextInt(1500));
        }
        sync.kill();
        TableComparison.findLakeTable(iceberg(), "lake", "ledger")
            .ifPresent(table -> SyncEndToEndTest.assertNoTimeTravelBackwards(table, "mysql"));
      }
    } finally {
      writing.set(false);
      writer.join();
    }
    SyncProcess last = SyncProcess.start(log, syncArgs(options("ledger")));
    int exit;
    try {
      for (String format : RunningSync.ALL_FORMATS) {
        String location = LakeFormats.location(warehouse.toString(), format, true);
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)
            && !TableComparison.same(source, "ledger", format, location, "lake", "ledger", "id")) {
          Thread.sleep(300);
        }
        TableComparison.assertSame(source, "ledger", format, location, "lake", "ledger", "id");
      }
    } finally {
      exit = last.stop();
    }
    assertEquals(0, exit, () -> "SIGTERM must commit what is in flight and exit 0:\n" + last.log());
    SyncEndToEndTest.assertNoTimeTravelBackwards(TableComparison.lakeTable(iceberg(), "lake", "ledger"), "mysql");
  }

  private List<String> syncArgs(Map<String, String> options) {
    List<String> args = new ArrayList<>(List.of("sync-table", "--source", "mariadb", "--warehouse",
        warehouse.toString(), "--database", "lake", "--commit-interval", "500ms", "--max-pending-changes", "20000",
        "--format",
        String.join(",", RunningSync.ALL_FORMATS)));
    args.addAll(RunningSync.asFlags("--source-conf", options));
    return args;
  }

  private String iceberg() {
    return LakeFormats.location(warehouse.toString(), "iceberg", true);
  }

  private int icebergSnapshots() {
    return TableComparison.findLakeTable(iceberg(), "lake", "ledger")
        .map(table -> (int) java.util.stream.StreamSupport.stream(table.snapshots().spliterator(), false).count())
        .orElse(0);
  }

  /** Ledger transactions: an update, an insert and a delete. */
  private static String ledgerTransaction(Random random, long n) {
    return "START TRANSACTION; UPDATE ledger SET amount = amount + 1 WHERE id = " + (1 + random.nextInt(80000))
        + "; INSERT INTO ledger VALUES (" + (1_000_000 + n) + ", 1, 1, 'tx'); DELETE FROM ledger WHERE id = "
        + (1 + random.nextInt(80000)) + "; COMMIT";
  }

  /** Runs {@code transaction(random, n)} for n = 0, 1, ... until {@code writing} turns false. */
  private static void writeContinuously(AtomicBoolean writing, BiFunction<Random, Long, String> transaction) {
    Random random = new Random(7);
    try (Connection c = db.connect(DB); Statement s = c.createStatement()) {
      for (long n = 0; writing.get(); n++) {
        s.execute(transaction.apply(random, n));
        Thread.sleep(5);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aTableAddedToARunningSyncIsCopiedAloneWhileTheOthersStream() throws Exception {
    db.execute(DB, "CREATE TABLE accounts (id bigint PRIMARY KEY, owner varchar(40) NOT NULL, balance decimal(14,2))",
        "CREATE TABLE parts (code varchar(20) COLLATE utf8mb4_general_ci, n int, qty int, note varchar(40),"
            + " PRIMARY KEY (code, n))",
        "INSERT INTO accounts SELECT seq, CONCAT('owner', seq), seq FROM seq_1_to_2000",
        "INSERT INTO parts SELECT ELT(1 + seq % 4, 'apple', 'Banana', 'éclair', '😀'), seq, seq % 100, 'initial'"
            + " FROM seq_1_to_" + PARTS);
    try (RunningSync first = sync("accounts")) {
      first.awaitMirrored(source, "accounts", "id");
      assertEquals(0, first.stop());
    }
    db.execute(DB, "UPDATE accounts SET balance = balance + 1 WHERE id <= 100"); // while no sync runs

    Map<String, String> widenedOptions = options("accounts|parts");
    widenedOptions.put("scan.incremental.snapshot.chunk.size", "5000"); // keyset chunks of the composite key
    AtomicBoolean writing = new AtomicBoolean(true);
    Thread writer = new Thread(() -> writeContinuously(writing, MysqlEndToEndTest::partsTransaction), "writer");
    writer.start();
    Instant restarted;
    try {
      SyncProcess killed = SyncProcess.start(warehouse.resolveSibling(warehouse.getFileName() + "-copy.log"),
          syncArgs(widenedOptions));
      assertTrue(killed.awaitLog("Copying \\[shop.parts\\] alone as of binlog", 90_000),
          () -> "no copy:\n" + killed.log());
      Thread.sleep(300 + new Random(3).nextInt(500));
      assertFalse(killed.fullLog().contains("Copied shop.parts alone into"),
          () -> "the copy ended before the kill:\n" + killed.log());
      killed.kill();
      restarted = Instant.now();
      try (RunningSync widened = sync(widenedOptions)) {
        widened.await("parts to be copied", () -> hasPipelineCommit("parts"));
        Thread.sleep(500);
        writing.set(false);
        writer.join();
        widened.awaitMirrored(source, "accounts", "id");
        widened.awaitMirrored(source, "parts", "code,n");
        db.execute(DB, "UPDATE parts SET note = 'after the copy' WHERE n <= 10", "DELETE FROM accounts WHERE id = 2000");
        widened.awaitMirrored(source, "parts", "code,n");
        widened.awaitMirrored(source, "accounts", "id");
        assertEquals(0, widened.stop());
      }
    } finally {
      writing.set(false);
      writer.join();
    }
    for (String format : RunningSync.ALL_FORMATS) {
      List<TableSnapshot> accounts = PipelineCommits.of(format, location(format), "accounts");
      List<TableSnapshot> parts = PipelineCommits.of(format, location(format), "parts");
      assertEquals(1, PipelineCommits.snapshotEnds(accounts, MysqlPosition::parse),
          format + " accounts was snapshotted once, never again: " + accounts);
      assertEquals(0, PipelineCommits.snapshotEnds(parts, MysqlPosition::parse),
          format + " parts was copied at a binlog position: " + parts);
      Instant partsFirst = parts.get(0).committedAt();
      assertTrue(accounts.stream().anyMatch(s -> s.committedAt().isAfter(restarted)
          && s.committedAt().isBefore(partsFirst)), format + ": accounts streamed while parts was copied");
    }
  }

  private String location(String format) {
    return LakeFormats.location(warehouse.toString(), format, true);
  }

  /** Whether the Iceberg table of {@code table} holds a commit of the sync. */
  private boolean hasPipelineCommit(String table) {
    try {
      return !PipelineCommits.of("iceberg", location("iceberg"), table).isEmpty();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Both tables change: parts before its copy reads the rows or after. */
  private static String partsTransaction(Random random, long n) {
    int part = 1 + random.nextInt(PARTS);
    return "START TRANSACTION; UPDATE parts SET qty = qty + 1, note = 'w' WHERE n = " + part + ";"
        + " INSERT INTO parts VALUES ('new', " + n + ", 0, NULL); DELETE FROM parts WHERE n = "
        + (1 + random.nextInt(PARTS)) + "; UPDATE accounts SET balance = balance + 1 WHERE id = "
        + (1 + random.nextInt(1999)) + "; COMMIT";
  }

  @Test
  void mysqlSyncTableRunsAndARowlessBinlogIsRefusedWithTheFix() throws Exception {
    db.execute(DB, "CREATE TABLE items (id int primary key, name varchar(20), price decimal(8,2))",
        "INSERT INTO items VALUES (1, 'pen', 1.50), (2, 'ink', 7.25)");
    List<String> action = new ArrayList<>(List.of("mysql_sync_table", "--warehouse", warehouse.toString(),
        "--database", "lake", "--table", "items", "--checkpointing-interval", "300", "--catalog_conf",
        "metastore=filesystem"));
    action.addAll(RunningSync.asFlags("--mysql_conf", options("items")));
    try (RunningSync sync = RunningSync.ofCommandLine(action.toArray(String[]::new))) {
      sync.awaitMirrored(source, "items", "id");
      db.execute(DB, "UPDATE items SET price = 8 WHERE id = 2", "INSERT INTO items VALUES (3, 'nib', 0.99)");
      sync.awaitMirrored(source, "items", "id");
    }
    db.execute(null, "SET GLOBAL binlog_format = STATEMENT");
    try {
      List<String> args = new ArrayList<>(List.of("sync-table", "--source", "mysql", "--warehouse",
          warehouse.resolve("refused").toString(), "--database", "lake"));
      args.addAll(RunningSync.asFlags("--source-conf", options("items")));
      stderr.reset();
      assertEquals(ExitCode.SOURCE, Main.execute(args.toArray(String[]::new)));
      assertTrue(stderr.text().contains("binlog_format=STATEMENT") && stderr.text().contains(
          "Fix: SET GLOBAL binlog_format=ROW"), stderr.text());
      assertFalse(stderr.text().contains(MariaDbServer.REPLICATOR_PASSWORD), "no password in messages");
    } finally {
      db.execute(null, "SET GLOBAL binlog_format = ROW");
    }
  }
}
