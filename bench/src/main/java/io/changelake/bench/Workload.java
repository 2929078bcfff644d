package io.changelake.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The anchors' workload on {@code orders}: ROWS deterministic rows, then CHANGES single-row changes
 * (50% UPDATE, 30% INSERT, 20% DELETE) committed every 100, then freshness probe rows. The SQL is the
 * anchors' ({@code shared/anchors/workload}) in each source's dialect, in that source's
 * {@link Source#sqlFolder()}; the typed variant adds two columns and the trigger that fills them
 * ({@code postgres/typed.sql}).
 */
final class Workload {
  /** Ids from here on are freshness probes; the stream never touches them. */
  static final long FIRST_PROBE_ID = 1_000_000_000_000L;

  private Workload() { }

  /** What loading took. */
  record Load(long rows, double seconds, String size) { }

  /** The workload's table: the anchors' 14 columns, or those plus an enum and an int[] column. */
  enum Variant {
    PLAIN, TYPED
  }

  /** Installs the stream procedure of {@code source}; call before {@link #stream}. */
  static void prepareStream(Source source, Connection c) throws SQLException {
    Sql.execute(c, Sql.resource(source.sqlFolder() + "stream.sql"));
  }

  /** Applies {@code changes} changes as fast as the server takes them; returns the seconds it took. */
  static double stream(Connection c, int changes) throws SQLException {
    long start = System.nanoTime();
    Sql.execute(c, "CALL anchor_stream(" + changes + ")");
    return Sql.since(start);
  }

  /** The id of the last row the stream inserts, given the table's largest id before it. */
  static long lastInsertedId(long maxIdBefore, int changes) {
    int rest = changes % 10;
    long inserts = (changes / 10) * 3L + (rest >= 9 ? 3 : rest >= 5 ? 2 : rest >= 1 ? 1 : 0);
    return maxIdBefore + inserts;
  }

  /** The largest id below the probe range. */
  static long maxId(Connection c) throws SQLException {
    return Sql.number(c, "SELECT max(id) FROM orders WHERE id < " + FIRST_PROBE_ID);
  }

  /** Inserts one probe row (autocommit) with {@code source}'s {@code probe.sql}. */
  static void insertProbe(Source source, Connection c, long id) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(Sql.resource(source.sqlFolder() + "probe.sql"))) {
      s.setLong(1, id);
      s.executeUpdate();
    }
  }
}
