package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.spi.WriteMode;
import io.changelake.testkit.PostgresServer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every mapped PostgreSQL type, through the whole path (initial snapshot and streaming, Debezium
 * decoding, Iceberg writing), read back with Iceberg's own reader: the lake table equals the source
 * row by row, with the Iceberg types of the README's mapping table.
 */
class TypesEndToEndTest {
  private static final String DB = "types";

  @RegisterExtension
  static final PostgresExtension POSTGRES = new PostgresExtension();

  private static TimeZone jvmZone;

  private final PostgresServer pg = POSTGRES.server();

  @TempDir
  Path warehouse;

  /** Column → Iceberg type, as the README's mapping table says (a time is a long of microseconds: Spark reads no Iceberg time). */
  private static final Map<String, String> LAKE_TYPES = new LinkedHashMap<>();

  static {
    String[][] types = {
        {"id", "int"}, {"i2", "int"}, {"i4", "int"}, {"i8", "long"},
        {"dec", "decimal(38, 10)"}, {"dec0", "decimal(38, 0)"}, {"dec2", "decimal(10, 2)"}, {"num", "string"},
        {"r", "float"}, {"d", "double"}, {"b", "boolean"}, {"t", "string"}, {"vc", "string"}, {"ch", "string"},
        {"bin", "binary"}, {"day", "date"}, {"tod", "long"}, {"ts", "timestamp"}, {"tstz", "timestamptz"},
        {"u", "uuid"}, {"j", "string"}, {"jb", "string"}, {"ints", "list<int>"}, {"texts", "list<string>"},
        {"m", "string"}, {"span", "string"}, {"ip", "string"}};
    for (String[] column : types) {
      LAKE_TYPES.put(column[0], column[1]);
    }
  }

  private static final String COLUMNS = String.join(", ", LAKE_TYPES.keySet()).substring("id, ".length());

  /** A row's values (all columns but id) and the session time zone its literals are read in. */
  private record Values(String zone, String sql) { }

  private static final List<Values> ROWS = List.of(
      // largest values, 38-digit decimals, zero bytes, microseconds, a NULL array element; a local
      // time that does not exist in New York (spring forward)
      new Values("America/New_York", "32767, 2147483647, 9223372036854775807,"
          + " 1234567890123456789012345678.9012345678, 99999999999999999999999999999999999999, 12345678.91,"
          + " 123456789012345678901234567890123456789012345.678901234567890,"
          + " 3.4028235e38, 1.7976931348623157e308, true, E'h\u00e9llo \u2713 \"quoted\"\\nline', 'varchar', 'ab',"
          + " '\\x00010200ff00', '2024-02-29', '23:59:59.999999', '2024-02-29 23:59:59.123456',"
          + " '2024-03-10 02:30:00.123456', '123e4567-e89b-12d3-a456-426614174000',"
          + " '{\"b\": [1, 2, {\"c\": null}], \"a\":\"x\"}', '{\"b\": [1, 2.50], \"a\": \"\u00fc\"}',"
          + " '{1,NULL,3}', '{\"a\",NULL,\"\",\"null\",\"x,y\"}', 'happy', '1 year 2 months 3 days 04:05:06.789',"
          + " '192.168.0.1/24'"),
      // smallest values, NaN and -Infinity, empty text, bytea and arrays, the first day, before 1970
      new Values("Asia/Kolkata", "-32768, -2147483648, -9223372036854775808,"
          + " -1234567890123456789012345678.9012345678, -99999999999999999999999999999999999999, -0.01,"
          + " 'NaN', 'NaN', '-Infinity', false, '', '', ' ', '\\x', '0001-01-01', '00:00:00',"
          + " '1900-01-01 00:00:00.000001', '1969-12-31 23:59:59.999999', '00000000-0000-0000-0000-000000000000',"
          + " '[]', '{}', '{}', '{}', 'sad', '-1 days -00:00:00.000001', '::1'"),
      // zeros, -0, Infinity, the last day, a JSON null and a JSON string, an array of one NULL
      new Values("Pacific/Chatham", "0, 0, 0, 0.0000000001, 0, 0.00, 'Infinity', '-0', 'Infinity', true,"
          + " E'tab\\there', '\u00fc', 'abcde', '\\x000000', '9999-12-31', '00:00:00.000001',"
          + " '9999-12-31 23:59:59.999999', '2000-01-01 00:00:00.000001', 'ffffffff-ffff-ffff-ffff-ffffffffffff',"
          + " 'null', '\"str\"', '{NULL}', '{NULL}', 'ok', '0', '2001:db8::/32'"),
      // NULL in every nullable column
      new Values("UTC", String.join(", ", java.util.Collections.nCopies(LAKE_TYPES.size() - 1, "NULL"))));

  /**
   * Runs this JVM in a zone with a half-hour offset, so that nothing on the path may silently depend
   * on the JVM's default zone (Debezium's and pgjdbc's sessions take it too).
   */
  @BeforeAll
  static void unusualJvmZone() {
    jvmZone = TimeZone.getDefault();
    TimeZone.setDefault(TimeZone.getTimeZone("America/St_Johns"));
  }

  @AfterAll
  static void restoreJvmZone() {
    TimeZone.setDefault(jvmZone);
  }

  @Test
  void everyTypeRoundTripsThroughSnapshotAndStreaming() throws Exception {
    pg.createDatabase(DB);
    pg.execute(DB,
        "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
        "CREATE TABLE all_types (id int PRIMARY KEY, i2 smallint, i4 int, i8 bigint, dec numeric(38,10),"
            + " dec0 numeric(38,0), dec2 numeric(10,2), num numeric, r real, d double precision, b boolean, t text,"
            + " vc varchar(20), ch char(5), bin bytea, day date, tod time, ts timestamp, tstz timestamptz, u uuid,"
            + " j json, jb jsonb, ints int[], texts text[], m mood, span interval, ip inet)",
        "CREATE TABLE decimal_nan (id int PRIMARY KEY, amount numeric(10,2), note text)",
        "INSERT INTO decimal_nan VALUES (1, 'NaN', 'NaN before the sync'), (2, 1.50, 'a number')");
    insertRows(1);

    var options = RunningSync.sourceOptions(pg, DB, "types_slot", "all_types|decimal_nan");
    try (RunningSync sync = new RunningSync(RunningSync.request(options, warehouse.toString(), WriteMode.UPSERT,
        List.of(), RunningSync.ALL_FORMATS))) {
      // the snapshot path
      sync.awaitMirrored(pg, DB, "all_types", "id");
      assertLakeTypes(sync);
      awaitAmounts(sync, "1", null, "2", "1.50");

      // the streaming path: the same values inserted, every column updated (values to NULL and back,
      // each row taking the next one's values), timestamptz literals in yet another zone, a delete
      insertRows(101);
      pg.execute(DB,
          "UPDATE all_types a SET (" + COLUMNS + ") = (SELECT " + COLUMNS + " FROM all_types b"
              + " WHERE b.id = a.id % " + ROWS.size() + " + 1) WHERE a.id <= " + ROWS.size(),
          "SET TIME ZONE 'Australia/Lord_Howe'",
          "UPDATE all_types SET tstz = '2024-10-06 02:15:00.5', ts = '2024-10-06 02:15:00.5' WHERE id = 101",
          "DELETE FROM all_types WHERE id = 103");
      pg.execute(DB, "INSERT INTO decimal_nan VALUES (3, 'NaN', 'NaN while streaming')",
          "UPDATE decimal_nan SET amount = 'NaN' WHERE id = 2", "UPDATE decimal_nan SET amount = 2.25 WHERE id = 1");
      sync.awaitMirrored(pg, DB, "all_types", "id");
      awaitAmounts(sync, "1", "2.25", "2", null, "3", null);
      assertEquals(0, sync.stop());
      assertLakeTypes(sync);
      assertComparisonReportsAnyChangedValue(sync.location("iceberg"));
    }
  }

  /** Inserts {@link #ROWS} with ids from {@code firstId}, each under its session time zone. */
  private void insertRows(int firstId) {
    for (int i = 0; i < ROWS.size(); i++) {
      pg.execute(DB, "SET TIME ZONE '" + ROWS.get(i).zone() + "'",
          "INSERT INTO all_types (id, " + COLUMNS + ") VALUES (" + (firstId + i) + ", " + ROWS.get(i).sql() + ")");
    }
  }

  /** The Iceberg column types, as the README's type mapping gives them. */
  private void assertLakeTypes(RunningSync sync) {
    Table table = TableComparison.lakeTable(sync.location("iceberg"), "lake", "all_types");
    table.refresh();
    Map<String, String> actual = new LinkedHashMap<>();
    for (Types.NestedField field : table.schema().columns()) {
      actual.put(field.name(), field.type().toString());
    }
    assertEquals(LAKE_TYPES, actual);
  }

  /**
   * Waits for decimal_nan's amounts in every format to be {@code keysAndAmounts}. A numeric(p,s) NaN
   * has no lake decimal value: the README says it is written as null (the column is nullable in the
   * lake for that reason), snapshot and streaming alike.
   */
  private void awaitAmounts(RunningSync sync, String... keysAndAmounts) throws Exception {
    Map<String, String> expected = new java.util.HashMap<>();
    for (int i = 0; i < keysAndAmounts.length; i += 2) {
      expected.put(keysAndAmounts[i] + "|", keysAndAmounts[i + 1]);
    }
    for (String format : RunningSync.ALL_FORMATS) {
      sync.await(format + " decimal_nan's amounts " + expected,
          () -> expected.equals(lakeAmounts(format, sync.location(format))));
    }
    assertTrue(TableComparison.lakeTable(sync.location("iceberg"), "lake", "decimal_nan").schema()
        .findField("amount").isOptional());
  }

  /** decimal_nan's amounts in the format's table by key, or none while it cannot be read. */
  private static Map<String, String> lakeAmounts(String format, String location) {
    Map<String, String> amounts = new java.util.HashMap<>();
    try {
      TableComparison.lake(format, location, "lake", "decimal_nan", "id")
          .forEach((key, row) -> amounts.put(key, row.get("amount")));
    } catch (Exception | AssertionError e) {
      return Map.of();
    }
    return amounts;
  }

  /**
   * The comparison can fail: a copy of the source equals the lake table, and the same copy with any
   * one value changed by the smallest step its type has (a microsecond, the last decimal digit, one
   * zero byte, NULL for an empty value, a space inside JSON text) is reported, naming that column.
   */
  private void assertComparisonReportsAnyChangedValue(String wh) throws Exception {
    pg.execute(DB, "CREATE TABLE changed AS SELECT * FROM all_types");
    TableComparison.assertSame(pg, DB, "changed", wh, "lake", "all_types", "id");
    String[][] changes = {
        {"101", "i2 = i2 - 1"}, {"101", "i4 = i4 - 1"}, {"101", "i8 = i8 - 1"},
        {"101", "dec = dec - 0.0000000001"}, {"101", "dec0 = dec0 - 1"}, {"101", "dec2 = dec2 - 0.01"},
        {"101", "num = num + 0.000000000000001"}, {"102", "num = '-Infinity'"}, {"101", "r = r / 2"},
        {"102", "r = 0"}, {"101", "d = d / 2"}, {"101", "b = NOT b"}, {"101", "t = t || ' '"}, {"104", "t = ''"},
        {"101", "vc = upper(vc)"}, {"101", "ch = 'ab c'"}, {"101", "bin = bin || '\\x00'::bytea"},
        {"102", "bin = NULL"}, {"101", "day = day - 1"}, {"101", "tod = tod - interval '1 microsecond'"},
        {"101", "ts = ts - interval '1 microsecond'"}, {"101", "tstz = tstz + interval '1 microsecond'"},
        {"101", "u = '123e4567-e89b-12d3-a456-426614174001'"},
        {"101", "j = '{\"b\": [1, 2, {\"c\": null}],  \"a\":\"x\"}'"}, {"101", "jb = jb - 'a'"},
        {"101", "ints = '{1,0,3}'"}, {"101", "texts = '{\"a\",\"null\",\"\",\"null\",\"x,y\"}'"},
        {"101", "m = 'ok'"}, {"101", "span = span + interval '1 microsecond'"}, {"101", "ip = '192.168.0.1/25'"}};
    for (String[] change : changes) {
      String column = change[1].substring(0, change[1].indexOf(' '));
      pg.execute(DB, "DROP TABLE changed", "CREATE TABLE changed AS SELECT * FROM all_types",
          "UPDATE changed SET " + change[1] + " WHERE id = " + change[0]);
      AssertionError reported = assertThrows(AssertionError.class,
          () -> TableComparison.assertSame(pg, DB, "changed", wh, "lake", "all_types", "id"),
          "the comparison missed: " + change[1]);
      assertTrue(reported.getMessage().contains("\n    " + column + ": source "),
          change[1] + " must be reported as a difference in column " + column + ": " + reported.getMessage());
    }
  }
}
