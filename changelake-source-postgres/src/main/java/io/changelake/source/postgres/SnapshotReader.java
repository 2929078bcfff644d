package io.changelake.source.postgres;

import io.changelake.api.model.Column;
import io.changelake.api.model.Operation;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.ChangeListener;
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
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the initial snapshot of the captured tables as of an {@link ExportedSnapshot}, without
 * Debezium: each table is split into chunks of pages ({@code ctid} ranges, which PostgreSQL 14 and
 * later scan directly; one chunk per table before that), the chunks are read by {@code
 * scan.snapshot.parallelism} connections that all adopt the exported snapshot, and the rows are
 * handed to the listener as {@link Operation#SNAPSHOT} events from the calling thread ({@link
 * ParallelChunkReader}). A chunk is read with one binary {@code COPY}, which runs in the transaction that
 * adopted the snapshot.
 *
 * <p>Each column is decoded as its {@link PgType} says, so that a snapshot row holds exactly the values the
 * stream gives the same row: every type {@link BinaryCopyValues#supports} when changelake's reader streams,
 * only those Debezium decodes alike ({@link #sameAsDebezium}) when Debezium streams.
 */
final class SnapshotReader {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotReader.class);
  private static final int TID_RANGE_SCAN_MAJOR_VERSION = 14;

  private final PostgresCatalog catalog;
  private final PostgresSourceConfig config;
  private final List<SourceTable> tables;
  private final Map<TableId, List<PgType>> types;
  private final ParallelChunkReader<Chunk> chunkReader =
      new ParallelChunkReader<>("changelake-snapshot-", this::readChunk);

  /** @param types the type of each column of each table, in schema order, which {@link BinaryCopyValues} decodes */
  SnapshotReader(PostgresCatalog catalog, PostgresSourceConfig config, List<SourceTable> tables,
      Map<TableId, List<PgType>> types) {
    this.catalog = catalog;
    this.config = config;
    this.tables = List.copyOf(tables);
    this.types = Map.copyOf(types);
  }

  /** Whether Debezium decodes every column of {@code tables} as this reader does. */
  static boolean sameAsDebezium(List<SourceTable> tables) {
    return tables.stream().allMatch(t -> t.schema().columns().stream().allMatch(BinaryCopyValues::sameAsDebezium));
  }

  /** The column types of {@code tables} by their names alone (base types), for {@link #sameAsDebezium} tables. */
  static Map<TableId, List<PgType>> byName(List<SourceTable> tables) {
    return tables.stream().collect(Collectors.toMap(SourceTable::id,
        t -> t.schema().columns().stream().map(c -> PgType.base(c.sourceType())).toList()));
  }

  /** The columns of {@code tables} whose {@code types} this reader cannot decode, for the log; empty when none. */
  static String unreadable(List<SourceTable> tables, Map<TableId, List<PgType>> types) {
    List<String> found = new ArrayList<>();
    for (SourceTable t : tables) {
      List<PgType> columns = types.get(t.id());
      for (int i = 0; i < columns.size(); i++) {
        if (!BinaryCopyValues.supports(columns.get(i))) {
          found.add(t.id() + "." + t.schema().column(i).name() + " (" + columns.get(i).name() + ")");
        }
      }
    }
    return String.join(", ", found);
  }

  /** A range of pages of one table; {@code toPage} -1 for no upper bound, {@code fromPage} -1 for the whole table. */
  private record Chunk(SourceTable table, long fromPage, long toPage) implements ParallelChunkReader.Chunk {
    @Override
    public String where() {
      if (fromPage < 0) {
        return "";
      }
      String from = " WHERE ctid >= '(" + fromPage + ",0)'::tid";
      return toPage < 0 ? from : from + " AND ctid < '(" + toPage + ",0)'::tid";
    }
  }

  /**
   * Reads every table as of {@code snapshot} and hands each row to {@code listener} as a SNAPSHOT
   * event at the snapshot's consistent point; returns the number of rows once all were handed over.
   *
   * @param epoch orders this snapshot's rows after those of an earlier, interrupted one
   */
  long read(ExportedSnapshot snapshot, ChangeListener listener, long epoch) throws SQLException, InterruptedException {
    try {
      List<Chunk> chunks = plan();
      int workers = Math.min(config.snapshotParallelism(), chunks.size());
      LOG.info("Reading the initial snapshot of {} table(s) in {} chunk(s) with {} connection(s) as of {}",
          tables.size(), chunks.size(), workers, PostgresPosition.formatLsn(snapshot.consistentLsn()));
      List<Connection> connections = new ArrayList<>();
      for (int i = 0; i < workers; i++) {
        connections.add(adopt(chunkReader.track(catalog.connect()), snapshot.name()));
      }
      Map<String, Object> partition = PostgresPosition.PARTITION;
      Map<String, Object> offset = Map.of("lsn", snapshot.consistentLsn(), "snapshot", true);
      return chunkReader.read(chunks, connections, listener,
          ordinal -> PostgresPosition.snapshotRow(snapshot.consistentLsn(), epoch, ordinal, partition, offset));
    } finally {
      chunkReader.close();
    }
  }

  /** Interrupts a running {@link #read} from another thread by closing its connections. */
  void cancel() {
    chunkReader.close();
  }

  /** Starts a read-only transaction on {@code c} that sees the exported snapshot {@code snapshotName}. */
  static Connection adopt(Connection c, String snapshotName) throws SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      s.execute("SET TRANSACTION SNAPSHOT '" + snapshotName + "'");
    }
    return c;
  }

  private List<Chunk> plan() throws SQLException {
    List<Chunk> chunks = new ArrayList<>();
    try (Connection c = catalog.connect()) {
      boolean tidRanges = c.getMetaData().getDatabaseMajorVersion() >= TID_RANGE_SCAN_MAJOR_VERSION;
      for (SourceTable table : tables) {
        chunks.addAll(tidRanges ? pageChunks(c, table) : List.of(new Chunk(table, -1, -1)));
      }
    }
    return chunks;
  }

  /** Chunks of about {@code scan.snapshot.chunk.size} rows, by the table's pages and rows per page. */
  private List<Chunk> pageChunks(Connection c, SourceTable table) throws SQLException {
    long pages;
    double rowsPerPage;
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_relation_size(c.oid) / current_setting('block_size')::int,"
        + " c.reltuples, c.relpages FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE n.nspname = ? AND c.relname = ?")) {
      ps.setString(1, table.id().namespace());
      ps.setString(2, table.id().name());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        pages = rs.getLong(1);
        rowsPerPage = rs.getDouble(2) > 0 && rs.getLong(3) > 0 ? rs.getDouble(2) / rs.getLong(3) : 1;
      }
    }
    long pagesPerChunk = Math.max(1, (long) (config.snapshotChunkSize() / rowsPerPage));
    List<Chunk> chunks = new ArrayList<>();
    for (long from = 0; from + pagesPerChunk < pages; from += pagesPerChunk) {
      chunks.add(new Chunk(table, from, from + pagesPerChunk));
    }
    long last = chunks.isEmpty() ? 0 : chunks.get(chunks.size() - 1).toPage();
    chunks.add(new Chunk(table, last, -1));
    return chunks;
  }

  private void readChunk(Connection c, Chunk chunk, ParallelChunkReader.RowConsumer rows)
      throws SQLException, InterruptedException {
    TableSchema schema = chunk.table().schema();
    List<PgType> columnTypes = types.get(chunk.table().id());
    BinaryCopyValues.Decoder[] decoders = new BinaryCopyValues.Decoder[schema.size()];
    for (int i = 0; i < decoders.length; i++) {
      decoders[i] = BinaryCopyValues.decoder(schema.column(i).type(), columnTypes.get(i));
    }
    String sql = "COPY (SELECT " + schema.columns().stream().map(Column::name).map(PostgresCatalog::quoteIdent)
        .collect(Collectors.joining(", ")) + " FROM " + PostgresCatalog.quoteTable(chunk.table().id()) + chunk.where()
        + ") TO STDOUT (FORMAT binary)";
    BinaryCopyReader copy = new BinaryCopyReader(c.unwrap(PGConnection.class).getCopyAPI().copyOut(sql), decoders);
    for (Object[] values = copy.next(); values != null; values = copy.next()) {
      rows.accept(PostgresRecordDecoder.toRow(chunk.table().id(), schema, values));
    }
  }
}
