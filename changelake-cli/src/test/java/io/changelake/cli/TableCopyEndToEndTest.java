package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.spi.TableSnapshot;
import io.changelake.api.spi.WriteMode;
import io.changelake.source.postgres.PostgresPosition;
import io.changelake.testkit.PostgresServer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table added to a running sync (a restart with a wider table filter) is copied alone while the tables
 * already mirrored keep streaming from their positions, in Iceberg, Delta and Paimon at once: no table is
 * snapshotted again, the copied table equals the source row by row, and a kill -9 during the copy loses and
 * duplicates nothing.
 */
class TableCopyEndToEndTest {
  private static final int ITEMS = 200_000;

  @RegisterExtension
  static final PostgresExtension PG = new PostgresExtension();

  private PostgresServer pg;

  @TempDir
  Path warehouse;

  @BeforeEach
  void server() {
    pg = PG.server();
  }

  private void createTables(String db) {
    pg.createDatabase(db);
    pg.execute(db,
        "CREATE TABLE accounts (id bigint PRIMARY KEY, owner text NOT NULL, balance numeric(14,2))",
        "CREATE TABLE items (id bigint PRIMARY KEY, name text, qty int, note text)",
        "INSERT INTO accounts SELECT i, 'owner' || i, i FROM generate_series(1, 2000) i",
        "INSERT INTO items SELECT i, 'item' || i, i % 100, repeat('x', 40) FROM generate_series(1, " + ITEMS + ") i");
  }

  @Test
  void aTableAddedToARunningSyncIsCopiedAloneWhileTheOthersStream() throws Exception {
    String db = "added";
    createTables(db);
    RunningSync first = new RunningSync(RunningSync.request(RunningSync.sourceOptions(pg, db, "added_slot", "accounts"),
        warehouse.toString(), WriteMode.UPSERT, List.of(), RunningSync.ALL_FORMATS));
    try (first) {
      first.awaitMirrored(pg, db, "accounts", "id");
      assertEquals(0, first.stop());
    }
    pg.execute(db, "UPDATE accounts SET balance = balance + 1 WHERE id <= 100"); // while no sync runs

    Instant restarted = Instant.now();
    RunningSync widened = new RunningSync(RunningSync.request(
        RunningSync.sourceOptions(pg, db, "added_slot", "accounts|items"), warehouse.toString(), WriteMode.UPSERT,
        List.of(), RunningSync.ALL_FORMATS));
    try (widened) {
      widened.await("items to be copied", () -> slotExists(db, "added_slot_copy"));
      // while items is being copied: both tables change, items before its copy reads the rows or after
      pg.execute(db, "UPDATE accounts SET owner = 'during the copy' WHERE id % 10 = 0",
          "UPDATE items SET qty = -1 WHERE id % 1000 = 0", "DELETE FROM items WHERE id % 997 = 0",
          "INSERT INTO items SELECT i, 'new', 0, NULL FROM generate_series(" + (ITEMS + 1) + ", " + (ITEMS + 100) + ") i");
      widened.awaitMirrored(pg, db, "accounts", "id");
      widened.awaitMirrored(pg, db, "items", "id");
      pg.execute(db, "UPDATE items SET name = 'after the copy' WHERE id <= 10", "DELETE FROM accounts WHERE id = 2000");
      widened.awaitMirrored(pg, db, "items", "id");
      widened.awaitMirrored(pg, db, "accounts", "id");
      assertEquals(0, widened.stop());
    }
    for (String format : RunningSync.ALL_FORMATS) {
      List<TableSnapshot> accounts = commits(format, "accounts");
      List<TableSnapshot> items = commits(format, "items");
      assertEquals(1, snapshotEnds(accounts), format + " accounts was snapshotted once, never again: " + accounts);
      assertEquals(0, snapshotEnds(items), format + " items was copied at a stream position: " + items);
      Instant itemsFirst = items.get(0).committedAt();
      assertTrue(accounts.stream().anyMatch(s -> s.committedAt().isAfter(restarted)
          && s.committedAt().isBefore(itemsFirst)), format + ": accounts streamed while items was copied");
    }
  }

  @Test
  void killNineDuringTheCopyLosesAndDuplicatesNothing() throws Exception {
    String db = "killcopy";
    createTables(db);
    SyncProcess first = SyncProcess.startSyncTable(warehouse, RunningSync.sourceOptions(pg, db, "killcopy_slot", "accounts"));
    awaitSame(db, List.of("accounts"), first);
    assertEquals(0, first.stop(), first::log);

    Map<String, String> widened = RunningSync.sourceOptions(pg, db, "killcopy_slot", "accounts|items");
    AtomicBoolean writing = new AtomicBoolean(true);
    Thread writer = new Thread(() -> writeContinuously(db, writing), "source-writer");
    writer.start();
    try {
      for (int round = 0; round < 2; round++) {
        int copies = count(first.fullLog(), "Copying [public.items] alone as of");
        SyncProcess sync = SyncProcess.startSyncTable(warehouse, widened);
        Instant deadline = Instant.now().plusSeconds(60);
        while (count(sync.fullLog(), "Copying [public.items] alone as of") == copies && sync.isAlive()
            && Instant.now().isBefore(deadline)) {
          Thread.sleep(50);
        }
        Thread.sleep(300 + new Random(round).nextInt(700));
        assertTrue(sync.isAlive(), () -> "the sync died on its own:\n" + sync.log());
        assertFalse(sync.fullLog().contains("Copied public.items alone into"),
            () -> "the copy ended before the kill:\n" + sync.log());
        sync.kill();
      }
    } finally {
      writing.set(false);
      writer.join();
    }
    SyncProcess last = SyncProcess.startSyncTable(warehouse, widened);
    awaitSame(db, List.of("accounts", "items"), last);
    int exit = last.stop();
    assertEquals(0, exit, () -> "SIGTERM must commit what is in flight and exit 0:\n" + last.log());
    for (String format : RunningSync.ALL_FORMATS) {
      assertEquals(1, snapshotEnds(commits(format, "accounts")), format + " accounts was never snapshotted again");
    }
  }

  private boolean slotExists(String db, String slot) {
    try (var c = pg.connect(db); var ps = c.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, slot);
      try (var rs = ps.executeQuery()) {
        return rs.next();
      }
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }

  /** Waits until every table of {@code tables} equals the source in every format; fails otherwise. */
  private void awaitSame(String db, List<String> tables, SyncProcess sync) throws Exception {
    for (String format : RunningSync.ALL_FORMATS) {
      String location = location(format);
      for (String table : tables) {
        Instant deadline = Instant.now().plusSeconds(120);
        while (Instant.now().isBefore(deadline) && sync.isAlive()
            && !TableComparison.same(pg, db, table, format, location, "lake", table, "id")) {
          Thread.sleep(300);
        }
        assertTrue(sync.isAlive(), () -> "the sync died on its own:\n" + sync.log());
        TableComparison.assertSame(pg, db, table, format, location, "lake", table, "id");
      }
    }
  }

  private void writeContinuously(String db, AtomicBoolean writing) {
    Random random = new Random(11);
    long nextId = ITEMS + 1_000;
    while (writing.get()) {
      long id = 1 + random.nextInt(ITEMS);
      pg.execute(db, "BEGIN; UPDATE items SET qty = qty + 1, name = 'w' || qty WHERE id = " + id + ";"
          + " INSERT INTO items VALUES (" + nextId++ + ", 'inserted', 1, NULL);"
          + " DELETE FROM items WHERE id = " + (1 + random.nextInt(ITEMS)) + ";"
          + " UPDATE accounts SET balance = balance + 1 WHERE id = " + (1 + random.nextInt(2000)) + ";"
          + " COMMIT;");
    }
  }

  private String location(String format) {
    return LakeFormats.location(warehouse.toString(), format, true);
  }

  private List<TableSnapshot> commits(String format, String table) {
    return PipelineCommits.of(format, location(format), table);
  }

  private static long snapshotEnds(List<TableSnapshot> commits) {
    return PipelineCommits.snapshotEnds(commits, PostgresPosition::parse);
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
