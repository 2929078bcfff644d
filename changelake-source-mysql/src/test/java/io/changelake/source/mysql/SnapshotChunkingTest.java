package io.changelake.source.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.spi.SourceTable;
import io.changelake.api.spi.TableFilter;
import io.changelake.api.testing.CollectingListener;
import io.changelake.testkit.MariaDbServer;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Snapshots of tables whose primary key is not one integer column, split into many small chunks on a real
 * MariaDB server: each table read equals the source row by row, no row twice, none missed at a boundary,
 * whatever the key's type and collation.
 */
class SnapshotChunkingTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String DB = "chunks";
  private static final int ROWS = 2000;
  private static final int CHUNK = 75;
  /** Prefixes whose order differs between the server's collations and Java's String order. */
  private static final String PREFIXES = "'apple', 'Banana', 'éclair', 'Zebra', 'zoo', '😀smile', '𝄞clef', 'Ähre'";
  private static MariaDbServer db;

  @BeforeAll
  static void startServer() {
    db = MariaDbServer.start();
    db.createDatabase(DB);
    String prefix = "ELT(1 + seq % 8, " + PREFIXES + ")";
    db.execute(DB,
        // case- and accent-insensitive, 4-byte characters told apart
        "CREATE TABLE names (name varchar(40) COLLATE utf8mb4_unicode_520_ci PRIMARY KEY, v int)",
        "INSERT INTO names SELECT CONCAT(" + prefix + ", '-', seq), seq FROM seq_1_to_" + ROWS,
        // the 4-byte characters all weigh the same here: one of them per rest of the key
        "CREATE TABLE pairs (g int, name varchar(20) COLLATE utf8mb4_general_ci, v varchar(10),"
            + " PRIMARY KEY (g, name))",
        "INSERT INTO pairs SELECT seq % 7, CONCAT(ELT(1 + seq % 4, 'a', 'B', 'é', 'Ω'), seq), seq FROM seq_1_to_" + ROWS,
        "CREATE TABLE amounts (amount decimal(20,6) PRIMARY KEY, v int)",
        "INSERT INTO amounts SELECT (CAST(seq AS SIGNED) - 1000) * 1.000001, seq FROM seq_1_to_" + ROWS,
        "CREATE TABLE stamps (at datetime(6), b varbinary(4), v int, PRIMARY KEY (at, b))",
        // three rows per time, told apart by their bytes
        "INSERT INTO stamps SELECT '2024-01-01 00:00:00' + INTERVAL (seq DIV 3) SECOND"
            + " + INTERVAL (seq DIV 3) * 7 MICROSECOND, UNHEX(HEX(seq % 300)), seq FROM seq_1_to_" + ROWS);
  }

  @AfterAll
  static void stopServer() {
    if (db != null) {
      db.close();
    }
  }

  @Test
  void everyKeyTypeSplitsIntoChunksThatHoldEachRowOnce() throws Exception {
    CollectingListener events = new CollectingListener();
    MysqlSourceConfig config = MysqlTestConfig.of(db, DB, "names|pairs|amounts|stamps",
        "scan.incremental.snapshot.chunk.size=" + CHUNK, "scan.snapshot.parallelism=3");
    List<SourceTable> tables;
    try (MysqlSource source = new MysqlSource(config, TableFilter.ALL)) {
      tables = source.discover();
      source.start(Optional.empty(), events);
      events.awaitProgress(p -> p.describe().startsWith("snapshot-done"), WAIT);
    }
    assertRead(events, "names", "SELECT name, v FROM names", rs -> Row.of(rs.getString(1), rs.getInt(2)), 1);
    assertRead(events, "pairs", "SELECT g, name, v FROM pairs",
        rs -> Row.of(rs.getInt(1), rs.getString(2), rs.getString(3)), 2);
    assertRead(events, "amounts", "SELECT amount, v FROM amounts", rs -> Row.of(rs.getBigDecimal(1), rs.getInt(2)), 1);
    assertRead(events, "stamps", "SELECT at, b, v FROM stamps",
        rs -> Row.of(rs.getObject(1, LocalDateTime.class), ByteBuffer.wrap(rs.getBytes(2)), rs.getInt(3)), 2);

    MysqlCatalog catalog = new MysqlCatalog(config);
    Map<TableId, List<MysqlColumn>> columns = new HashMap<>();
    try (Connection c = catalog.connect()) {
      catalog.discover(c, id -> true, "all", columns);
      for (SourceTable table : tables) {
        List<KeyRange> ranges = new ChunkPlanner(CHUNK).plan(c, table, columns.get(table.id()));
        assertEquals((ROWS + CHUNK - 1) / CHUNK, ranges.size(), table.id() + ": chunks of exactly " + CHUNK + " rows");
      }
    }
  }

  @Test
  void aChunksConditionIsARangeOfThePrimaryKey() throws Exception {
    MysqlSourceConfig config = MysqlTestConfig.of(db, DB, "pairs", "scan.incremental.snapshot.chunk.size=" + CHUNK);
    MysqlCatalog catalog = new MysqlCatalog(config);
    Map<TableId, List<MysqlColumn>> columns = new HashMap<>();
    try (Connection c = catalog.connect()) {
      SourceTable pairs = catalog.discover(c, id -> id.name().equals("pairs"), "pairs", columns).get(0);
      KeyRange middle = new ChunkPlanner(CHUNK).plan(c, pairs, columns.get(pairs.id())).get(10);
      try (var ps = c.prepareStatement("EXPLAIN SELECT * FROM pairs" + middle.where())) {
        middle.bind(ps, 1);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          assertEquals("range PRIMARY", rs.getString("type") + " " + rs.getString("key"), middle.where());
          assertTrue(rs.getLong("rows") < ROWS / 2, "rows examined: " + rs.getLong("rows"));
        }
      }
    }
  }

  @Test
  void theServersKeyOrderIsNotJavas() throws Exception {
    List<String> server = new ArrayList<>();
    try (Connection c = db.connect(DB); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT name FROM names WHERE name LIKE '%-1_' ORDER BY name")) {
      while (rs.next()) {
        server.add(rs.getString(1));
      }
    }
    List<String> java = server.stream().sorted().toList();
    assertNotEquals(java, server, "bounds compared in Java would split this table wrongly");
  }

  @FunctionalInterface
  private interface RowReader {
    Row read(ResultSet rs) throws Exception;
  }

  /** The snapshot rows of {@code table} are exactly the source's, each once. */
  private static void assertRead(CollectingListener events, String table, String query, RowReader reader,
      int keyColumns) throws Exception {
    List<ChangeEvent> read = events.events().stream()
        .filter(e -> e.table().name().equals(table) && e.operation() == Operation.SNAPSHOT).toList();
    Map<RowKey, Row> snapshot = new HashMap<>();
    for (ChangeEvent e : read) {
      Row row = normalized(e.after());
      assertEquals(null, snapshot.put(key(row, keyColumns), row), table + ": read twice");
    }
    Map<RowKey, Row> expected = new HashMap<>();
    try (Connection c = db.connect(DB); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
      while (rs.next()) {
        Row row = normalized(reader.read(rs));
        expected.put(key(row, keyColumns), row);
      }
    }
    assertEquals(ROWS, expected.size());
    Map<RowKey, Row> missing = new HashMap<>(expected);
    missing.keySet().removeAll(snapshot.keySet());
    assertEquals(Map.of(), missing, table + ": rows not read");
    assertEquals(expected, snapshot, table);
  }

  private static RowKey key(Row row, int columns) {
    List<Object> key = new ArrayList<>();
    for (int i = 0; i < columns; i++) {
      key.add(row.get(i));
    }
    return new RowKey(key);
  }

  /** Decimals without trailing zeros, so that equal values compare equal. */
  private static Row normalized(Row row) {
    Object[] values = new Object[row.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = row.get(i) instanceof BigDecimal d ? d.stripTrailingZeros() : row.get(i);
    }
    return Row.of(values);
  }
}
