package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.testkit.PostgresServer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.StreamSupport;

/**
 * The set-up of the kill -9 tests: two PostgreSQL tables ({@code accounts}, {@code ledger}) that a writer
 * changes continuously in mixed transactions, and {@code sync-table} processes that mirror both into
 * Iceberg, Delta and Paimon in one warehouse and are killed at random moments.
 */
final class KillNineRig {
  private static final List<String> TABLES = List.of("accounts", "ledger");
  private final PostgresServer pg;
  private final String db;
  private final Path warehouse;
  private final AtomicBoolean writing = new AtomicBoolean();
  private Thread writer;
  private long nextId = 1_000_000;
  private final Random writes = new Random(7);

  KillNineRig(PostgresServer pg, String db, Path warehouse) {
    this.pg = pg;
    this.db = db;
    this.warehouse = warehouse;
  }

  /** Creates database {@code db} with 20,000 accounts and 10,000 ledger rows. */
  void createTables() {
    pg.createDatabase(db);
    pg.execute(db,
        "CREATE TABLE accounts (id bigint PRIMARY KEY, owner text NOT NULL, balance numeric(14,2), touched timestamptz)",
        "CREATE TABLE ledger (id bigint PRIMARY KEY, account bigint, amount numeric(14,2), note text)",
        "INSERT INTO accounts SELECT i, 'owner' || i, i * 10, now() FROM generate_series(1, 20000) i",
        "INSERT INTO ledger SELECT i, i % 1000, i / 100.0, 'n' || i FROM generate_series(1, 10000) i");
  }

  /** Starts a {@code sync-table} process of both tables (slot {@code <db>_slot}). */
  SyncProcess startSync() throws Exception {
    return SyncProcess.startSyncTable(warehouse, RunningSync.sourceOptions(pg, db, db + "_slot", "accounts|ledger"));
  }

  /** Starts changing both tables continuously (an update, two inserts and a delete per transaction). */
  void startWriting() {
    writing.set(true);
    writer = new Thread(() -> {
      while (writing.get()) {
        long id = 1 + writes.nextInt(20000);
        long ledgerId = nextId++;
        pg.execute(db, "BEGIN; UPDATE accounts SET balance = balance + 1, touched = now() WHERE id = " + id + ";"
            + " INSERT INTO ledger VALUES (" + ledgerId + ", " + id + ", 1, 'tx');"
            + " DELETE FROM ledger WHERE id = " + (1 + writes.nextInt(10000)) + ";"
            + " INSERT INTO accounts VALUES (" + (ledgerId + 100000) + ", 'new', 0, now());"
            + " COMMIT;");
      }
    }, "source-writer");
    writer.start();
  }

  /** Stops the writer after its transaction in progress. */
  void stopWriting() throws InterruptedException {
    writing.set(false);
    if (writer != null) {
      writer.join();
    }
  }

  /**
   * Waits until {@code sync} committed at least once more while streaming (failing if it dies or commits
   * nothing within 90 s), then a random moment up to 2.5 s, and kills it with kill -9.
   */
  void killWhileStreaming(SyncProcess sync, Random random, String round) throws Exception {
    int before = snapshotCount();
    Instant deadline = Instant.now().plusSeconds(90);
    while (snapshotCount() <= before && Instant.now().isBefore(deadline) && sync.isAlive()) {
      Thread.sleep(100);
    }
    assertEquals(true, sync.isAlive(), () -> "the sync died on its own in " + round + ":\n" + sync.log());
    assertTrue(snapshotCount() > before, round + " committed nothing within 90 s");
    Thread.sleep(random.nextInt(2500));
    sync.kill();
    assertIcebergNeverWentBack();
  }

  /**
   * Waits up to {@code seconds} until both tables of every format equal the source row by row (a duplicate
   * key fails), then asserts it, showing how each table of each format that differs does.
   */
  void awaitMirrored(int seconds) throws Exception {
    Instant deadline = Instant.now().plusSeconds(seconds);
    while (Instant.now().isBefore(deadline) && !everyTableSame()) {
      Thread.sleep(500);
    }
    List<String> differences = new ArrayList<>();
    for (String format : RunningSync.ALL_FORMATS) {
      for (String table : TABLES) {
        try {
          TableComparison.assertSame(pg, db, table, format, location(format), "lake", table, "id");
        } catch (AssertionError e) {
          differences.add(e.getMessage());
        }
      }
    }
    if (!differences.isEmpty()) {
      throw new AssertionError(String.join("\n", differences));
    }
  }

  private boolean everyTableSame() {
    return RunningSync.ALL_FORMATS.stream().allMatch(format -> TABLES.stream().allMatch(
        table -> TableComparison.same(pg, db, table, format, location(format), "lake", table, "id")));
  }

  private String location(String format) {
    return LakeFormats.location(warehouse.toString(), format, true);
  }

  /** No Iceberg table's history ever went back in time. */
  void assertIcebergNeverWentBack() {
    TableComparison.findLakeTable(iceberg(), "lake", "accounts").ifPresent(SyncEndToEndTest::assertNoTimeTravelBackwards);
    TableComparison.findLakeTable(iceberg(), "lake", "ledger").ifPresent(SyncEndToEndTest::assertNoTimeTravelBackwards);
  }

  private String iceberg() {
    return location("iceberg");
  }

  private int snapshotCount() {
    return TableComparison.findLakeTable(iceberg(), "lake", "accounts")
        .map(table -> (int) StreamSupport.stream(table.snapshots().spliterator(), false).count())
        .orElse(0);
  }
}
