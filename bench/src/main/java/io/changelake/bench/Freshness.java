package io.changelake.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Freshness: single-row autocommit INSERTs (ids from {@link Workload#FIRST_PROBE_ID}), each after a
 * pseudo-random pause in [0, commit interval) so that it lands at a random phase of the commit cycle;
 * the latency runs from just before the INSERT until the row is visible to a new reader (20 ms
 * polling with a point lookup), and, second figure, until the commit that holds it.
 */
final class Freshness {
  private static final long POLL_MS = 20;

  private Freshness() { }

  /** Latencies in ms, one per probe. */
  record Result(List<Long> visibleMs, List<Long> committedMs) {
    static String summary(List<Long> values) {
      List<Long> sorted = new ArrayList<>(values);
      Collections.sort(sorted);
      if (sorted.isEmpty()) {
        return "n=0";
      }
      return "p50 " + percentile(sorted, 50) + " / p95 " + percentile(sorted, 95) + " / max "
          + sorted.get(sorted.size() - 1) + " ms (n=" + sorted.size() + ")";
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(List<Long> sorted, int p) {
      int rank = (int) Math.ceil(p / 100.0 * sorted.size());
      return sorted.get(Math.max(0, rank - 1));
    }
  }

  static Result measure(Source source, Connection c, LakeTable lake, int probes, long commitIntervalMs, long timeoutMs)
      throws SQLException {
    Random random = new Random(42);
    List<Long> visible = new ArrayList<>();
    List<Long> committed = new ArrayList<>();
    for (int i = 0; i < probes; i++) {
      Equality.sleep((long) (random.nextDouble() * commitIntervalMs));
      long id = Workload.FIRST_PROBE_ID + i;
      long insertedAt = System.currentTimeMillis();
      Workload.insertProbe(source, c, id);
      long deadline = insertedAt + timeoutMs;
      while (!lake.contains(id)) {
        if (System.currentTimeMillis() > deadline) {
          throw new Equality.MismatchException("Probe row " + id + " was not visible after " + timeoutMs + " ms");
        }
        Equality.sleep(POLL_MS);
      }
      visible.add(System.currentTimeMillis() - insertedAt);
      lake.lastCommit().ifPresent(commit -> committed.add(commit.committedAt().toEpochMilli() - insertedAt));
    }
    return new Result(visible, committed);
  }
}
