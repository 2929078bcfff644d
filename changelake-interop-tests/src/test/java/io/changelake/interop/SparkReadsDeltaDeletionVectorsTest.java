package io.changelake.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Delta deletion vectors written by changelake, read by Spark with delta-spark: a real sync
 * ({@code sync-table --format delta --catalog-conf delete-mode=deletion-vectors}, from the command's jar)
 * streams updates (a row updated several times in one transaction and again in later ones), deletes and a
 * key update; Spark reads the table as PostgreSQL has it after every round, row by row, while the log holds
 * {@code add} actions with deletion vectors; then {@code changelake compact} applies them and Spark reads
 * the same rows from a table without any.
 */
class SparkReadsDeltaDeletionVectorsTest {
  private static final String DB = "dv";
  private static final String TABLE = "items";

  private static PostgresServer pg;
  private static Path warehouse;
  private static SparkSession spark;

  @BeforeAll
  static void start() throws Exception {
    warehouse = Files.createTempDirectory("changelake-dv-");
    pg = PostgresServer.start();
    pg.createDatabase(DB);
    pg.execute(DB, "CREATE TABLE " + TABLE + " (id int PRIMARY KEY, name text NOT NULL, qty int)",
        "INSERT INTO " + TABLE + " SELECT g, 'item-' || g, g FROM generate_series(1, 300) g");
    spark = SparkReadsEveryFormatTest.session(warehouse);
  }

  @AfterAll
  static void stop() throws Exception {
    if (spark != null) {
      spark.stop();
    }
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void sparkReadsDeletionVectorsBeforeAndAfterCompaction() throws Exception {
    try (ChildSync sync = ChildSync.start(warehouse.resolve("sync.log"), List.of("sync-table",
        "--source-conf", "hostname=" + pg.host(), "--source-conf", "port=" + pg.port(),
        "--source-conf", "username=" + pg.username(), "--source-conf", "password=" + pg.password(),
        "--source-conf", "database-name=" + DB, "--source-conf", "table-name=" + TABLE,
        "--warehouse", warehouse.toString(), "--database", "lake", "--format", "delta",
        "--catalog-conf", "delete-mode=deletion-vectors", "--commit-interval", "1s"))) {
      awaitSame(sync, "the snapshot");

      pg.execute(DB,
          "BEGIN",
          "UPDATE " + TABLE + " SET qty = qty + 1 WHERE id = 1",
          "UPDATE " + TABLE + " SET qty = qty + 1 WHERE id = 1",
          "UPDATE " + TABLE + " SET name = 'thrice' WHERE id = 1",
          "UPDATE " + TABLE + " SET qty = -id WHERE id % 7 = 0",
          "DELETE FROM " + TABLE + " WHERE id BETWEEN 100 AND 120",
          "UPDATE " + TABLE + " SET id = 1005 WHERE id = 5",
          "COMMIT");
      awaitSame(sync, "round 1");
      pg.execute(DB,
          "UPDATE " + TABLE + " SET name = 'again' WHERE id = 1 OR id % 14 = 0",
          "DELETE FROM " + TABLE + " WHERE id = 1005 OR id = 2",
          "INSERT INTO " + TABLE + " VALUES (2, 'back', 2), (5000, 'new', NULL)",
          "UPDATE " + TABLE + " SET id = 6000 WHERE id = 3");
      awaitSame(sync, "round 2");
      assertEquals(0, sync.stop(), sync.output());
    }
    String log = deltaLog();
    assertTrue(log.contains("\"deletionVector\":{\"storageType\":\"u\""), "adds carry deletion vectors:\n" + log);
    assertTrue(log.contains("\"deletionVectors\""), "the protocol has the deletionVectors feature:\n" + log);

    try (ChildSync compact = ChildSync.start(warehouse.resolve("compact.log"), List.of("compact", "lake." + TABLE,
        "--warehouse", warehouse.toString(), "--format", "delta"))) {
      assertEquals(0, compact.awaitExit(Duration.ofMinutes(2)), compact.output());
    }
    assertEquals(postgres(), spark(), "Spark after compaction");
    List<String> compaction = Files.readAllLines(lastCommit());
    assertTrue(compaction.stream().anyMatch(a -> a.startsWith("{\"remove\"") && a.contains("\"deletionVector\":{")),
        "compaction removed the files with deletion vectors:\n" + compaction);
    assertTrue(compaction.stream().filter(a -> a.startsWith("{\"add\"")).noneMatch(a -> a.contains("\"deletionVector\":{")),
        "compaction added files without deletion vectors:\n" + compaction);
  }

  private static void awaitSame(ChildSync sync, String what) throws Exception {
    Map<Integer, List<Object>> expected = postgres();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    Object last = null;
    while (Instant.now().isBefore(deadline)) {
      if (!sync.isAlive()) {
        throw new AssertionError("The sync stopped while waiting for " + what + ":\n" + sync.output());
      }
      try {
        Map<Integer, List<Object>> read = spark();
        if (read.equals(expected)) {
          return;
        }
        last = read;
      } catch (Exception e) {
        last = e;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("Spark never read " + what + "; last read " + last + "\nexpected " + expected
        + "\n" + sync.output());
  }

  private static Map<Integer, List<Object>> postgres() throws Exception {
    Map<Integer, List<Object>> rows = new TreeMap<>();
    try (Connection c = pg.connect(DB); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT id, name, qty FROM " + TABLE)) {
      while (r.next()) {
        rows.put(r.getInt(1), java.util.Arrays.asList(r.getInt(1), r.getString(2), (Integer) r.getObject(3)));
      }
    }
    return rows;
  }

  private static Map<Integer, List<Object>> spark() {
    Map<Integer, List<Object>> rows = new TreeMap<>();
    for (Row row : spark.sql("SELECT id, name, qty FROM delta.`" + tablePath() + "`").collectAsList()) {
      List<Object> values = java.util.Arrays.asList(row.get(0), row.get(1), row.get(2));
      if (rows.put(row.getInt(0), values) != null) {
        throw new AssertionError("Spark reads id " + row.getInt(0) + " twice");
      }
    }
    return rows;
  }

  private static Path tablePath() {
    try (Stream<Path> paths = Files.walk(warehouse)) {
      return paths.filter(p -> p.getFileName().toString().equals("_delta_log")).findFirst().orElseThrow().getParent();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Path lastCommit() throws java.io.IOException {
    try (Stream<Path> commits = Files.list(tablePath().resolve("_delta_log"))) {
      return commits.filter(p -> p.toString().endsWith(".json")).max(java.util.Comparator.naturalOrder()).orElseThrow();
    }
  }

  private static String deltaLog() throws java.io.IOException {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> commits = Files.list(tablePath().resolve("_delta_log"))) {
      for (Path commit : commits.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        all.append(Files.readString(commit));
      }
    }
    return all.toString();
  }
}
