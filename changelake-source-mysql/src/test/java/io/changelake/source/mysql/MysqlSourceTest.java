package io.changelake.source.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.SourceException;
import io.changelake.api.spi.TableFilter;
import io.changelake.api.testing.CollectingListener;
import io.changelake.testkit.MariaDbServer;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The MySQL source against a real MariaDB 11.4 server (the test kit's). */
class MysqlSourceTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String DB = "shop";
  private static MariaDbServer db;

  @BeforeAll
  static void startServer() {
    db = MariaDbServer.start();
    db.createDatabase(DB);
  }

  @AfterAll
  static void stopServer() {
    if (db != null) {
      db.close();
    }
  }

  static MysqlSource source(String tables, String... extra) {
    return new MysqlSource(config(tables, extra), TableFilter.ALL);
  }

  static MysqlSourceConfig config(String tables, String... extra) {
    return MysqlTestConfig.of(db, DB, tables, extra);
  }

  static final String TYPES_TABLE = "CREATE TABLE %s (id int primary key,"
      + " ti tinyint, tiu tinyint unsigned, si smallint, siu smallint unsigned, mi mediumint, y year,"
      + " miu mediumint unsigned, i int, iu int unsigned, bi bigint, biu bigint unsigned,"
      + " d decimal(10,2), dbig decimal(65,30), f float, dd double,"
      + " dt date, dtm datetime(6), ts timestamp(6) NULL DEFAULT NULL, tm time(6), tm0 time, tm3 time(3),"
      + " b1 bit(1), b10 bit(10), b64 bit(64), e enum('a','b','c d'), s set('x','y','z'),"
      + " j json, c char(5), vc varchar(20), tx text, lt longtext, l1 varchar(10) CHARACTER SET latin1,"
      + " bn binary(4), vb varbinary(10), bl blob, g geometry, p point, tail varchar(10))";

  /** Four rows of every type, ids {@code base+1..base+4}: extremes, ordinary values, nulls, odd dates. */
  static String[] typeRows(String table, int base) {
    String insert = "INSERT INTO " + table + " VALUES (";
    return new String[] {
        insert + (base + 1) + ", -128, 255, -32768, 65535, -8388608, 0, 16777215, -2147483648, 4294967295,"
            + " -9223372036854775808, 18446744073709551615, -12345678.91,"
            + " '12345678901234567890123456789012345.123456789012345678901234567890', 0.1, 0.1,"
            + " '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '838:59:59.999999', '-838:59:59',"
            + " '-00:00:00.001', b'1', b'1000000001', b'1111111111111111111111111111111111111111111111111111111111111111',"
            + " 'c d', 'x,z', '{\"a\": [1, 2, \"é\"]}', 'ab', 'héllo 😀', 'text', REPEAT('x', 70000), 'café',"
            + " x'0102', x'00ff', x'deadbeef', ST_GeomFromText('LINESTRING(0 0,1 1)'), POINT(1, 2), 'après')",
        insert + (base + 2) + ", 127, 0, 32767, 0, 8388607, 2155, 0, 2147483647, 0, 9223372036854775807,"
            + " 9223372036854775808, 99999999.99, '-0.000000000000000000000000000001', -3.4e38, -1.7976931348623157e308,"
            + " '2024-02-29', '2024-02-29 12:34:56.123456', '2024-02-29 12:34:56.654321', '-00:00:01.500000',"
            + " '100:00:00', '23:59:59.999', b'0', b'0000000011', b'0', 'a', '', 'null', 'abcde', '', '', '', '',"
            + " x'01020304', x'', x'', POINT(0, 0), POINT(-1.5, 2.25), '')",
        insert + (base + 3) + ", NULL".repeat(38) + ")",
        insert + (base + 4) + ", 0, 1, 0, 1, 0, 1901, 1, 0, 1, 0, 1, 0, 0, 1.17549435e-38, 4.9e-324,"
            + " '2020-00-15', '1000-01-01 00:00:00', '1970-01-01 00:00:01', '00:00:00', '-00:00:01', '00:00:00.5',"
            + " NULL, NULL, NULL, 'b', 'x,y,z', '[]', ' a', 'a ', ' ', 'y', 'ÿ', x'00', x'00', x'00',"
            + " ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))'), POINT(3, 4), 't')"};
  }

  @Test
  void everyTypeReadsTheSameFromTheSnapshotAndFromTheBinlog() throws Exception {
    db.execute(DB, String.format(TYPES_TABLE, "types"));
    db.execute(DB, withZeroDates(typeRows("types", 0)));
    CollectingListener events = new CollectingListener();
    try (MysqlSource source = source("types")) {
      TableSchema discovered = source.discover().get(0).schema();
      source.start(Optional.empty(), events);
      List<ChangeEvent> snapshot = events.awaitEvents(e -> e.operation() == Operation.SNAPSHOT, 4, WAIT);
      db.execute(DB, withZeroDates(typeRows("types", 100)));
      List<ChangeEvent> streamed = events.awaitEvents(e -> e.operation() == Operation.INSERT, 4, WAIT);
      assertEquals(discovered, streamed.get(0).schema(), "the binlog's schema is the catalog's");
      Map<Object, Row> fromSnapshot = byId(snapshot);
      Map<Object, Row> fromBinlog = byId(streamed);
      for (int id = 1; id <= 4; id++) {
        Row a = fromSnapshot.get(id);
        Row b = fromBinlog.get(id + 100);
        for (int c = 1; c < discovered.size(); c++) {
          assertEquals(a.get(c), b.get(c), "row " + id + " column " + discovered.column(c).name());
        }
      }
      assertValues(discovered, fromSnapshot);
    }
  }

  /** Runs the inserts in a session that accepts zero dates, as an application on an old sql_mode would. */
  private static String[] withZeroDates(String[] rows) {
    String[] all = new String[rows.length + 1];
    all[0] = "SET SESSION sql_mode = ''";
    System.arraycopy(rows, 0, all, 1, rows.length);
    return new String[] {String.join("; ", all)};
  }

  private static void assertValues(TableSchema schema, Map<Object, Row> rows) {
    Row max = rows.get(1);
    Row odd = rows.get(2);
    Row dates = rows.get(4);
    assertEquals(DataType.decimal(20, 0), type(schema, "biu"));
    assertEquals(DataType.LONG, type(schema, "iu"));
    assertEquals(DataType.STRING, type(schema, "dbig"));
    assertEquals(DataType.TIMESTAMPTZ, type(schema, "ts"));
    assertEquals(255, value(schema, max, "tiu"));
    assertEquals(16777215, value(schema, max, "miu"));
    assertEquals(4294967295L, value(schema, max, "iu"));
    assertEquals(new BigDecimal("18446744073709551615"), value(schema, max, "biu"));
    assertEquals(new BigDecimal("9223372036854775808"), value(schema, odd, "biu"));
    assertEquals("12345678901234567890123456789012345.123456789012345678901234567890", value(schema, max, "dbig"));
    assertEquals(new BigDecimal("-12345678.91"), value(schema, max, "d"));
    assertEquals(0.1f, value(schema, max, "f"));
    assertEquals(-3.4e38f, value(schema, odd, "f"));
    assertNull(value(schema, max, "dt"), "zero date");
    assertNull(value(schema, max, "dtm"), "zero datetime");
    assertNull(value(schema, max, "ts"), "zero timestamp");
    assertNull(value(schema, dates, "dt"), "date with month 0");
    assertEquals(((838 * 60 + 59) * 60 + 59) * 1_000_000L + 999_999, value(schema, max, "tm"));
    assertEquals(-((838 * 60 + 59) * 60 + 59) * 1_000_000L, value(schema, max, "tm0"));
    assertEquals(-1_000L, value(schema, max, "tm3"));
    assertEquals(-1_500_000L, value(schema, odd, "tm"));
    assertEquals(500_000L, value(schema, dates, "tm3"));
    assertEquals(0, value(schema, max, "y"));
    assertEquals(2155, value(schema, odd, "y"));
    assertEquals(LocalDate.of(2024, 2, 29), value(schema, odd, "dt"));
    assertEquals(LocalDateTime.of(2024, 2, 29, 12, 34, 56, 123_456_000), value(schema, odd, "dtm"));
    assertEquals(OffsetDateTime.of(2024, 2, 29, 12, 34, 56, 654_321_000, ZoneOffset.UTC), value(schema, odd, "ts"));
    assertEquals(OffsetDateTime.of(1970, 1, 1, 0, 0, 1, 0, ZoneOffset.UTC), value(schema, dates, "ts"));
    assertEquals(true, value(schema, max, "b1"));
    assertEquals(513L, value(schema, max, "b10"));
    assertEquals(3L, value(schema, odd, "b10"));
    assertEquals(-1L, value(schema, max, "b64"));
    assertEquals("c d", value(schema, max, "e"));
    assertEquals("x,z", value(schema, max, "s"));
    assertEquals("", value(schema, odd, "s"));
    assertEquals("{\"a\": [1, 2, \"é\"]}", value(schema, max, "j"));
    assertEquals("héllo 😀", value(schema, max, "vc"));
    assertEquals("café", value(schema, max, "l1"));
    assertEquals(70000, ((String) value(schema, max, "lt")).length());
    assertEquals("après", value(schema, max, "tail"), "text after spatial columns");
    assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 0, 0}), value(schema, max, "bn"));
    assertEquals(ByteBuffer.wrap(HexFormat.of().parseHex("0101000000000000000000f03f0000000000000040")),
        value(schema, max, "p"), "POINT(1 2) as WKB");
  }

  private static DataType type(TableSchema schema, String column) {
    return schema.column(column).orElseThrow().type();
  }

  private static Object value(TableSchema schema, Row row, String column) {
    return row.get(schema.indexOf(column));
  }

  private static Map<Object, Row> byId(List<ChangeEvent> events) {
    Map<Object, Row> rows = new HashMap<>();
    events.forEach(e -> rows.put(e.keyRow().get(0), e.keyRow()));
    return rows;
  }

  @Test
  void snapshotUnderConcurrentWritesThenBinlogGivesTheSourceTable() throws Exception {
    db.execute(DB, "CREATE TABLE busy (id bigint unsigned primary key, v int, note varchar(20))",
        "INSERT INTO busy SELECT seq, seq % 97, CONCAT('n', seq) FROM seq_1_to_6000", "ANALYZE TABLE busy");
    AtomicBoolean writing = new AtomicBoolean(true);
    Thread writer = new Thread(() -> {
      try (Connection c = db.connect(DB); Statement s = c.createStatement()) {
        for (int n = 0; writing.get(); n++) {
          s.execute("UPDATE busy SET v = v + 1 WHERE id = " + (1 + (n * 37) % 6000));
          s.execute("INSERT INTO busy VALUES (" + (7000 + n) + ", " + n + ", 'new')");
          s.execute("DELETE FROM busy WHERE id = " + (1 + (n * 53) % 6000));
          Thread.sleep(2);
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    CollectingListener events = new CollectingListener();
    Map<String, String> admin = Map.of("username", MariaDbServer.ADMIN, "password", MariaDbServer.ADMIN_PASSWORD);
    MysqlSourceConfig config = config("busy", "username=" + admin.get("username"), "password=" + admin.get("password"),
        "scan.incremental.snapshot.chunk.size=700", "scan.snapshot.parallelism=3");
    try (MysqlSource source = new MysqlSource(config, TableFilter.ALL)) {
      writer.start();
      source.discover();
      source.start(Optional.empty(), events);
      events.awaitProgress(p -> !p.inSnapshot() && p.describe().startsWith("snapshot-done"), WAIT);
      Thread.sleep(300);
      writing.set(false);
      writer.join();
      Map<RowKey, Row> expected = sourceRows("busy");
      Map<RowKey, Row> mirrored = awaitState(events, expected);
      assertEquals(expected, mirrored);
      assertTrue(events.events().stream().filter(e -> e.operation() == Operation.SNAPSHOT).count() > 5000);
      assertPositionsIncrease(events.positions());
    }
  }

  /** The table's rows as the source holds them, keyed like the mirrored ones. */
  private static Map<RowKey, Row> sourceRows(String table) throws Exception {
    Map<RowKey, Row> rows = new HashMap<>();
    try (Connection c = db.connect(DB); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, v, note FROM " + table)) {
      while (rs.next()) {
        Row row = Row.of(new BigDecimal(rs.getString(1)), rs.getInt(2), rs.getString(3));
        rows.put(new RowKey(List.of(row.get(0))), row);
      }
    }
    return rows;
  }

  private static void assertPositionsIncrease(List<SourcePosition> positions) {
    for (int i = 1; i < positions.size(); i++) {
      assertTrue(positions.get(i).compareTo(positions.get(i - 1)) >= 0,
          positions.get(i - 1) + " then " + positions.get(i));
    }
  }

  @Test
  void withoutAgreedPositionsTheSnapshotHoldsCommitsWhileItOpensOrNamesTheGrant() throws Exception {
    db.execute(DB, "CREATE TABLE locked (id int primary key, v int)",
        "INSERT INTO locked SELECT seq, seq FROM seq_1_to_300");
    MysqlSourceConfig admin = config("locked", "username=" + MariaDbServer.ADMIN,
        "password=" + MariaDbServer.ADMIN_PASSWORD);
    MysqlCatalog catalog = new MysqlCatalog(admin);
    Map<io.changelake.api.model.TableId, List<MysqlColumn>> columns = new HashMap<>();
    List<io.changelake.api.spi.SourceTable> tables;
    MysqlPosition before;
    try (Connection c = catalog.connect()) {
      tables = catalog.discover(c, id -> id.name().equals("locked"), "locked", columns);
      before = MysqlCatalog.currentPosition(c);
    }
    CollectingListener rows = new CollectingListener();
    SnapshotReader reader = new SnapshotReader(catalog, admin, tables, columns, 0);
    MysqlPosition at = reader.open();
    reader.read(rows, 1);
    assertEquals(300, rows.events().size());
    assertEquals(before.describe(), at.describe(), "the position read under FLUSH TABLES WITH READ LOCK");
    MysqlSourceConfig replicator = config("locked");
    SourceException refused = assertThrows(SourceException.class,
        () -> new SnapshotReader(new MysqlCatalog(replicator), replicator, tables, columns, 0).open());
    assertTrue(refused.getMessage().contains("GRANT RELOAD ON *.* TO 'changelake'"), refused.getMessage());
  }

  @Test
  void resumesInsideATransactionAndAfterARestart() throws Exception {
    db.execute(DB, "CREATE TABLE orders (id int primary key, amount int)");
    CollectingListener first = new CollectingListener();
    SourcePosition resumeAt;
    List<ChangeEvent> all;
    try (MysqlSource source = source("orders")) {
      source.start(Optional.empty(), first);
      first.awaitProgress(p -> p.describe().startsWith("snapshot-done"), WAIT);
      db.execute(DB, "START TRANSACTION; INSERT INTO orders VALUES (1, 10), (2, 20); UPDATE orders SET amount = 11"
          + " WHERE id = 1; DELETE FROM orders WHERE id = 2; INSERT INTO orders VALUES (3, 30); COMMIT");
      all = first.awaitEvents(e -> e.operation() != Operation.SNAPSHOT, 5, WAIT);
      resumeAt = all.get(1).position();
      SourcePosition committed = first.awaitProgress(p -> p.compareTo(all.get(4).position()) > 0, WAIT);
      assertEquals(0, source.lagBytes(committed), "nothing written after the transaction's end");
      assertTrue(source.lagBytes(resumeAt) > 0, "the transaction lies after its start");
    }
    db.execute(DB, "INSERT INTO orders VALUES (4, 40)");
    CollectingListener second = new CollectingListener();
    try (MysqlSource source = source("orders")) {
      source.discover();
      source.start(Optional.of(source.parsePosition(resumeAt.serialize())), second);
      List<ChangeEvent> again = second.awaitEvents(e -> e.keyRow().get(0).equals(4), 1, WAIT);
      List<ChangeEvent> after = second.events().stream().filter(e -> e.position().compareTo(resumeAt) > 0).toList();
      assertEquals(List.of(Operation.UPDATE, Operation.DELETE, Operation.INSERT, Operation.INSERT),
          after.stream().map(ChangeEvent::operation).toList(), "the rest of the transaction, then the next one");
      assertEquals(all.get(2).position(), after.get(0).position(), "same positions on a second read");
      assertEquals(Row.of(1, 10), after.get(0).before());
      assertEquals(1, again.size());
    }
  }

  @Test
  void latestOffsetStreamsOnlyNewChangesAndAnIdleConnectionLivesOnHeartbeats() throws Exception {
    db.execute(DB, "CREATE TABLE recent (id int primary key, v varchar(10))", "INSERT INTO recent VALUES (1, 'old')");
    CollectingListener events = new CollectingListener();
    try (MysqlSource source = source("recent", "scan.startup.mode=latest-offset", "heartbeat.interval=300ms")) {
      source.start(Optional.empty(), events);
      SourcePosition start = events.awaitProgress(p -> true, WAIT);
      Thread.sleep(3_000);
      assertNull(events.failure(), "an idle connection lives on heartbeats (silence counts after 1.2 s)");
      db.execute(DB, "INSERT INTO recent VALUES (2, 'new')", "UPDATE recent SET v = 'newer' WHERE id = 1");
      List<ChangeEvent> changes = events.awaitEvents(2, WAIT);
      assertEquals(List.of(Operation.INSERT, Operation.UPDATE), changes.stream().map(ChangeEvent::operation).toList());
      assertEquals(Row.of(1, "old"), changes.get(1).before());
      assertTrue(changes.get(0).position().compareTo(start) > 0);
    }
  }

  @Test
  void followsSchemaChangesAndTruncateFromTheBinlog() throws Exception {
    db.execute(DB, "CREATE TABLE evolving (id int primary key, a int, b varchar(10), c int)",
        "INSERT INTO evolving VALUES (1, 1, 'one', 1)");
    CollectingListener events = new CollectingListener();
    try (MysqlSource source = source("evolving")) {
      source.start(Optional.empty(), events);
      events.awaitProgress(p -> p.describe().startsWith("snapshot-done"), WAIT);
      db.execute(DB, "ALTER TABLE evolving ADD COLUMN d double", "INSERT INTO evolving VALUES (2, 2, 'two', 2, 2.5)",
          "ALTER TABLE evolving DROP COLUMN c", "ALTER TABLE evolving MODIFY COLUMN a bigint",
          "ALTER TABLE evolving RENAME COLUMN b TO name", "UPDATE evolving SET a = 5000000000 WHERE id = 1",
          "TRUNCATE TABLE evolving", "INSERT INTO evolving VALUES (3, 3, 'three', 3.5)");
      List<ChangeEvent> changes = events.awaitEvents(e -> e.operation() != Operation.SNAPSHOT, 4, WAIT);
      assertEquals(List.of("id", "a", "b", "c", "d"), changes.get(0).schema().columnNames());
      assertEquals(Row.of(2, 2, "two", 2, 2.5), changes.get(0).after());
      TableSchema altered = changes.get(1).schema();
      assertEquals(List.of("id", "a", "name", "d"), altered.columnNames());
      assertEquals(DataType.LONG, altered.column("a").orElseThrow().type());
      assertEquals(Row.of(1, 5000000000L, "one", null), changes.get(1).after());
      assertEquals(Operation.TRUNCATE, changes.get(2).operation());
      assertEquals(Row.of(3, 3L, "three", 3.5), changes.get(3).after());
      assertEquals(altered, changes.get(3).schema());
    }
  }

  @Test
  void preflightRefusesWhatWouldLoseChangesAndNamesTheFix() {
    db.execute(DB, "CREATE TABLE pre (id int primary key)");
    db.createUser("reader", "pw", "SELECT");
    SourceException grants = assertThrows(SourceException.class,
        () -> source("pre", "username=reader", "password=pw").discover());
    assertTrue(grants.getMessage().contains("GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.*"), grants.getMessage());
    SourceException id = assertThrows(SourceException.class, () -> source("pre", "server-id=1").discover());
    assertTrue(id.getMessage().contains("server-id=2"), id.getMessage());
    assertFix("SET GLOBAL binlog_format=STATEMENT", "SET GLOBAL binlog_format=ROW", "binlog_format=ROW");
    assertFix("SET GLOBAL binlog_row_image=MINIMAL", "SET GLOBAL binlog_row_image=FULL", "binlog_row_image=FULL");
    assertFix("SET GLOBAL binlog_row_metadata=MINIMAL", "SET GLOBAL binlog_row_metadata=FULL",
        "binlog_row_metadata=FULL");
    assertFix("SET GLOBAL binlog_expire_logs_seconds=600", "SET GLOBAL binlog_expire_logs_seconds=0",
        "binlog_expire_logs_seconds=86400");
    SourceException gtid = assertThrows(SourceException.class,
        () -> source("pre", "gtid.required=true").discover());
    assertTrue(gtid.getMessage().contains("SET GLOBAL gtid_strict_mode=ON"), gtid.getMessage());
    SourceException table = assertThrows(SourceException.class, () -> source("no_such_table").discover());
    assertTrue(table.getMessage().contains("No table of database 'shop'"), table.getMessage());
  }

  private static void assertFix(String breaking, String restoring, String fix) {
    db.execute(null, breaking);
    try {
      SourceException e = assertThrows(SourceException.class, () -> source("pre").discover());
      assertTrue(e.getMessage().contains(fix), e.getMessage());
    } finally {
      db.execute(null, restoring);
    }
  }

  @Test
  void positionsRoundTripAndOrderAcrossFilesAndPhases() {
    MysqlPosition snapshotRow = MysqlPosition.snapshotRow("mariadb-bin.000009", 500, 1, 7);
    MysqlPosition done = MysqlPosition.between("mariadb-bin.000009", 500).snapshotDone();
    MysqlPosition change = MysqlPosition.change("mariadb-bin.000009", 500, 620, 3, null);
    MysqlPosition between = MysqlPosition.between("mariadb-bin.000009", 900);
    MysqlPosition nextFile = MysqlPosition.between("mariadb-bin.000010", 4);
    List<MysqlPosition> ordered = List.of(snapshotRow, done, change, between, nextFile);
    for (int i = 1; i < ordered.size(); i++) {
      assertTrue(ordered.get(i - 1).compareTo(ordered.get(i)) < 0, ordered.get(i - 1) + " < " + ordered.get(i));
    }
    for (MysqlPosition p : ordered) {
      assertEquals(p, MysqlPosition.parse(p.serialize()));
    }
    assertTrue(snapshotRow.inSnapshot());
    assertEquals(500, change.offset(), "a change resumes at the start of its group");
    assertEquals("mariadb-bin.000009:500:2:620:3", change.serialize(), "without GTIDs, the format before them");
  }

  /** The table state the events give (keyed by the first column), once it equals {@code expected}. */
  private static Map<RowKey, Row> awaitState(CollectingListener events, Map<RowKey, Row> expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Map<RowKey, Row> state;
    do {
      state = new HashMap<>();
      for (ChangeEvent e : new ArrayList<>(events.events())) {
        RowKey key = new RowKey(List.of(e.keyRow().get(0)));
        if (e.operation() == Operation.DELETE) {
          state.remove(key);
        } else {
          state.put(key, e.after());
        }
      }
      if (state.equals(expected) || events.failure() != null) {
        break;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    return state;
  }
}
