package io.changelake.bench;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * PostgreSQL's own limits on the same data, the upper bounds for any CDC reader: how fast the server
 * hands out a table ({@code COPY TO '/dev/null'}) and how fast it decodes the stream's WAL with
 * pgoutput ({@code pg_logical_slot_get_binary_changes} on a slot created before the stream).
 */
final class PostgresLimits {
  static final String SLOT = "bench_slot";
  static final String PUBLICATION = "bench_pub";

  private PostgresLimits() { }

  /** A measured rate: {@code count} items in {@code seconds}. */
  record Rate(long count, double seconds, long messages) {
    double perSecond() {
      return count / seconds;
    }
  }

  /** Server-side {@code COPY orders TO '/dev/null'} (text format). */
  static Rate copy(Connection c, long rows) throws SQLException {
    long start = System.nanoTime();
    Sql.execute(c, "COPY orders TO '/dev/null'");
    return new Rate(rows, Sql.since(start), rows);
  }

  /** Creates the publication and the pgoutput slot whose changes {@link #decode} consumes. */
  static void openSlot(Connection c) throws SQLException {
    Sql.execute(c, "CREATE PUBLICATION " + PUBLICATION + " FOR TABLE orders");
    Sql.execute(c, "SELECT pg_create_logical_replication_slot('" + SLOT + "', 'pgoutput')");
  }

  /**
   * Decodes everything up to {@code endLsn} from the slot (pgoutput protocol 1, in the server), then
   * drops the slot. The rate is {@code changes} per second; {@code messages} counts what pgoutput sent.
   */
  static Rate decode(Connection c, String endLsn, long changes) throws SQLException {
    long start = System.nanoTime();
    long messages = Sql.number(c, "SELECT count(*) FROM pg_logical_slot_get_binary_changes('" + SLOT + "', '"
        + endLsn + "', NULL, 'proto_version', '1', 'publication_names', '" + PUBLICATION + "')");
    double seconds = Sql.since(start);
    Sql.execute(c, "SELECT pg_drop_replication_slot('" + SLOT + "')");
    return new Rate(changes, seconds, messages);
  }
}
