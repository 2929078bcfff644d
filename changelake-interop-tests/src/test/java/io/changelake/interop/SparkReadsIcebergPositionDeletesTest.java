package io.changelake.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.changelake.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Iceberg upserts written as position deletes ({@code delete-mode=position}) read by Spark 3.5:
 * a real sync from the command's jar streams updates, deletes, a key update and a row updated several times in
 * one transaction and across transactions; it is stopped, the source changes meanwhile, and a new sync loads its
 * key index from the table and goes on; then {@code changelake compact} runs. After each step Spark's rows equal
 * PostgreSQL's, row by row, and no snapshot ever added an equality delete.
 */
class SparkReadsIcebergPositionDeletesTest {
  private static final String DB = "positions";
  private static final String TABLE = "lake.items";

  private static PostgresServer pg;
  private static Path warehouse;
  private static SparkSession spark;

  @BeforeAll
  static void start() throws Exception {
    warehouse = Files.createTempDirectory("changelake-positions-");
    pg = PostgresServer.start();
    pg.createDatabase(DB);
    pg.execute(DB, "CREATE TABLE items (id int PRIMARY KEY, name text, qty int)",
        "INSERT INTO items SELECT g, 'item-' || g, g FROM generate_series(1, 300) g");
    spark = SparkReadsEveryFormatTest.session(warehouse);
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void sparkReadsEveryRoundRestartAndCompaction() throws Exception {
    try (ChildSync sync = sync("sync-1.log")) {
      awaitSame(sync, "the snapshot");
      pg.execute(DB,
          "BEGIN",
          "UPDATE items SET qty = qty + 1000 WHERE id % 10 = 0",
          "UPDATE items SET name = 'a' WHERE id = 1",
          "UPDATE items SET name = 'b' WHERE id = 1",
          "UPDATE items SET name = 'c' WHERE id = 1",
          "DELETE FROM items WHERE id BETWEEN 20 AND 29",
          "UPDATE items SET id = 1000 WHERE id = 5",
          "INSERT INTO items VALUES (2000, 'new', 1)",
          "UPDATE items SET qty = 2 WHERE id = 2000",
          "COMMIT");
      awaitSame(sync, "the first streamed changes");
      pg.execute(DB, "UPDATE items SET name = 'd' WHERE id = 1", "UPDATE items SET name = 'x' WHERE id = 1000",
          "DELETE FROM items WHERE id = 2000");
      awaitSame(sync, "changes across rounds");
      assertEquals(0, sync.stop(), sync.output());
    }
    pg.execute(DB, "UPDATE items SET name = 'while stopped' WHERE id IN (1, 2, 3)", "DELETE FROM items WHERE id = 4");
    try (ChildSync sync = sync("sync-2.log")) {
      awaitSame(sync, "the changes made while stopped");
      pg.execute(DB, "UPDATE items SET qty = -1 WHERE id <= 50", "UPDATE items SET name = 'e' WHERE id = 1");
      awaitSame(sync, "the changes after the restart");
      assertEquals(0, sync.stop(), sync.output());
    }
    assertEquals(0L, spark.sql("SELECT * FROM iceberg." + TABLE + ".all_delete_files WHERE content = 2").count(),
        "no equality delete file in any snapshot");
    long positionDeleteFiles = spark.sql("SELECT * FROM iceberg." + TABLE + ".delete_files").count();
    org.junit.jupiter.api.Assertions.assertTrue(positionDeleteFiles > 0, "the current snapshot has position deletes");

    try (ChildSync compact = ChildSync.start(warehouse.resolve("compact.log"),
        List.of("compact", TABLE, "--warehouse", warehouse.resolve("iceberg").toString()))) {
      Instant deadline = Instant.now().plusSeconds(120);
      while (compact.isAlive() && Instant.now().isBefore(deadline)) {
        Thread.sleep(200);
      }
      assertEquals(0, compact.stop(), compact.output());
    }
    spark.sql("REFRESH TABLE iceberg." + TABLE);
    assertEquals(source(), lake(), "after compact");
    assertEquals(0L, spark.sql("SELECT * FROM iceberg." + TABLE + ".delete_files").count(), "compacted");
  }

  /** A sync of one format writes its tables at the warehouse's top, where Spark's catalog {@code iceberg} reads. */
  private static ChildSync sync(String log) throws Exception {
    return ChildSync.start(warehouse.resolve(log), List.of("sync-table",
        "--source-conf", "hostname=" + pg.host(), "--source-conf", "port=" + pg.port(),
        "--source-conf", "username=" + pg.username(), "--source-conf", "password=" + pg.password(),
        "--source-conf", "database-name=" + DB, "--source-conf", "table-name=items",
        "--warehouse", warehouse.resolve("iceberg").toString(), "--database", "lake", "--format", "iceberg",
        "--catalog-conf", "delete-mode=position", "--commit-interval", "1s"));
  }

  private static void awaitSame(ChildSync sync, String what) throws Exception {
    Map<Integer, List<Object>> source = source();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    Object last = null;
    while (true) {
      if (!sync.isAlive()) {
        throw new AssertionError("The sync stopped while waiting for " + what + ":\n" + sync.output());
      }
      try {
        Map<Integer, List<Object>> lake = lake();
        if (lake.equals(source)) {
          return;
        }
        last = lake;
      } catch (Exception e) {
        last = e;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("Spark never showed " + what + "; last read: " + last + "\nsource: " + source
            + "\nsync output:\n" + sync.output());
      }
      Thread.sleep(500);
    }
  }

  /** PostgreSQL's rows: id → [name, qty]. */
  private static Map<Integer, List<Object>> source() throws Exception {
    Map<Integer, List<Object>> rows = new TreeMap<>();
    try (Connection connection = pg.connect(DB); Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT id, name, qty FROM items")) {
      while (result.next()) {
        rows.put(result.getInt(1), row(result.getString(2), (Integer) result.getObject(3)));
      }
    }
    return rows;
  }

  /** Spark's rows of the Iceberg table: id → [name, qty]; fails on a duplicate id. */
  private static Map<Integer, List<Object>> lake() {
    spark.sql("REFRESH TABLE iceberg." + TABLE);
    Map<Integer, List<Object>> rows = new TreeMap<>();
    for (Row row : spark.sql("SELECT id, name, qty FROM iceberg." + TABLE).collectAsList()) {
      if (rows.put(row.getInt(0), row(row.getString(1), row.isNullAt(2) ? null : row.getInt(2))) != null) {
        throw new AssertionError("id " + row.getInt(0) + " twice");
      }
    }
    return rows;
  }

  private static List<Object> row(String name, Integer qty) {
    List<Object> row = new ArrayList<>();
    row.add(name);
    row.add(qty);
    return row;
  }
}
