package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.spi.WriteMode;
import io.changelake.testkit.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The whole path, PostgreSQL to Iceberg, through the sync command's runner, against real servers. */
class SyncEndToEndTest {
  @RegisterExtension
  static final PostgresExtension POSTGRES = new PostgresExtension();

  private final PostgresServer pg = POSTGRES.server();

  @TempDir
  Path warehouseDir;

  private String warehouse() {
    return warehouseDir.toString();
  }

  @Test
  void snapshotThenStreamingAcrossTables() throws Exception {
    String db = "shop";
    pg.createDatabase(db);
    pg.execute(db,
        "CREATE TABLE products (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2))",
        "CREATE TABLE orders (region text, order_no bigint, product int, qty int, PRIMARY KEY (region, order_no))",
        "CREATE TABLE notes (id bigint PRIMARY KEY, body text)",
        "INSERT INTO products SELECT i, 'p' || i, i * 1.5 FROM generate_series(1, 500) i",
        "INSERT INTO orders SELECT CASE WHEN i % 2 = 0 THEN 'eu' ELSE 'us' END, i, i % 50, i % 7 FROM generate_series(1, 800) i",
        "INSERT INTO notes VALUES (1, 'first')");
    var options = RunningSync.sourceOptions(pg, db, "e2e_slot", "products|orders|notes");
    try (RunningSync sync = new RunningSync(RunningSync.request(options, warehouse(), WriteMode.UPSERT, List.of()))) {
      sync.awaitMirrored(pg, db, "products", "id");
      sync.awaitMirrored(pg, db, "orders", "region,order_no");
      pg.execute(db,
          "INSERT INTO products SELECT i, 'p' || i, i FROM generate_series(501, 600) i",
          "UPDATE products SET price = price + 1 WHERE id % 3 = 0",
          "DELETE FROM products WHERE id % 10 = 0",
          // the key itself changes
          "UPDATE products SET id = 10000 WHERE id = 1",
          "UPDATE orders SET region = 'apac' WHERE order_no = 7",
          "DELETE FROM orders WHERE order_no BETWEEN 100 AND 150");
      // delete and re-insert of one key inside one transaction; one transaction touching three tables
      pg.execute(db, "BEGIN; DELETE FROM products WHERE id = 2; INSERT INTO products VALUES (2, 'again', 9.99);"
          + " UPDATE orders SET qty = 99 WHERE order_no = 8; INSERT INTO notes VALUES (2, 'second');"
          + " UPDATE products SET name = 'in tx' WHERE id = 3; COMMIT;");
      sync.awaitMirrored(pg, db, "products", "id");
      sync.awaitMirrored(pg, db, "orders", "region,order_no");
      sync.awaitMirrored(pg, db, "notes", "id");
      assertEquals(0, sync.stop());
    }
    assertNoTimeTravelBackwards(TableComparison.lakeTable(warehouse(), "lake", "products"));
  }

  @Test
  void cleanStopAndRestartResumesWithoutSnapshotAndAdvancesTheSlotOnlyAfterCommits() throws Exception {
    String db = "resume";
    pg.createDatabase(db);
    pg.execute(db, "CREATE TABLE items (id int PRIMARY KEY, v text)",
        "INSERT INTO items SELECT i, 'v' || i FROM generate_series(1, 300) i");
    var options = RunningSync.sourceOptions(pg, db, "resume_slot", "items");
    var request = RunningSync.request(options, warehouse(), WriteMode.UPSERT, List.of());
    try (RunningSync sync = new RunningSync(request)) {
      sync.awaitMirrored(pg, db, "items", "id");
      assertEquals(0, sync.stop());
    }
    Table table = TableComparison.lakeTable(warehouse(), "lake", "items");
    int snapshotsAfterFirstRun = snapshotCount(table);
    String flushedBefore = confirmedFlush(db, "resume_slot");

    pg.execute(db, "UPDATE items SET v = 'changed' WHERE id <= 10", "INSERT INTO items VALUES (1000, 'new')");
    assertEquals(flushedBefore, confirmedFlush(db, "resume_slot"), "the slot must not advance while no sync runs");
    try (RunningSync sync = new RunningSync(request)) {
      sync.awaitMirrored(pg, db, "items", "id");
      sync.await("the slot to advance after the commit", () -> !confirmedFlush(db, "resume_slot").equals(flushedBefore));
      assertEquals(0, sync.stop());
      assertFalse(sync.output.toString().contains("Snapshot complete"), "a resumed sync must not snapshot again");
    }
    table.refresh();
    long appendedRows = 0;
    for (Snapshot snapshot : table.snapshots()) {
      if (snapshotCount(table) > snapshotsAfterFirstRun) {
        appendedRows += Long.parseLong(snapshot.summary().getOrDefault("added-records", "0"));
      }
    }
    assertTrue(appendedRows < 300 + 300, "no re-snapshot: rows added " + appendedRows);
    assertNoTimeTravelBackwards(table);
  }

  @Test
  void addingATableCopiesItAloneAndTheOthersResume() throws Exception {
    String db = "grow";
    pg.createDatabase(db);
    pg.execute(db, "CREATE TABLE first (id int PRIMARY KEY, v text)", "CREATE TABLE second (id int PRIMARY KEY, v text)",
        "INSERT INTO first SELECT i, 'v' || i FROM generate_series(1, 200) i",
        "INSERT INTO second SELECT i, 'w' || i FROM generate_series(1, 50) i");
    try (RunningSync sync = new RunningSync(RunningSync.request(
        RunningSync.sourceOptions(pg, db, "grow_slot", "first"), warehouse(), WriteMode.UPSERT, List.of()))) {
      sync.awaitMirrored(pg, db, "first", "id");
      assertEquals(0, sync.stop());
    }
    // changed while no sync runs; the next run resumes 'first' from its position and copies 'second' alone
    pg.execute(db, "UPDATE first SET v = 'changed' WHERE id <= 20", "DELETE FROM first WHERE id > 190");
    try (RunningSync sync = new RunningSync(RunningSync.request(
        RunningSync.sourceOptions(pg, db, "grow_slot", "first|second"), warehouse(), WriteMode.UPSERT, List.of()))) {
      sync.awaitMirrored(pg, db, "first", "id");
      sync.awaitMirrored(pg, db, "second", "id");
      pg.execute(db, "UPDATE first SET v = 'streamed' WHERE id = 1");
      sync.awaitMirrored(pg, db, "first", "id");
      assertEquals(0, sync.stop());
    }
    assertNoTimeTravelBackwards(TableComparison.lakeTable(warehouse(), "lake", "first"));
  }

  @Test
  void tableWithoutPrimaryKeyIsRefusedInUpsertModeAndMirroredInAppendMode() throws Exception {
    String db = "nokey";
    pg.createDatabase(db);
    pg.execute(db, "CREATE TABLE events (kind text, payload text)", "ALTER TABLE events REPLICA IDENTITY FULL",
        "INSERT INTO events VALUES ('a', 'x'), ('b', 'y')");
    var options = RunningSync.sourceOptions(pg, db, "nokey_slot", "events");
    var runner = new SyncRunner(new java.io.PrintWriter(System.out), new java.io.PrintWriter(System.err));
    var error = org.junit.jupiter.api.Assertions.assertThrows(io.changelake.engine.pipeline.PipelineException.class,
        () -> runner.run(RunningSync.request(options, warehouse(), WriteMode.UPSERT, List.of())));
    assertTrue(error.getMessage().contains("--primary-keys") && error.getMessage().contains("--mode append")
        && error.getMessage().contains("ALTER TABLE public.events REPLICA IDENTITY FULL"), error.getMessage());
    assertFalse(java.nio.file.Files.exists(warehouseDir.resolve("lake").resolve("events")), "nothing written");

    try (RunningSync sync = new RunningSync(RunningSync.request(options, warehouse(), WriteMode.APPEND, List.of()))) {
      awaitAppendRows(sync, "events", 2, "kind", "payload");
      pg.execute(db, "INSERT INTO events VALUES ('c', 'z')", "DELETE FROM events WHERE kind = 'a'");
      awaitAppendRows(sync, "events", 4, "kind", "payload");
      pg.execute(db, "TRUNCATE events", "INSERT INTO events VALUES ('d', 'w')");
      awaitAppendRows(sync, "events", 6, "kind", "payload");
      assertEquals(0, sync.stop());
    }
    var rows = appendRows("events", "kind", "payload");
    // a delete is a row of its own, carrying the deleted values (REPLICA IDENTITY FULL); a truncation is one
    // row with no values, and the history before it stays
    assertEquals(List.of("a|x|d", "a|x|r", "b|y|r", "c|z|c", "d|w|c", "null|null|t"), rows);
  }

  /**
   * The source sends a key change as one UPDATE; an append-mode table records it as a delete of the old
   * key (what the source sent of it: the key) and an insert of the new one.
   */
  @Test
  void keyChangeInAppendModeIsADeleteAndAnInsert() throws Exception {
    String db = "appendkey";
    pg.createDatabase(db);
    pg.execute(db, "CREATE TABLE moves (id int PRIMARY KEY, v text)", "INSERT INTO moves VALUES (1, 'a')");
    var options = RunningSync.sourceOptions(pg, db, "appendkey_slot", "moves");
    try (RunningSync sync = new RunningSync(RunningSync.request(options, warehouse(), WriteMode.APPEND, List.of()))) {
      awaitAppendRows(sync, "moves", 1, "id", "v");
      pg.execute(db, "UPDATE moves SET id = 2 WHERE id = 1");
      awaitAppendRows(sync, "moves", 3, "id", "v");
      assertEquals(0, sync.stop());
    }
    assertEquals(List.of("1|a|r", "1|null|d", "2|a|c"), appendRows("moves", "id", "v"));
  }

  private void awaitAppendRows(RunningSync sync, String table, int count, String... columns) throws Exception {
    sync.await(count + " rows in " + table, () -> {
      try {
        return appendRows(table, columns).size() == count;
      } catch (Exception e) {
        return false;
      }
    });
  }

  /** The append-mode table's rows as {@code columns|_change_op} texts, sorted. */
  private List<String> appendRows(String table, String... columns) throws Exception {
    Table lake = TableComparison.lakeTable(warehouse(), "lake", table);
    List<String> rows = new java.util.ArrayList<>();
    try (var records = org.apache.iceberg.data.IcebergGenerics.read(lake).build()) {
      for (var r : records) {
        StringBuilder row = new StringBuilder();
        for (String column : columns) {
          row.append(r.getField(column)).append('|');
        }
        rows.add(row.append(r.getField("_change_op")).toString());
      }
    }
    java.util.Collections.sort(rows);
    return rows;
  }

  private static int snapshotCount(Table table) {
    int n = 0;
    for (Snapshot ignored : table.snapshots()) {
      n++;
    }
    return n;
  }

  private String confirmedFlush(String db, String slot) {
    try (Connection c = pg.connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
      return rs.next() ? rs.getString(1) : "none";
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Each pipeline snapshot's position is not older than the one before it. */
  static void assertNoTimeTravelBackwards(Table table) {
    assertNoTimeTravelBackwards(table, "postgres");
  }

  /** Each snapshot of {@code table} holds a position of source {@code source} not older than its parent's. */
  static void assertNoTimeTravelBackwards(Table table, String source) {
    table.refresh();
    String previous = null;
    for (Snapshot snapshot : table.snapshots()) {
      String position = snapshot.summary().get("changelake.position");
      if (position == null) {
        continue;
      }
      if (previous != null) {
        assertTrue(PositionOrder.compare(source, previous, position) <= 0,
            "snapshot " + snapshot.snapshotId() + " holds an older position than its parent: " + previous + " > " + position);
      }
      previous = position;
    }
  }
}
