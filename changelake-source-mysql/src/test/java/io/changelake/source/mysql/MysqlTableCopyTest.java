package io.changelake.source.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableId;
import io.changelake.api.spi.TableFilter;
import io.changelake.api.testing.CollectingListener;
import io.changelake.testkit.MariaDbServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A table copied alone while the binlog streams every table, on a real MariaDB server: the copy holds what was
 * committed before its snapshot's binlog position, the stream only what came after, nothing comes twice, and
 * the copied rows with the streamed changes after them give exactly the source table.
 */
class MysqlTableCopyTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String DB = "copies";
  private static final TableId STREAMED = new TableId(DB, "streamed");
  private static final TableId COPIED = new TableId(DB, "copied");
  private static final String[] PREFIXES = {"alpha", "Beta", "émile"};
  private static final int ROWS = 3000;
  private static MariaDbServer db;

  @BeforeAll
  static void startServer() {
    db = MariaDbServer.start();
    db.createDatabase(DB);
  }

  @AfterAll
  static void stopServer() {
    if (db != null) {
      db.close();
    }
  }

  @Test
  void aTableCopiedAloneUnderConcurrentWritesGetsEachChangeOnceAndEqualsTheSource() throws Exception {
    db.execute(DB, "CREATE TABLE streamed (id int PRIMARY KEY, v varchar(10))", "INSERT INTO streamed VALUES (1, 'a')",
        "CREATE TABLE copied (name varchar(30) COLLATE utf8mb4_general_ci PRIMARY KEY, v int, note varchar(20))",
        "INSERT INTO copied SELECT CONCAT(ELT(1 + seq % 3, 'alpha', 'Beta', 'émile'), '-', seq), seq, 'initial'"
            + " FROM seq_1_to_" + ROWS);
    SourcePosition resume = streamedOnlyUntilNow("streamed");
    // committed after the position the stream resumes from, before the copy: in the copy, not streamed
    db.execute(DB, "INSERT INTO copied VALUES ('before-1', 1, 'before'), ('before-2', 2, 'before')",
        "UPDATE streamed SET v = 'b' WHERE id = 1");

    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger transactions = new AtomicInteger();
    Thread writer = new Thread(() -> write(writing, transactions));
    CollectingListener listener = new CollectingListener();
    MysqlSourceConfig widened = MysqlTestConfig.of(db, DB, "streamed|copied",
        "scan.incremental.snapshot.chunk.size=250", "scan.snapshot.parallelism=2");
    try (MysqlSource source = new MysqlSource(widened, TableFilter.ALL)) {
      source.discover();
      assertTrue(source.copiesTablesAlone());
      writer.start();
      awaitTransactions(transactions, 20);
      source.start(Optional.of(resume), Set.of(COPIED), listener);
      SourcePosition copiedAt = awaitCopied(listener, COPIED);
      int atCopy = transactions.get();
      awaitTransactions(transactions, atCopy + 20);
      writing.set(false);
      writer.join();
      db.execute(DB, "UPDATE streamed SET v = 'last' WHERE id = 1");
      listener.awaitEvents(e -> e.table().equals(STREAMED) && "last".equals(e.after().get(1)), 1, WAIT);

      List<ChangeEvent> copy = events(listener, true);
      List<ChangeEvent> streamed = events(listener, false);
      Map<Object, Row> lake = new HashMap<>();
      copy.forEach(e -> assertNull(lake.put(e.after().get(0), e.after()), "copied twice: " + e.after()));
      for (ChangeEvent e : streamed) {
        assertTrue(e.position().compareTo(copiedAt) > 0, e.position() + " streamed, copy at " + copiedAt);
        if (e.operation() == Operation.DELETE) {
          lake.remove(e.before().get(0));
        } else {
          lake.put(e.after().get(0), e.after());
        }
      }
      assertEquals(sourceRows(), lake, "copied rows, then the streamed changes after the copy");
      assertTrue(copy.stream().anyMatch(e -> e.after().get(0).toString().startsWith("w-")),
          "the copy holds rows the writer committed meanwhile");
      assertTrue(streamed.stream().anyMatch(e -> e.after() != null && e.after().get(0).toString().startsWith("w-")),
          "the stream holds the writer's changes after the copy");
      assertFalse(streamed.stream().anyMatch(e -> e.after() != null && "before".equals(e.after().get(2))),
          "changes committed before the copy are not streamed");
      assertTrue(listener.events().stream().anyMatch(e -> e.table().equals(STREAMED) && "b".equals(e.after().get(1))),
          "the other table streams from where it was");
      assertFalse(copiedAt.inSnapshot());
      assertTrue(listener.eventsBeforeCopied().get(COPIED) > listener.events().indexOf(copy.get(copy.size() - 1)),
          "copied after its last row");
    }
  }

  @Test
  void onAnIdleServerTheCopyEndsWithoutWaitingForAWrite() throws Exception {
    copyOnAnIdleServer("idle");
  }

  @Test
  void afterABinlogRotationTheCopyEndsWithoutWaitingForAWrite() throws Exception {
    copyOnAnIdleServer("rotated", "FLUSH BINARY LOGS");
  }

  /** Copies a table alone with no write after {@code before} ran, and checks the copy ends and holds every row. */
  private static void copyOnAnIdleServer(String name, String... before) throws Exception {
    db.execute(DB, "CREATE TABLE " + name + "_a (id int PRIMARY KEY)",
        "CREATE TABLE " + name + "_b (id decimal(8,2) PRIMARY KEY)",
        "INSERT INTO " + name + "_b SELECT seq / 4 FROM seq_1_to_500");
    SourcePosition resume = streamedOnlyUntilNow(name + "_a");
    if (before.length > 0) {
      db.execute(DB, before);
    }
    CollectingListener listener = new CollectingListener();
    TableId copied = new TableId(DB, name + "_b");
    try (MysqlSource source = new MysqlSource(MysqlTestConfig.of(db, DB, name + "_a|" + name + "_b",
        "scan.incremental.snapshot.chunk.size=40"), TableFilter.ALL)) {
      source.discover();
      source.start(Optional.of(resume), Set.of(copied), listener);
      awaitCopied(listener, copied);
      assertEquals(500, listener.events().stream().filter(e -> e.operation() == Operation.SNAPSHOT)
          .map(e -> e.after().get(0)).distinct().count());
    }
  }

  /** Streams {@code table} alone from a snapshot, and returns the stream's position once it has caught up. */
  private static SourcePosition streamedOnlyUntilNow(String table) throws InterruptedException {
    try (MysqlSource first = new MysqlSource(MysqlTestConfig.of(db, DB, table), TableFilter.ALL)) {
      first.discover();
      CollectingListener listener = new CollectingListener();
      first.start(Optional.empty(), listener);
      return listener.awaitProgress(p -> p.describe().startsWith("snapshot-done"), WAIT);
    }
  }

  /** Transactions on both tables: inserts, updates and deletes of the copied one. */
  private static void write(AtomicBoolean writing, AtomicInteger transactions) {
    try (Connection c = db.connect(DB); Statement s = c.createStatement()) {
      for (int n = 1; writing.get(); n++) {
        int old = 1 + (n * 37) % ROWS;
        int gone = 1 + (n * 53) % ROWS;
        s.execute("START TRANSACTION; INSERT INTO copied VALUES ('w-" + n + "', " + n + ", 'writer');"
            + " UPDATE copied SET v = v + 1, note = 'updated' WHERE name = '" + name(old) + "';"
            + " DELETE FROM copied WHERE name = '" + name(gone) + "';"
            + " UPDATE copied SET note = 'touched' WHERE name = 'w-" + Math.max(1, n / 2) + "';"
            + " UPDATE streamed SET v = '" + n + "' WHERE id = 1; COMMIT");
        transactions.incrementAndGet();
        Thread.sleep(2);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String name(int seq) {
    return PREFIXES[seq % 3] + "-" + seq;
  }

  private static void awaitTransactions(AtomicInteger transactions, int count) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (transactions.get() < count) {
      assertTrue(System.nanoTime() < deadline, "the writer is stuck");
      Thread.sleep(10);
    }
  }

  /** The copied table's events: its copied rows, or its streamed changes in order. */
  private static List<ChangeEvent> events(CollectingListener listener, boolean copied) {
    return listener.events().stream()
        .filter(e -> e.table().equals(COPIED) && (e.operation() == Operation.SNAPSHOT) == copied).toList();
  }

  private static SourcePosition awaitCopied(CollectingListener listener, TableId table) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!listener.copied().containsKey(table)) {
      assertTrue(System.nanoTime() < deadline, "the copy did not end");
      assertNull(listener.failure());
      Thread.sleep(20);
    }
    return listener.copied().get(table);
  }

  private static Map<Object, Row> sourceRows() throws Exception {
    Map<Object, Row> rows = new HashMap<>();
    try (Connection c = db.connect(DB); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT name, v, note FROM copied")) {
      while (rs.next()) {
        rows.put(rs.getString(1), Row.of(rs.getString(1), rs.getInt(2), rs.getString(3)));
      }
    }
    return rows;
  }
}
