package io.changelake.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The anchors' workload on {@code orders}: ROWS deterministic rows, then CHANGES single-row changes
 * (50% UPDATE, 30% INSERT, 20% DELETE) committed every 100, then freshness probe rows. The SQL is
 * the anchors' ({@code shared/anchors/workload}), copied into this module's resources; the typed
 * variant adds two columns and the trigger that fills them ({@code typed.sql}).
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

  /**
   * (Re)creates {@code orders} ({@code typed.sql} adds the typed variant's columns), loads {@code rows}
   * rows, then VACUUM ANALYZE and CHECKPOINT.
   */
  static Load load(Connection c, long rows, Variant variant) throws SQLException {
    Sql.execute(c, Sql.resource("schema.sql"));
    if (variant == Variant.TYPED) {
      Sql.execute(c, Sql.resource("typed.sql"));
    }
    long start = System.nanoTime();
    Sql.execute(c, Sql.resource("load.sql").replace("{ROWS}", Long.toString(rows)));
    Sql.execute(c, "VACUUM ANALYZE orders");
    Sql.execute(c, "CHECKPOINT");
    double seconds = Sql.since(start);
    return new Load(rows, seconds, Sql.text(c, "SELECT pg_size_pretty(pg_total_relation_size('orders'))"));
  }

  /** Installs the stream procedure; call before {@link #stream}. */
  static void prepareStream(Connection c) throws SQLException {
    Sql.execute(c, Sql.resource("stream.sql"));
  }

  /** Applies {@code changes} changes as fast as PostgreSQL takes them; returns the seconds it took. */
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

  /** Inserts one probe row (autocommit). */
  static void insertProbe(Connection c, long id) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(Sql.resource("probe.sql"))) {
      s.setLong(1, id);
      s.executeUpdate();
    }
  }

  /**
   * The source side of the equality check: {@code checksum.sql} run by PostgreSQL, then {@code
   * checksum-typed.sql}'s fields when the table has the typed variant's columns.
   */
  static String digest(Connection c) throws SQLException {
    String digest = Sql.text(c, Sql.resource("checksum.sql"));
    boolean typed = Sql.number(c, "SELECT count(*) FROM pg_attribute WHERE attrelid = 'orders'::regclass"
        + " AND attname = '" + OrderRow.MOOD + "' AND NOT attisdropped") > 0;
    return typed ? digest + "|" + Sql.text(c, Sql.resource("checksum-typed.sql")) : digest;
  }
}
