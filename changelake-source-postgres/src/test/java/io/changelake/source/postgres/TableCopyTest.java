package io.changelake.source.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.Operation;
import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableId;
import io.changelake.api.testing.CollectingListener;
import io.changelake.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A table copied alone while the slot streams every table, on a real server: the copy holds what was committed
 * before the temporary slot's consistent point, the stream only what came after, and nothing comes twice.
 */
class TableCopyTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final TableId STREAMED = new TableId("public", "streamed");
  private static final TableId COPIED = new TableId("public", "copied");
  private static PostgresServer pg;

  @BeforeAll
  static void startServer() {
    pg = PostgresServer.start();
  }

  @AfterAll
  static void stopServer() {
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void aTableCopiedAloneGetsEachChangeOnceFromTheCopyOrFromTheStream() throws Exception {
    pg.execute(pg.database(), "CREATE TABLE streamed (id int PRIMARY KEY, v text)",
        "CREATE TABLE copied (id int PRIMARY KEY, v text)", "INSERT INTO streamed VALUES (1, 'a')",
        // published from the start, so that the stream carries the changes the copy also holds
        "CREATE PUBLICATION copy_slot_pub FOR TABLE streamed, copied");
    SourcePosition resume;
    try (PostgresSource first = new PostgresSource(SourceConfigs.of(pg, "copy_slot", "streamed"))) {
      first.discover();
      CollectingListener listener = new CollectingListener();
      first.start(Optional.empty(), listener);
      resume = listener.awaitProgress(p -> !p.inSnapshot(), WAIT);
      first.acknowledge(resume);
    }
    // committed after the position the stream resumes from, before the copy: in the copy, not streamed
    pg.execute(pg.database(), "INSERT INTO copied SELECT i, 'before' FROM generate_series(1, 3) i",
        "UPDATE streamed SET v = 'b' WHERE id = 1");

    try (PostgresSource widened = new PostgresSource(SourceConfigs.of(pg, "copy_slot", "streamed|copied"))) {
      widened.discover();
      assertTrue(widened.copiesTablesAlone());
      CollectingListener listener = new CollectingListener();
      widened.start(Optional.of(resume), Set.of(COPIED), listener);
      // after the copy's consistent point (created by start): streamed, not in the copy
      pg.execute(pg.database(), "INSERT INTO copied VALUES (4, 'after')", "UPDATE copied SET v = 'after' WHERE id = 1",
          "UPDATE streamed SET v = 'c' WHERE id = 1");
      listener.awaitEvents(e -> e.table().equals(COPIED) && !e.position().inSnapshot(), 2, WAIT);
      listener.awaitEvents(e -> e.table().equals(STREAMED), 2, WAIT);
      SourcePosition copiedAt = awaitCopied(listener);

      List<ChangeEvent> copy = listener.events().stream()
          .filter(e -> e.table().equals(COPIED) && e.operation() == Operation.SNAPSHOT).toList();
      assertEquals(List.of("1 before", "2 before", "3 before"), copy.stream().map(TableCopyTest::text).sorted().toList());
      List<ChangeEvent> streamedChanges = listener.events().stream()
          .filter(e -> e.table().equals(COPIED) && e.operation() != Operation.SNAPSHOT).toList();
      assertEquals(List.of("4 after", "1 after"), streamedChanges.stream().map(TableCopyTest::text).toList(),
          "only the changes after the copy's point are streamed");
      assertTrue(streamedChanges.stream().allMatch(e -> e.position().compareTo(copiedAt) > 0), "after " + copiedAt);
      assertFalse(copiedAt.inSnapshot());
      assertEquals(List.of("1 b", "1 c"), listener.events().stream().filter(e -> e.table().equals(STREAMED))
          .map(TableCopyTest::text).toList(), "the other table streams from where it was");
      int copiedAfter = listener.events().indexOf(copy.get(copy.size() - 1));
      assertTrue(listener.eventsBeforeCopied().get(COPIED) > copiedAfter, "copied after its last row");
      awaitNoSlot("copy_slot_copy");
    }
  }

  private static String text(ChangeEvent event) {
    return event.after().get(0) + " " + event.after().get(1);
  }

  private static SourcePosition awaitCopied(CollectingListener listener) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!listener.copied().containsKey(COPIED)) {
      assertTrue(System.nanoTime() < deadline, "the copy did not end");
      assertEquals(null, listener.failure());
      Thread.sleep(50);
    }
    return listener.copied().get(COPIED);
  }

  /** Waits until the server dropped the temporary slot. */
  private static void awaitNoSlot(String slot) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    try (Connection c = pg.connect(pg.database()); Statement s = c.createStatement()) {
      while (true) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
          rs.next();
          if (rs.getInt(1) == 0) {
            return;
          }
        }
        assertTrue(System.nanoTime() < deadline, "temporary slot " + slot + " still exists");
        Thread.sleep(100);
      }
    }
  }
}
