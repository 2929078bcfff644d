package io.changelake.source.mysql;

import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.TableId;
import io.changelake.api.spi.ChangeListener;
import io.changelake.api.spi.SourceException;
import io.changelake.api.spi.SourceTable;
import io.changelake.api.source.ParallelChunkReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the initial snapshot of the captured tables, consistent at one binlog position, without a long
 * lock: {@code scan.snapshot.parallelism} connections each open a {@code START TRANSACTION WITH CONSISTENT
 * SNAPSHOT}, and they agree on the binlog position their snapshots see (MariaDB reports it per transaction
 * as {@code binlog_snapshot_file/position}; when they disagree, or on MySQL, a {@code FLUSH TABLES WITH READ
 * LOCK} holds commits only while the transactions open). Tables are split into primary-key ranges of about
 * {@code scan.incremental.snapshot.chunk.size} rows ({@link ChunkPlanner}); the connections read the chunks
 * in parallel, and the rows reach the listener as {@link Operation#SNAPSHOT} events from the calling thread
 * ({@link ParallelChunkReader}). An instance reads one snapshot: {@link #open}, then {@link #read}.
 */
final class SnapshotReader {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotReader.class);
  private static final int AGREEMENT_ATTEMPTS = 10;

  private final MysqlCatalog catalog;
  private final MysqlSourceConfig config;
  private final List<SourceTable> tables;
  private final Map<TableId, List<MysqlColumn>> columns;
  private final ParallelChunkReader<Chunk> chunkReader =
      new ParallelChunkReader<>("changelake-mysql-snapshot-", this::readChunk);
  private final int agreementAttempts;
  private final List<Connection> connections = new ArrayList<>();
  private List<Chunk> chunks;
  private MysqlPosition at;

  SnapshotReader(MysqlCatalog catalog, MysqlSourceConfig config, List<SourceTable> tables,
      Map<TableId, List<MysqlColumn>> columns) {
    this(catalog, config, tables, columns, AGREEMENT_ATTEMPTS);
  }

  /** @param agreementAttempts how often MariaDB's snapshot transactions may retry to see one position */
  SnapshotReader(MysqlCatalog catalog, MysqlSourceConfig config, List<SourceTable> tables,
      Map<TableId, List<MysqlColumn>> columns, int agreementAttempts) {
    this.agreementAttempts = agreementAttempts;
    this.catalog = catalog;
    this.config = config;
    this.tables = List.copyOf(tables);
    this.columns = Map.copyOf(columns);
  }

  /** A key range of one table. */
  private record Chunk(SourceTable table, KeyRange range) implements ParallelChunkReader.Chunk {
    @Override
    public String where() {
      return " " + range.describe();
    }
  }

  /**
   * Plans the chunks and opens the snapshot's transactions; returns the binlog position the snapshot is
   * consistent with: it holds every transaction committed before it and none after.
   */
  MysqlPosition open() throws SQLException {
    if (at != null) {
      throw new IllegalStateException("Snapshot already open");
    }
    try {
      chunks = plan();
      int workers = Math.min(config.snapshotParallelism(), chunks.size());
      for (int i = 0; i < workers; i++) {
        connections.add(chunkReader.track(catalog.connect()));
      }
      at = openTransactions(connections);
      return at;
    } catch (SQLException | RuntimeException e) {
      chunkReader.close();
      throw e;
    }
  }

  /**
   * Reads every table of the {@link #open} snapshot and hands each row to {@code listener}; returns the
   * number of rows. Closes the snapshot's connections.
   *
   * @param epoch orders this snapshot's rows after those of an earlier, interrupted one
   */
  long read(ChangeListener listener, long epoch) throws SQLException, InterruptedException {
    if (at == null) {
      throw new IllegalStateException("Snapshot not open");
    }
    try {
      LOG.info("Reading a snapshot of {} table(s) in {} chunk(s) with {} connection(s) as of {}",
          tables.size(), chunks.size(), connections.size(), at.describe());
      return chunkReader.read(chunks, connections, listener,
          ordinal -> MysqlPosition.snapshotRow(at.file(), at.offset(), epoch, ordinal));
    } finally {
      chunkReader.close();
    }
  }

  /** Interrupts a running {@link #read} from another thread by closing its connections. */
  void cancel() {
    chunkReader.close();
  }

  /**
   * Opens a consistent-snapshot transaction on each connection such that all see the same binlog
   * position, and returns it.
   */
  private MysqlPosition openTransactions(List<Connection> connections) throws SQLException {
    if (MysqlCatalog.isMariaDb(connections.get(0))) {
      for (int attempt = 0; attempt < agreementAttempts; attempt++) {
        List<MysqlPosition> seen = new ArrayList<>();
        for (Connection c : connections) {
          seen.add(begin(c));
        }
        if (!seen.contains(null) && seen.stream().distinct().count() == 1) {
          return seen.get(0);
        }
        for (Connection c : connections) {
          c.rollback();
        }
      }
      LOG.info("The snapshot transactions saw different binlog positions {} times; holding commits while they"
          + " open", agreementAttempts);
    }
    try (Connection lock = catalog.connect(); Statement s = lock.createStatement()) {
      try {
        s.execute("FLUSH TABLES WITH READ LOCK");
      } catch (SQLException e) {
        throw new SourceException("Opening a consistent snapshot on " + catalog.where() + " needs a brief"
            + " FLUSH TABLES WITH READ LOCK, which user '" + config.username() + "' may not run: " + e.getMessage()
            + ". Fix: GRANT RELOAD ON *.* TO '" + config.username() + "'@'%' (on MariaDB,"
            + " scan.snapshot.parallelism=1 also avoids the lock).",
            e);
      }
      try {
        for (Connection c : connections) {
          begin(c);
        }
        return MysqlCatalog.currentPosition(lock);
      } finally {
        s.execute("UNLOCK TABLES");
      }
    }
  }

  /**
   * Starts a read-only consistent-snapshot transaction; returns the binlog position MariaDB says it sees,
   * or null (MySQL).
   */
  private static MysqlPosition begin(Connection c) throws SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
      String file = null;
      long offset = -1;
      try (ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE 'binlog_snapshot_%'")) {
        while (rs.next()) {
          if (rs.getString(1).equalsIgnoreCase("binlog_snapshot_file")) {
            file = rs.getString(2);
          } else if (rs.getString(1).equalsIgnoreCase("binlog_snapshot_position")) {
            offset = rs.getLong(2);
          }
        }
      }
      return file == null || file.isEmpty() ? null : MysqlPosition.between(file, offset);
    }
  }

  private List<Chunk> plan() throws SQLException {
    ChunkPlanner planner = new ChunkPlanner(config.chunkSize());
    List<Chunk> planned = new ArrayList<>();
    try (Connection c = catalog.connect()) {
      for (SourceTable table : tables) {
        planner.plan(c, table, columns.get(table.id())).forEach(range -> planned.add(new Chunk(table, range)));
      }
    }
    return planned;
  }

  private void readChunk(Connection c, Chunk chunk, ParallelChunkReader.RowConsumer rows)
      throws SQLException, InterruptedException {
    List<MysqlColumn> cols = columns.get(chunk.table().id());
    String sql = "SELECT " + cols.stream().map(MysqlColumn::selectExpression).collect(Collectors.joining(", "))
        + " FROM " + MysqlCatalog.quote(chunk.table().id()) + chunk.range().where();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      chunk.range().bind(ps, 1);
      ps.setFetchSize(ParallelChunkReader.BATCH_ROWS);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Object[] values = new Object[cols.size()];
          for (int i = 0; i < values.length; i++) {
            values[i] = cols.get(i).fromJdbc(rs, i + 1);
          }
          rows.accept(Row.of(values));
        }
      }
    }
  }
}
