package io.changelake.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The source database the bench measures changelake against: its private server, the workload's SQL in
 * its dialect (a resource folder holding {@code schema.sql}, {@code load.sql}, {@code stream.sql} with the
 * procedure {@code anchor_stream(n)}, {@code probe.sql} and {@code checksum.sql}), the source side of the
 * digest, the server's own limits and the sync's source flags. Everything else in a round is common.
 */
interface Source extends AutoCloseable {
  /** The database the workload lives in. */
  String DATABASE = "bench";

  /** How the results block names this source's figures. */
  Labels labels();

  /** The server, its version and settings, for the results block. */
  String description();

  /** The folder of this source's workload SQL, next to this class (e.g. {@code postgres/}). */
  String sqlFolder();

  /** Drops the bench database (and what captures it) if present, then creates it empty. */
  void recreateDatabase();

  /** A new autocommit connection to {@link #DATABASE}; the caller closes it. */
  Connection connect() throws SQLException;

  /** Creates {@code orders} and loads {@code rows} rows, then makes the table ready to read (statistics, flush). */
  Workload.Load load(Connection c, long rows, Workload.Variant variant) throws SQLException;

  /** The source side of the equality check, in the format of {@link Digest#value()}. */
  String digest(Connection c) throws SQLException;

  /** The server handing out the whole table: the most any snapshot reader can get. */
  Rate scanLimit(Connection c, long rows) throws SQLException;

  /** Starts keeping the change log that {@link #changeLogLimit} reads; returns where it starts. */
  String openChangeLog(Connection c) throws SQLException;

  /** The change log's end now (after the stream). */
  String changeLogEnd(Connection c) throws SQLException;

  /** Reads the change log from {@code from} to {@code to}: the most any streaming reader can get. */
  Rate changeLogLimit(Connection c, String from, String to, long changes) throws SQLException;

  /** changelake sync-table's flags that pick and reach this source, {@code capture} naming the round's capture. */
  List<String> syncArguments(String capture);

  /** Releases what a stopped sync left on the server (replication slots); nothing where nothing is left. */
  void releaseCaptures();

  @Override
  void close();

  /**
   * Row labels of the source's figures and the short names of its limits in ratios ("× COPY").
   *
   * @param load the load's row label
   * @param scanLimit the snapshot limit's row label
   * @param scanRatio the snapshot limit's name in ratios
   * @param changeLogLimit the streaming limit's row label
   * @param changeLogRatio the streaming limit's name in ratios
   * @param apply the source-side stream apply's row label
   */
  record Labels(String load, String scanLimit, String scanRatio, String changeLogLimit, String changeLogRatio,
                String apply) { }
}
