package io.changelake.source.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.SourcePosition;
import io.changelake.api.testing.CollectingListener;
import io.changelake.testkit.PostgresServer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * changelake's own pgoutput reader against a real PostgreSQL: every column type it decodes, key changes,
 * TOAST, old rows, TRUNCATE, schema changes and exact resumption. Tables here have only types it decodes,
 * so {@link PostgresSource} streams them with it rather than with Debezium.
 */
class PgOutputStreamTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
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

  private static PostgresSourceConfig config(String slot, String tables, String... extra) {
    return SourceConfigs.of(pg, slot, tables, extra);
  }

  private static final String VALUES = "(%d, 32767, 9223372036854775807, 12345678.91, 'NaN', '-Infinity', 'NaN', true,"
      + " 'héllo', 'ab', 'ab', '\\x00ff00', '2024-02-29', '24:00', '1969-12-31 23:59:59.999999',"
      + " '2024-01-02 03:04:05.123456+02', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"a\": 1}', '{\"a\":1}',"
      + " '0.000000010')";

  @Test
  void streamsEveryDecodedTypeAsTheSnapshotReadsIt() throws Exception {
    pg.execute(pg.database(), "CREATE TABLE vals (id int primary key, i2 smallint, i8 bigint, n numeric(10,2),"
            + " n2 numeric(10,2), r real, d double precision, b boolean, t text, vc varchar(5), c char(3), by bytea,"
            + " dt date, tm time, ts timestamp, tz timestamptz, u uuid, j json, jb jsonb, nu numeric)",
        "INSERT INTO vals VALUES " + VALUES.formatted(1), "INSERT INTO vals (id) VALUES (2)");
    CollectingListener listener = new CollectingListener();
    try (PostgresSource source = new PostgresSource(config("vals_slot", "vals"))) {
      source.start(Optional.empty(), listener);
      listener.awaitProgress(p -> !p.inSnapshot(), WAIT);
      awaitOwnReader(source);
      pg.execute(pg.database(), "SET TIME ZONE 'Asia/Tokyo'; INSERT INTO vals VALUES " + VALUES.formatted(101),
          "INSERT INTO vals (id) VALUES (102)");
      List<ChangeEvent> streamed = listener.awaitEvents(e -> e.operation() == Operation.INSERT, 2, WAIT);
      Map<Integer, ChangeEvent> snapshot = listener.events().stream().filter(e -> e.operation() == Operation.SNAPSHOT)
          .collect(Collectors.toMap(e -> (Integer) e.after().get(0), Function.identity()));
      for (ChangeEvent event : streamed) {
        ChangeEvent copy = snapshot.get((Integer) event.after().get(0) - 100);
        assertEquals(copy.schema(), event.schema(), "the stream describes the table as the snapshot does");
        for (int i = 1; i < event.schema().size(); i++) {
          assertEquals(copy.after().get(i), event.after().get(i), "column " + event.schema().column(i).name());
        }
      }
      Row row = streamed.get(0).after();
      var schema = streamed.get(0).schema();
      assertNull(row.get(schema.indexOf("n2")), "numeric(10,2) NaN becomes null");
      assertEquals("0.000000010", row.get(schema.indexOf("nu")));
      assertEquals(ByteBuffer.wrap(new byte[] {0, (byte) 0xff, 0}), row.get(schema.indexOf("by")));
    }
  }

  @Test
  void streamsKeyChangesToastOldRowsAndTruncateInOrder() throws Exception {
    pg.execute(pg.database(),
        "CREATE TABLE docs (id int primary key, note text, big text, doc jsonb)",
        "ALTER TABLE docs ALTER COLUMN big SET STORAGE EXTERNAL, ALTER COLUMN doc SET STORAGE EXTERNAL",
        "CREATE TABLE parts (order_id int, line int, qty int not null, primary key (order_id, line))",
        "CREATE TABLE fulls (id int primary key, v text)", "ALTER TABLE fulls REPLICA IDENTITY FULL",
        "INSERT INTO docs VALUES (1, 'one', repeat('x', 10000), jsonb_build_object('k', repeat('z', 9000))),"
            + " (2, 'two', null, null)",
        "INSERT INTO parts VALUES (1, 1, 10), (1, 2, 20)", "INSERT INTO fulls VALUES (1, 'a')");
    CollectingListener listener = new CollectingListener();
    try (PostgresSource source = new PostgresSource(config("docs_slot", "docs|parts|fulls"))) {
      source.start(Optional.empty(), listener);
      SourcePosition done = listener.awaitProgress(p -> !p.inSnapshot(), WAIT);
      awaitOwnReader(source);
      pg.execute(pg.database(),
          "INSERT INTO docs (id, note) VALUES (3, 'three')",
          "UPDATE docs SET note = 'uno' WHERE id = 1",
          "DELETE FROM docs WHERE id = 2",
          "UPDATE parts SET qty = 11 WHERE order_id = 1 AND line = 1",
          "UPDATE parts SET line = 9 WHERE order_id = 1 AND line = 2",
          "UPDATE fulls SET v = 'b' WHERE id = 1",
          "UPDATE docs SET id = 4 WHERE id = 1",
          "TRUNCATE fulls");
      List<ChangeEvent> events = listener.awaitEvents(e -> e.operation() != Operation.SNAPSHOT, 8, WAIT);
      List<String> summary = new ArrayList<>();
      for (ChangeEvent e : events) {
        summary.add(e.table().name() + ":" + e.operation()
            + (e.operation() == Operation.TRUNCATE ? "" : ":" + e.keyRow().key(e.schema())));
      }
      assertEquals(List.of("docs:INSERT:3", "docs:UPDATE:1", "docs:DELETE:2", "parts:UPDATE:[1, 1]",
          "parts:UPDATE:[1, 9]", "fulls:UPDATE:1", "docs:UPDATE:4", "fulls:TRUNCATE"), summary);
      assertFalse(source.splitsKeyChanges(), "a key change is one UPDATE");

      ChangeEvent update = events.get(1);
      assertNull(update.before(), "REPLICA IDENTITY DEFAULT sends no old row");
      assertEquals("uno", update.after().get(1));
      assertSame(Row.UNAVAILABLE, update.after().get(2), "unchanged TOAST text");
      assertSame(Row.UNAVAILABLE, update.after().get(3), "unchanged TOAST jsonb");
      assertEquals(Arrays.asList(2, null, null, null), Arrays.asList(events.get(2).before().copyValues()),
          "key-only delete");
      assertEquals(Arrays.asList(1, 2, Row.UNAVAILABLE), Arrays.asList(events.get(4).before().copyValues()),
          "a key change's before-image holds the old key; the other values were not sent");
      assertEquals(Arrays.asList(1, 9, 20), Arrays.asList(events.get(4).after().copyValues()));
      assertEquals(Arrays.asList(1, "a"), Arrays.asList(events.get(5).before().copyValues()),
          "REPLICA IDENTITY FULL sends the old row");
      assertEquals(1, events.get(6).before().get(0));
      assertSame(Row.UNAVAILABLE, events.get(6).after().get(2), "moved row keeps its TOAST value out");

      List<SourcePosition> emitted = new ArrayList<>(listener.positions());
      for (int i = emitted.indexOf(done); i + 1 < emitted.size(); i++) {
        assertTrue(emitted.get(i).compareTo(emitted.get(i + 1)) < 0,
            "positions increase: " + emitted.get(i) + " then " + emitted.get(i + 1));
      }
    }
  }

  @Test
  void schemaChangesArriveWithTheNextChangeAndAnUndecodedTypeStopsWithTheFix() throws Exception {
    pg.execute(pg.database(), "CREATE TABLE evolving (id int primary key, a int)", "INSERT INTO evolving VALUES (1, 1)");
    CollectingListener listener = new CollectingListener();
    try (PostgresSource source = new PostgresSource(config("evolve_slot", "evolving"))) {
      source.start(Optional.empty(), listener);
      listener.awaitProgress(p -> !p.inSnapshot(), WAIT);
      pg.execute(pg.database(), "ALTER TABLE evolving ADD COLUMN b text NOT NULL DEFAULT 'x'",
          "INSERT INTO evolving VALUES (2, 2, 'y')", "ALTER TABLE evolving ALTER COLUMN a TYPE bigint",
          "INSERT INTO evolving VALUES (3, 3000000000, 'z')");
      List<ChangeEvent> events = listener.awaitEvents(e -> e.operation() == Operation.INSERT, 2, WAIT);
      assertEquals(List.of("id", "a", "b"), events.get(0).schema().columnNames());
      assertEquals(false, events.get(0).schema().column(2).nullable());
      assertEquals(Arrays.asList(2, 2, "y"), Arrays.asList(events.get(0).after().copyValues()));
      assertEquals(DataType.LONG, events.get(1).schema().column(1).type());
      assertEquals(3_000_000_000L, events.get(1).after().get(1));

      pg.execute(pg.database(), "CREATE TYPE pair AS (x int, y int)", "ALTER TABLE evolving ADD COLUMN p pair",
          "INSERT INTO evolving (id) VALUES (4)");
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (listener.failure() == null && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertNotNull(listener.failure(), "a column type the reader cannot decode stops the source");
      assertTrue(listener.failure().getMessage().contains("evolving.p")
          && listener.failure().getMessage().contains("Debezium"), listener.failure().getMessage());
      assertEquals(2, listener.events().stream().filter(e -> e.operation() == Operation.INSERT).count(),
          "nothing of the undecodable change is emitted");
    }
  }

  @Test
  void resumesAfterTheLastEmittedTransactionAndReplaysAnUnfinishedOneAtTheSamePositions() throws Exception {
    pg.execute(pg.database(), "CREATE TABLE resumed (id int primary key, v text)");
    CollectingListener first = new CollectingListener();
    SourcePosition afterFirst;
    List<ChangeEvent> original;
    try (PostgresSource source = new PostgresSource(config("resume_slot", "resumed"))) {
      source.start(Optional.empty(), first);
      SourcePosition done = first.awaitProgress(p -> !p.inSnapshot(), WAIT);
      pg.execute(pg.database(), "INSERT INTO resumed VALUES (1, 'a')",
          "BEGIN; INSERT INTO resumed VALUES (2, 'b'); INSERT INTO resumed VALUES (3, 'c'); COMMIT");
      original = first.awaitEvents(e -> e.operation() == Operation.INSERT, 3, WAIT);
      afterFirst = first.awaitProgress(p -> p.compareTo(done) > 0 && p.compareTo(original.get(0).position()) > 0, WAIT);
      assertTrue(afterFirst.compareTo(original.get(1).position()) < 0, "the first transaction's end comes first");
      source.acknowledge(afterFirst);
    }

    CollectingListener second = new CollectingListener();
    try (PostgresSource source = new PostgresSource(config("resume_slot", "resumed"))) {
      source.start(Optional.of(source.parsePosition(afterFirst.serialize())), second);
      List<ChangeEvent> events = second.awaitEvents(2, WAIT);
      Thread.sleep(500);
      assertEquals(List.of(2, 3), second.events().stream().map(e -> e.after().get(0)).toList(),
          "the transaction committed at the acknowledged position is not sent again");
      assertEquals(0, events.get(0).position().compareTo(original.get(1).position()));
    }

    CollectingListener third = new CollectingListener();
    SourcePosition middle = original.get(1).position();
    try (PostgresSource source = new PostgresSource(config("resume_slot", "resumed"))) {
      source.start(Optional.of(source.parsePosition(middle.serialize())), third);
      List<ChangeEvent> events = third.awaitEvents(2, WAIT);
      assertEquals(List.of(2, 3), events.stream().map(e -> e.after().get(0)).toList(),
          "an unfinished transaction is read again from its start");
      for (int i = 0; i < 2; i++) {
        assertEquals(0, events.get(i).position().compareTo(original.get(i + 1).position()),
            "a replayed change has the position it had: the sink skips what it holds");
      }
    }
  }

  /**
   * A table that holds only an old change (it was quiet since) makes the stream resume from there, but the slot
   * was confirmed further, at a heartbeat past the next commit: PostgreSQL then starts at the slot's confirmed
   * LSN and sends the later transaction without the one committed before it.
   */
  @Test
  void aResumeFromBeforeTheSlotsConfirmedLsnGivesEveryChangeTheServerSendsThePositionItHad() throws Exception {
    pg.execute(pg.database(), "CREATE TABLE forwarded (id int primary key, v text)", "CREATE TABLE elsewhere (id int)");
    CollectingListener first = new CollectingListener();
    ChangeEvent quiet;
    List<ChangeEvent> original;
    try (PostgresSource source = new PostgresSource(config("forwarded_slot", "forwarded"))) {
      source.start(Optional.empty(), first);
      first.awaitProgress(p -> !p.inSnapshot(), WAIT);
      awaitOwnReader(source);
      pg.execute(pg.database(), "INSERT INTO forwarded VALUES (1, 'a')");
      quiet = first.awaitEvents(e -> e.operation() == Operation.INSERT, 1, WAIT).get(0);
      long committed = ((PostgresPosition) first.awaitProgress(p -> p.compareTo(quiet.position()) > 0, WAIT))
          .commitLsn();
      pg.execute(pg.database(), "INSERT INTO elsewhere VALUES (1)");
      SourcePosition heartbeat = first.awaitProgress(p -> ((PostgresPosition) p).commitLsn() > committed, WAIT);
      source.acknowledge(heartbeat);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (confirmedFlush("forwarded_slot") <= committed && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(confirmedFlush("forwarded_slot") > committed, "the slot is confirmed past the first commit");
      pg.execute(pg.database(), "BEGIN; INSERT INTO forwarded VALUES (2, 'b'); INSERT INTO forwarded VALUES (3, 'c');"
          + " COMMIT");
      original = first.awaitEvents(e -> e.operation() == Operation.INSERT, 3, WAIT).subList(1, 3);
    }

    CollectingListener second = new CollectingListener();
    try (PostgresSource source = new PostgresSource(config("forwarded_slot", "forwarded"))) {
      source.start(Optional.of(source.parsePosition(quiet.position().serialize())), second);
      List<ChangeEvent> events = second.awaitEvents(2, WAIT);
      Thread.sleep(500);
      assertEquals(List.of(2, 3), second.events().stream().map(e -> e.after().get(0)).toList(),
          "the server starts at the slot's confirmed LSN: the first transaction is not sent again");
      for (int i = 0; i < 2; i++) {
        assertEquals(0, events.get(i).position().compareTo(original.get(i).position()),
            "a resent change has the position it had: " + events.get(i).position() + " vs "
                + original.get(i).position());
      }
    }
  }

  private static long confirmedFlush(String slot) throws Exception {
    try (var c = pg.connect(pg.database());
        var s = c.prepareStatement("SELECT confirmed_flush_lsn - '0/0'::pg_lsn FROM pg_replication_slots"
            + " WHERE slot_name = ?")) {
      s.setString(1, slot);
      try (var rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @Test
  void aQuietStreamProgressesPastWritesToOtherTables() throws Exception {
    pg.execute(pg.database(), "CREATE TABLE quiet (id int primary key)", "CREATE TABLE busy (id int primary key)");
    CollectingListener listener = new CollectingListener();
    try (PostgresSource source = new PostgresSource(config("quiet_slot", "quiet"))) {
      source.start(Optional.empty(), listener);
      SourcePosition done = listener.awaitProgress(p -> !p.inSnapshot(), WAIT);
      pg.execute(pg.database(), "INSERT INTO busy SELECT generate_series(1, 1000)");
      SourcePosition later = listener.awaitProgress(p -> p.compareTo(done) > 0, WAIT);
      assertTrue(later.compareTo(done) > 0);
      assertTrue(listener.events().stream().noneMatch(e -> e.operation() != Operation.SNAPSHOT));
    }
  }

  @Test
  void latestOffsetCreatesTheSlotStreamsOnlyNewChangesAndDropOnStopRemovesIt() throws Exception {
    pg.execute(pg.database(), "CREATE TABLE fresh (id int primary key)", "INSERT INTO fresh VALUES (1)");
    CollectingListener listener = new CollectingListener();
    try (PostgresSource source = new PostgresSource(config("fresh_slot", "fresh", "scan.startup.mode", "latest-offset",
        "debezium.slot.drop.on.stop", "true"))) {
      source.start(Optional.empty(), listener);
      assertEquals(1, slotCount("fresh_slot"), "the slot is created at start");
      pg.execute(pg.database(), "INSERT INTO fresh VALUES (2)");
      List<ChangeEvent> events = listener.awaitEvents(1, WAIT);
      assertEquals(Operation.INSERT, events.get(0).operation());
      assertEquals(2, events.get(0).after().get(0));
    }
    assertEquals(1, listener.events().size(), "rows from before the start are not read");
    assertEquals(0, slotCount("fresh_slot"), "debezium.slot.drop.on.stop=true drops the slot on close");
  }

  /** The stream starts on the snapshot's thread right after the snapshot's end: wait for it. */
  private static void awaitOwnReader(PostgresSource source) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!source.streamsWithOwnReader() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(source.streamsWithOwnReader(), "changelake's reader streams, not Debezium");
  }

  private static int slotCount(String slot) throws Exception {
    try (var c = pg.connect(pg.database());
        var s = c.prepareStatement("SELECT count(*) FROM pg_replication_slots WHERE slot_name = ?")) {
      s.setString(1, slot);
      try (var rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  @Test
  void aPipelineBusyLongerThanTheSendersTimeoutKeepsTheStream() throws Exception {
    pg.execute(pg.database(), "CREATE TABLE slow (id int primary key)",
        "ALTER SYSTEM SET wal_sender_timeout = '3s'", "SELECT pg_reload_conf()");
    CollectingListener listener = new CollectingListener() {
      private boolean stalled;

      @Override
      public void onChange(ChangeEvent event) {
        if (!stalled && event.operation() == Operation.INSERT) {
          stalled = true;
          try {
            Thread.sleep(8_000); // a commit far slower than wal_sender_timeout
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        super.onChange(event);
      }
    };
    try (PostgresSource source = new PostgresSource(config("slow_slot", "slow"))) {
      source.start(Optional.empty(), listener);
      listener.awaitProgress(p -> !p.inSnapshot(), WAIT);
      awaitOwnReader(source);
      pg.execute(pg.database(), "INSERT INTO slow VALUES (1)", "INSERT INTO slow SELECT generate_series(2, 2000)");
      Thread.sleep(1_000);
      pg.execute(pg.database(), "INSERT INTO slow VALUES (2001)");
      listener.awaitEvents(e -> e.operation() == Operation.INSERT, 2001, WAIT);
      pg.execute(pg.database(), "INSERT INTO slow VALUES (3000)"); // only a stream the server kept delivers it
      List<ChangeEvent> events = listener.awaitEvents(e -> e.operation() == Operation.INSERT, 2002, WAIT);
      assertEquals(3000, events.get(2001).after().get(0));
      assertNull(listener.failure(), "the server kept the stream");
    } finally {
      pg.execute(pg.database(), "ALTER SYSTEM RESET wal_sender_timeout", "SELECT pg_reload_conf()");
    }
  }
}
