package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.testkit.PostgresServer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the sync process at random moments, during the snapshot and during streaming, while
 * the source keeps changing, with every table written in Iceberg, Delta and Paimon: after a final
 * clean run every table of every format equals the source exactly and holds no duplicate key (no
 * format is left behind or ahead of the others), and no Iceberg table's history ever went back in time.
 */
class CrashRecoveryTest {
  private static final String DB = "crash";

  @RegisterExtension
  static final PostgresExtension PG = new PostgresExtension();

  private PostgresServer pg;

  @TempDir
  Path warehouse;

  @BeforeEach
  void server() {
    pg = PG.server();
  }

  @Test
  void killNineAtRandomMomentsLosesAndDuplicatesNothing() throws Exception {
    pg.createDatabase(DB);
    pg.execute(DB,
        "CREATE TABLE accounts (id bigint PRIMARY KEY, owner text NOT NULL, balance numeric(14,2), touched timestamptz)",
        "CREATE TABLE ledger (id bigint PRIMARY KEY, account bigint, amount numeric(14,2), note text)",
        "INSERT INTO accounts SELECT i, 'owner' || i, i * 10, now() FROM generate_series(1, 20000) i",
        "INSERT INTO ledger SELECT i, i % 1000, i / 100.0, 'n' || i FROM generate_series(1, 10000) i");
    AtomicBoolean writing = new AtomicBoolean(true);
    Thread writer = new Thread(() -> writeContinuously(writing), "source-writer");
    writer.start();
    Random random = new Random(42);
    try {
      for (int round = 0; round < 6; round++) {
        SyncProcess sync = startSync();
        if (round == 0) {
          // die inside the initial snapshot
          assertEquals(false, sync.waitFor(3000 + random.nextInt(1500)),
              () -> "the sync died on its own:\n" + sync.log());
        } else {
          // die while streaming: after this process committed at least once, at a random moment
          int before = snapshotCount();
          Instant deadline = Instant.now().plusSeconds(90);
          while (snapshotCount() <= before && Instant.now().isBefore(deadline) && sync.isAlive()) {
            Thread.sleep(100);
          }
          int failedRound = round;
          assertEquals(true, sync.isAlive(), () -> "the sync died on its own in round " + failedRound + ":\n" + sync.log());
          assertTrue(snapshotCount() > before, "round " + round + " committed nothing within 90 s");
          Thread.sleep(random.nextInt(2500));
        }
        sync.kill();
        TableComparison.findLakeTable(iceberg(), "lake", "accounts")
            .ifPresent(SyncEndToEndTest::assertNoTimeTravelBackwards);
      }
    } finally {
      writing.set(false);
      writer.join();
    }
    SyncProcess last = startSync();
    int exit;
    try {
      for (String format : RunningSync.ALL_FORMATS) {
        String location = LakeFormats.location(warehouse.toString(), format, true);
        Instant deadline = Instant.now().plusSeconds(120);
        while (Instant.now().isBefore(deadline)
            && !(TableComparison.same(pg, DB, "accounts", format, location, "lake", "accounts", "id")
                && TableComparison.same(pg, DB, "ledger", format, location, "lake", "ledger", "id"))) {
          Thread.sleep(500);
        }
        TableComparison.assertSame(pg, DB, "accounts", format, location, "lake", "accounts", "id");
        TableComparison.assertSame(pg, DB, "ledger", format, location, "lake", "ledger", "id");
      }
    } finally {
      exit = last.stop();
    }
    assertEquals(0, exit, () -> "SIGTERM must commit what is in flight and exit 0:\n" + last.log());
    SyncEndToEndTest.assertNoTimeTravelBackwards(TableComparison.lakeTable(iceberg(), "lake", "accounts"));
    SyncEndToEndTest.assertNoTimeTravelBackwards(TableComparison.lakeTable(iceberg(), "lake", "ledger"));
  }

  private String iceberg() {
    return LakeFormats.location(warehouse.toString(), "iceberg", true);
  }

  private int snapshotCount() {
    return TableComparison.findLakeTable(iceberg(), "lake", "accounts")
        .map(table -> (int) java.util.stream.StreamSupport.stream(table.snapshots().spliterator(), false).count())
        .orElse(0);
  }

  private SyncProcess startSync() throws Exception {
    return SyncProcess.startSyncTable(warehouse, RunningSync.sourceOptions(pg, DB, "crash_slot", "accounts|ledger"));
  }

  private void writeContinuously(AtomicBoolean writing) {
    Random random = new Random(7);
    long nextId = 1_000_000;
    while (writing.get()) {
      long id = 1 + random.nextInt(20000);
      long ledgerId = nextId++;
      pg.execute(DB, "BEGIN; UPDATE accounts SET balance = balance + 1, touched = now() WHERE id = " + id + ";"
          + " INSERT INTO ledger VALUES (" + ledgerId + ", " + id + ", 1, 'tx');"
          + " DELETE FROM ledger WHERE id = " + (1 + random.nextInt(10000)) + ";"
          + " INSERT INTO accounts VALUES (" + (ledgerId + 100000) + ", 'new', 0, now());"
          + " COMMIT;");
    }
  }
}
