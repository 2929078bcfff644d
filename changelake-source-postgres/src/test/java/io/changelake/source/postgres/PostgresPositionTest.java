package io.changelake.source.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresPositionTest {
  private static final Map<String, Object> PART = Map.of("server", "changelake");

  private static PostgresPosition stream(long commit, long lsn, long sub) {
    return new PostgresPosition(commit, PostgresPosition.STREAM, lsn, sub, 5,
        PART, Map.of("lsn", lsn, "lsn_commit", commit, "lsn_proc", lsn, "txId", 7L, "ts_usec", 1L));
  }

  @Test
  void roundTripsThroughSerialize() {
    PostgresPosition p = stream(0x16B3700L, 0x16B3748L, 1);
    PostgresPosition back = PostgresPosition.parse(p.serialize());
    assertEquals(0, p.compareTo(back));
    assertEquals(p.offset(), back.offset());
    assertEquals(Long.class, back.offset().get("lsn").getClass());
    assertEquals(PART, back.partition());
    assertEquals(5, back.floor());
    assertEquals("0/16B3748", back.describe());
    assertFalse(back.inSnapshot());
  }

  @Test
  void ordersSnapshotThenEndOfSnapshotThenStreamThenLaterSnapshots() {
    PostgresPosition snap1 = new PostgresPosition(100, PostgresPosition.SNAPSHOT, 1, 0, 0, PART, Map.of("lsn", 100L));
    PostgresPosition snap2 = new PostgresPosition(100, PostgresPosition.SNAPSHOT, 1, 1, 0, PART, Map.of("lsn", 100L));
    PostgresPosition rerun = new PostgresPosition(100, PostgresPosition.SNAPSHOT, 2, 0, 0, PART, Map.of("lsn", 100L));
    PostgresPosition done = new PostgresPosition(100, PostgresPosition.SNAPSHOT_DONE, 0, 0, 100, PART, Map.of("lsn", 100L));
    PostgresPosition first = stream(100, 90, 0); // a change written before the snapshot, committed after
    PostgresPosition second = stream(100, 120, 0);
    PostgresPosition tie = stream(100, 120, 1);
    PostgresPosition heartbeat = new PostgresPosition(200, PostgresPosition.STREAM, -1, 0, 100, PART, Map.of());
    PostgresPosition next = stream(200, 150, 0);
    List<PostgresPosition> ordered = List.of(snap1, snap2, rerun, done, first, second, tie, heartbeat, next);
    for (int i = 0; i + 1 < ordered.size(); i++) {
      assertTrue(ordered.get(i).compareTo(ordered.get(i + 1)) < 0, ordered.get(i) + " < " + ordered.get(i + 1));
    }
    assertTrue(snap1.inSnapshot());
    assertFalse(done.inSnapshot());
  }

  @Test
  void aChangeThatKnowsItsTransactionIsOrderedByItWhateverTheCommitBeforeItWasTakenToBe() {
    PostgresPosition idle = PostgresPosition.streamIdle(200, 1, 260, 100);
    PostgresPosition change = PostgresPosition.streamedIn(300, 200, 280, 0, 7, 1, 100);
    PostgresPosition later = PostgresPosition.streamedIn(300, 200, 290, 0, 7, 1, 100);
    PostgresPosition commit = PostgresPosition.streamCommitted(300, 7, 1, 100);
    PostgresPosition after = PostgresPosition.streamIdle(300, 1, 320, 100);
    List<PostgresPosition> ordered = List.of(idle, change, later, commit, after);
    for (int i = 0; i + 1 < ordered.size(); i++) {
      assertTrue(ordered.get(i).compareTo(ordered.get(i + 1)) < 0, ordered.get(i) + " < " + ordered.get(i + 1));
    }
    // the same change read by a stream that resumed past commit 200 without seeing it (it took 100 for it)
    PostgresPosition replayed = PostgresPosition.streamedIn(300, 100, 280, 0, 7, 1, 100);
    assertEquals(0, replayed.compareTo(change));
    assertEquals(change, replayed);
    assertEquals(change.hashCode(), replayed.hashCode());
    assertTrue(replayed.compareTo(idle) > 0, "after the heartbeat the stream passed before its transaction");
    assertTrue(replayed.compareTo(later) < 0);

    PostgresPosition back = PostgresPosition.parse(later.serialize());
    assertEquals(0, back.compareTo(later));
    assertTrue(back.compareTo(change) > 0);
  }

  @Test
  void aChangeThatDoesNotKnowItsTransactionIsComparedByTheCommitBeforeIt() {
    PostgresPosition own = PostgresPosition.streamedIn(300, 200, 280, 0, 7, 1, 100);
    PostgresPosition debezium = stream(200, 270, 0); // as Debezium, or a version before the commit was recorded
    PostgresPosition sameAsOwn = stream(200, 280, 0);
    assertTrue(debezium.compareTo(own) < 0);
    assertTrue(own.compareTo(debezium) > 0);
    assertEquals(0, sameAsOwn.compareTo(own));
    assertFalse(PostgresPosition.parse(debezium.serialize()).serialize().contains("\"commit\""),
        "a position without its transaction's commit is stored as before");
  }
}
