package io.changelake.bench;

import io.changelake.api.spi.CommitMetadata;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Proves that the lake table equals the source: waits until the digest of the table's latest version
 * equals the source's, and explains a difference row by row when it never does.
 */
final class Equality {
  private static final long POLL_MS = 200;

  private Equality() { }

  /** The lake equalled the source: seen {@code detectedSeconds} after the start, committed at {@code committedAt}. */
  record Match(double detectedSeconds, Instant committedAt, String digest) { }

  /** Explains why the lake differs from the source (a full comparison); called once, when the wait fails. */
  @FunctionalInterface
  interface Explainer {
    String explain() throws SQLException;
  }

  /** The lake never equalled the source. */
  static final class MismatchException extends RuntimeException {
    MismatchException(String message) {
      super(message);
    }
  }

  /**
   * Polls until {@code gate} passes (cheap: a commit flag, a point lookup) and the digest of a new
   * commit equals {@code expected.get()} (null while the source is still changing). The digest is
   * computed once per new position, never twice for the same one. A match counts only if no commit with a
   * newer position landed while digesting (the digest may have read it), so it is never credited to an earlier
   * commit; a commit at the same position (a compaction) holds the same rows and does not void it.
   *
   * @param startNanos what {@link Match#detectedSeconds()} is measured from
   * @param alive false once the process that should fill the table has died
   * @param explain the full comparison to report when the lake never equals the source
   */
  static Match await(LakeTable lake, Supplier<String> expected, BooleanSupplier gate, long startNanos,
                     Duration timeout, BooleanSupplier alive, Explainer explain) throws SQLException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String digestedPosition = null;
    String lastDigest = null;
    while (System.nanoTime() < deadline) {
      if (!alive.getAsBoolean()) {
        throw new MismatchException("The sync process died before the lake table equalled the source");
      }
      String want = expected.get();
      var commit = lake.lastCommit();
      if (want != null && commit.isPresent() && !commit.get().position().equals(digestedPosition)
          && gate.getAsBoolean()) {
        digestedPosition = commit.get().position();
        lastDigest = lake.digest();
        if (lastDigest.equals(want) && samePosition(lake.lastCommit(), commit)) {
          return new Match(Sql.since(startNanos), commit.get().committedAt(), lastDigest);
        }
        // not equal, or a commit with newer changes landed while digesting (the digest may hold them): look again
        continue;
      }
      sleep(POLL_MS);
    }
    String want = expected.get();
    throw new MismatchException("The lake table did not equal the source within " + timeout.toSeconds()
        + " s. Source digest " + want + ", lake digest " + lastDigest + ". "
        + (want == null ? "" : explain.explain()));
  }

  /**
   * Whether {@code now} holds the same source changes as {@code digested}: a commit without new changes (a
   * Paimon compaction the sync commits, with the same position) may land while digesting, and holds the same rows.
   */
  private static boolean samePosition(Optional<CommitMetadata> now, Optional<CommitMetadata> digested) {
    return now.map(CommitMetadata::position).equals(digested.map(CommitMetadata::position));
  }

  /**
   * A full comparison: every source row against the lake row with the same id, by a fingerprint of
   * all 14 values (16 in the typed variant). Names up to 10 differing ids.
   */
  static String compare(Connection source, LakeTable lake) throws SQLException {
    Map<Long, Long> sourceRows = new HashMap<>();
    try (Statement s = source.createStatement()) {
      source.setAutoCommit(false);   // lets the driver stream the rows in batches
      s.setFetchSize(10_000);
      try (ResultSet rs = s.executeQuery("SELECT * FROM orders")) {
        boolean typed = hasColumn(rs, OrderRow.MOOD);
        while (rs.next()) {
          OrderRow row = OrderRow.fromJdbc(rs, typed);
          sourceRows.put(row.id(), row.fingerprint());
        }
      }
    } finally {
      source.setAutoCommit(true);
    }
    return compare(sourceRows, lake);
  }

  /**
   * A full comparison of the lake against the expected rows, given as id → {@link OrderRow#fingerprint()}
   * (emptied on the way). Names up to 10 differing ids.
   */
  static String compare(Map<Long, Long> sourceRows, LakeTable lake) {
    List<String> differences = new ArrayList<>();
    long[] counts = new long[3];   // differing, only in lake, only in source
    lake.scan(row -> {
      Long fingerprint = sourceRows.remove(row.id());
      if (fingerprint == null) {
        note(differences, counts, 1, "id " + row.id() + " is in the lake but not in the source");
      } else if (!Objects.equals(fingerprint, row.fingerprint())) {
        note(differences, counts, 0, "id " + row.id() + " differs: lake row " + row);
      }
    });
    sourceRows.keySet().stream().sorted().forEach(id ->
        note(differences, counts, 2, "id " + id + " is in the source but not in the lake"));
    long total = counts[0] + counts[1] + counts[2];
    if (total == 0) {
      return "Full comparison: every row is equal.";
    }
    return "Full comparison: " + counts[0] + " rows differ, " + counts[1] + " only in the lake, " + counts[2]
        + " only in the source; " + String.join("; ", differences) + (total > differences.size() ? "; ..." : "");
  }

  private static void note(List<String> differences, long[] counts, int kind, String text) {
    counts[kind]++;
    if (differences.size() < 10) {
      differences.add(text);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  private static boolean hasColumn(ResultSet rs, String name) throws SQLException {
    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
      if (rs.getMetaData().getColumnName(i).equals(name)) {
        return true;
      }
    }
    return false;
  }
}
