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
}
