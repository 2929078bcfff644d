package io.changelake.source.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.SourcePosition;
import io.changelake.api.spi.SourceException;
import io.changelake.api.spi.TableFilter;
import io.changelake.api.testing.CollectingListener;
import io.changelake.testkit.MariaDbServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Positions by GTID against a real MariaDB 11.4 server (its own: the tests purge binlogs): stop and resume
 * under writes, resume after the position's binlog file was purged, and positions stored before GTIDs.
 */
class MysqlGtidTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String DB = "gtid";
  private static MariaDbServer db;

  @BeforeAll
  static void startServer() {
    db = MariaDbServer.builder().setting("gtid-strict-mode", "ON").start();
    db.createDatabase(DB);
  }

  @AfterAll
  static void stopServer() {
    if (db != null) {
      db.close();
    }
  }

  private static MysqlSource source(String table) {
    return new MysqlSource(MysqlTestConfig.of(db, DB, table, "gtid.required=true"), TableFilter.ALL);
  }

  /**
   * A lake table as the engine keeps it: skips what its committed position already covers, and checks that
   * every change applies to the state it describes (an INSERT of a held key or an UPDATE whose before image
   * is not the held row means a change lost or delivered twice).
   */
  private static final class Mirror {
    final Map<Object, Row> rows = new HashMap<>();
    SourcePosition committed;
    int applied;

    void apply(ChangeEvent e) {
      if (committed != null && !e.position().inSnapshot() && e.position().compareTo(committed) <= 0) {
        return;
      }
      Object key = (e.after() != null ? e.after() : e.before()).get(0);
      switch (e.operation()) {
        case SNAPSHOT, INSERT -> assertNull(rows.put(key, e.after()), "inserted twice: " + e);
        case UPDATE -> assertEquals(e.before(), rows.put(key, e.after()), "update of another state: " + e);
        case DELETE -> assertEquals(e.before(), rows.remove(key), "delete of another state: " + e);
        default -> throw new AssertionError("unexpected " + e);
      }
      committed = e.position();
      applied++;
    }
  }

  private static Map<Object, Row> sourceRows(String table) throws SQLException {
    Map<Object, Row> rows = new HashMap<>();
    try (Connection c = db.connect(DB); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, v, note FROM " + table)) {
      while (rs.next()) {
        rows.put(rs.getInt(1), Row.of(rs.getInt(1), rs.getInt(2), rs.getString(3)));
      }
    }
    return rows;
  }

  private static String text(String sql) throws SQLException {
    try (Connection c = db.connect(null); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** The form positions had before GTIDs: file, offset and place in the group only. */
  private static SourcePosition withoutGtids(MysqlSource source, SourcePosition p) {
    String serialized = p.serialize();
    return source.parsePosition(serialized.substring(0, serialized.indexOf('/')));
  }

  @Test
  void stoppingAnywhereAndResumingFromTheCommittedPositionLosesAndDuplicatesNothing() throws Exception {
    db.execute(DB, "CREATE TABLE ledger (id int primary key, v int, note varchar(20))",
        "INSERT INTO ledger SELECT seq, seq, 'seed' FROM seq_1_to_300");
    AtomicBoolean writing = new AtomicBoolean(true);
    Thread writer = new Thread(() -> {
      try (Connection c = db.connect(DB); Statement s = c.createStatement()) {
        for (int n = 0; writing.get(); n++) {
          s.execute("START TRANSACTION; INSERT INTO ledger VALUES (" + (1000 + n) + ", " + n + ", 'new');"
              + " UPDATE ledger SET v = v + 1, note = 'upd' WHERE id IN (" + (1 + n % 300) + ", " + (1000 + n / 2)
              + "); DELETE FROM ledger WHERE id = " + (1 + (n * 7) % 300) + "; COMMIT");
          Thread.sleep(3);
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    writer.start();
    Mirror lake = new Mirror();
    Random random = new Random(13);
    List<String> resumedFrom = new ArrayList<>();
    try {
      for (int round = 0; round < 4; round++) {
        CollectingListener events = new CollectingListener();
        try (MysqlSource source = source("ledger")) {
          source.discover();
          Optional<SourcePosition> from = Optional.ofNullable(lake.committed);
          if (round == 2) {
            from = from.map(p -> withoutGtids(source, p));
          }
          from.ifPresent(p -> resumedFrom.add(p.serialize()));
          source.start(from, events);
          if (round == 0) {
            events.awaitProgress(p -> p.describe().startsWith("snapshot-done"), WAIT);
          }
          events.awaitEvents(e -> e.operation() != Operation.SNAPSHOT, 150, WAIT);
        }
        assertNull(events.failure());
        List<ChangeEvent> seen = events.events();
        int snapshotRows = (int) seen.stream().filter(e -> e.operation() == Operation.SNAPSHOT).count();
        // the process dies after any change past the snapshot: what came after it is lost with the process
        int cut = snapshotRows + random.nextInt(seen.size() - snapshotRows);
        seen.subList(0, cut + 1).forEach(lake::apply);
        assertTrue(lake.committed.serialize().contains("/"), "positions hold GTIDs: " + lake.committed);
        if (round == 2) {
          assertTrue(seen.stream().allMatch(e -> e.position().serialize().contains("/")),
              "a stream resumed from a position without GTIDs gives positions with them");
        }
      }
    } finally {
      writing.set(false);
      writer.join();
    }
    Map<Object, Row> expected = sourceRows("ledger");
    CollectingListener last = new CollectingListener();
    try (MysqlSource source = source("ledger")) {
      source.discover();
      source.start(Optional.of(source.parsePosition(lake.committed.serialize())), last);
      SourcePosition end = last.awaitProgress(
          p -> p.serialize().endsWith("/" + uncheckedText("SELECT @@gtid_binlog_pos")), WAIT);
      assertNotNull(end);
      for (ChangeEvent e : new ArrayList<>(last.events())) {
        lake.apply(e);
      }
    }
    assertEquals(expected, lake.rows, "the lake table equals the source table row by row");
    assertTrue(lake.applied > 600, "changes applied: " + lake.applied);
    assertEquals(3, resumedFrom.size(), "three resumes: " + resumedFrom);
  }

  private static List<String> binaryLogs() throws SQLException {
    List<String> files = new ArrayList<>();
    try (Connection c = db.connect(null); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
      while (rs.next()) {
        files.add(rs.getString(1));
      }
    }
    return files;
  }

  private static String uncheckedText(String sql) {
    try {
      return text(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void resumesByGtidAfterThePositionsBinlogFileWasPurged() throws Exception {
    db.execute(DB, "CREATE TABLE moved (id int primary key, v int, note varchar(20))");
    SourcePosition stopped;
    CollectingListener first = new CollectingListener();
    try (MysqlSource source = source("moved")) {
      source.start(Optional.empty(), first);
      first.awaitProgress(p -> p.describe().startsWith("snapshot-done"), WAIT);
      db.execute(DB, "INSERT INTO moved VALUES (1, 1, 'a'), (2, 2, 'b')", "UPDATE moved SET v = 20 WHERE id = 2");
      ChangeEvent update = first.awaitEvents(e -> e.operation() == Operation.UPDATE, 1, WAIT).get(0);
      stopped = first.awaitProgress(p -> p.compareTo(update.position()) > 0, WAIT);
    }
    String oldFile = ((MysqlPosition) stopped).file();
    db.execute(null, "FLUSH BINARY LOGS");
    String current = text("SHOW MASTER STATUS");
    // the server keeps a file while a binlog reader or its checkpoint still needs it: purge until it goes
    for (int i = 0; i < 100 && binaryLogs().contains(oldFile); i++) {
      Thread.sleep(100);
      db.execute(null, "PURGE BINARY LOGS TO '" + current + "'");
    }
    db.execute(DB, "INSERT INTO moved VALUES (3, 3, 'c')", "DELETE FROM moved WHERE id = 1");
    assertTrue(!binaryLogs().contains(oldFile), oldFile + " purged: " + binaryLogs());

    try (MysqlSource source = source("moved")) {
      source.discover();
      SourcePosition legacy = withoutGtids(source, stopped);
      SourceException refused = assertThrows(SourceException.class,
          () -> source.start(Optional.of(legacy), new CollectingListener()));
      assertTrue(refused.getMessage().contains("no longer holds " + oldFile), refused.getMessage());
    }

    CollectingListener resumed = new CollectingListener();
    try (MysqlSource source = source("moved")) {
      source.discover();
      source.start(Optional.of(source.parsePosition(stopped.serialize())), resumed);
      List<ChangeEvent> changes = resumed.awaitEvents(2, WAIT);
      Thread.sleep(500);
      assertNull(resumed.failure());
      assertEquals(List.of(Operation.INSERT, Operation.DELETE),
          resumed.events().stream().map(ChangeEvent::operation).toList(), "exactly what came after the stop");
      assertEquals(Row.of(3, 3, "c"), changes.get(0).after());
      assertEquals(Row.of(1, 1, "a"), changes.get(1).before());
      assertTrue(changes.get(0).position().compareTo(stopped) > 0);
      assertEquals(current, ((MysqlPosition) changes.get(0).position()).file(), "read from the new file");
    }
  }
}
