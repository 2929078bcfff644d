package io.changelake.interop;

import io.changelake.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The PostgreSQL table of every supported type and edge value that the engine tests mirror: NaN,
 * ±Infinity, 38-digit and unconstrained numerics, dates 0001-01-01, 1582-10-04/10/15 and 9999-12-31,
 * timestamps before 1900 and at 9999, microsecond times, timestamptz, arrays with NULLs, bytea with zero
 * bytes, unicode, enum, interval, inet, money, a TOASTed text, the column names {@code order} and
 * {@code MixedCase}; and the changes streamed after the snapshot.
 */
public final class EveryTypeTable {
  public static final String NAME = "all_types";

  /** Every column after the key; names include a keyword and a mixed-case one. */
  private static final String COLUMNS = "\"order\", \"MixedCase\", i2, i8, r, d, dec, dec0, dec2, num, b, vc, ch, bin,"
      + " day, tod, ts, tstz, u, j, jb, ints, texts, m, span, ip, cash";

  private static final List<String> ROWS = List.of(
      // largest values, 38 digits, zero bytes inside bytea, the last day and microsecond, unicode
      "1, 'Ünïcødé ✓ 日本語 🎉 \"q\"', 32767, 9223372036854775807, 3.4028235e38, 1.7976931348623157e308,"
          + " 1234567890123456789012345678.9012345678, 99999999999999999999999999999999999999, 12345678.91,"
          + " 123456789012345678901234567890123456789012345.678901234567890, true, 'varchar ✓', 'ab',"
          + " '\\x00010200ff00', '9999-12-31', '23:59:59.999999', '9999-12-31 23:59:59.999999',"
          + " '9999-12-31 23:59:59.999999+00', '123e4567-e89b-12d3-a456-426614174000',"
          + " '{\"b\": [1, 2, {\"c\": null}], \"a\":\"x\"}', '{\"b\": [1, 2.50], \"a\": \"ü\"}',"
          + " '{1,NULL,3}', '{\"a\",NULL,\"\",\"null\",\"x,y\"}', 'happy', '1 year 2 months 3 days 04:05:06.789',"
          + " '192.168.0.1/24', 92233720368547758.07",
      // smallest values, NaN and -Infinity, empty values, year 1
      "-2147483648, '', -32768, -9223372036854775808, 'NaN', '-Infinity',"
          + " -1234567890123456789012345678.9012345678, -99999999999999999999999999999999999999, -0.01, 'NaN',"
          + " false, '', ' ', '\\x', '0001-01-01', '00:00:00', '0001-01-01 00:00:00', '0001-01-01 00:00:00+00',"
          + " '00000000-0000-0000-0000-000000000000', '[]', '{}', '{}', '{}', 'sad', '-1 days -00:00:00.000001', '::1', -92233720368547758.08",
      // Infinity, -0, the Julian-Gregorian switch, before 1900, a microsecond after midnight, arrays of one NULL
      "0, 'x', 0, 0, 'Infinity', '-0', 0.0000000001, 0, 0.00, 'Infinity', true, E'tab\\there', 'abcde',"
          + " '\\x000000', '1582-10-04', '00:00:00.000001', '1899-12-31 23:59:59.999999',"
          + " '1800-06-01 12:00:00.000001+00', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'null', '\"str\"',"
          + " '{NULL}', '{NULL}', 'ok', '0', '2001:db8::/32', 0",
      // NULL in every nullable column
      String.join(", ", Collections.nCopies(COLUMNS.split(",").length, "NULL")),
      // an ordinary row, whose key changes while streaming
      "7, 'plain', 1, 1, 1.5, 2.5, 1.5, 2, 3.25, 4.125, false, 'v', 'c', '\\xdeadbeef', '1582-10-15',"
          + " '12:34:56.000001', '1970-01-01 00:00:00', '1969-12-31 23:59:59.999999-03:30',"
          + " '01234567-89ab-cdef-0123-456789abcdef', '{}', '{}', '{7}', '{\"seven\"}', 'ok', '1 mon', '10.0.0.1', 1234.5");

  private EveryTypeTable() { }

  /** Creates the table in {@code db} and fills it with the rows of every edge value. */
  public static void create(PostgresServer pg, String db) {
    pg.execute(db, "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
        "CREATE TABLE " + NAME + " (id int PRIMARY KEY, \"order\" int, \"MixedCase\" text, i2 smallint, i8 bigint,"
            + " r real, d double precision, dec numeric(38,10), dec0 numeric(38,0), dec2 numeric(10,2), num numeric,"
            + " b boolean, vc varchar(20), ch char(5), bin bytea, day date, tod time, ts timestamp, tstz timestamptz,"
            + " u uuid, j json, jb jsonb, ints int[], texts text[], m mood, span interval, ip inet, cash money, big text)");
    insertRows(pg, db, 1);
    storeBigValue(pg, db);
  }

  /**
   * What the tests stream after the snapshot: a TRUNCATE (the rows come back as inserts), more rows, updates (a
   * key update, one leaving the TOASTed value unchanged), a delete and an added time column.
   */
  public static void change(PostgresServer pg, String db) {
    pg.execute(db, "TRUNCATE " + NAME);
    insertRows(pg, db, 1);
    storeBigValue(pg, db);
    insertRows(pg, db, 101);
    pg.execute(db,
        "UPDATE " + NAME + " a SET (" + COLUMNS + ") = (SELECT " + COLUMNS + " FROM " + NAME + " b"
            + " WHERE b.id = a.id % " + ROWS.size() + " + 1) WHERE a.id BETWEEN 101 AND " + (100 + ROWS.size()),
        // leaves big unchanged: the sink takes it from the lake row (Iceberg's read of a time as long)
        "UPDATE " + NAME + " SET day = '1582-10-10', ts = '1000-01-01 00:00:00.5', tod = '00:00:00.000001',"
            + " \"MixedCase\" = 'ändrad ✓' WHERE id = 1",
        "UPDATE " + NAME + " SET id = 1005 WHERE id = 5",
        "DELETE FROM " + NAME + " WHERE id = 104",
        "ALTER TABLE " + NAME + " ADD COLUMN added_time time",
        "UPDATE " + NAME + " SET added_time = '01:02:03.456789' WHERE id = 2");
  }

  /** A value PostgreSQL stores out of line (TOAST): updates that leave it unchanged do not carry it. */
  private static void storeBigValue(PostgresServer pg, String db) {
    pg.execute(db, "UPDATE " + NAME + " SET big = (SELECT string_agg(md5(i::text), '') FROM generate_series(1, 500) i)"
        + " WHERE id = 1");
  }

  /** Inserts {@link #ROWS} with ids from {@code firstId}. */
  private static void insertRows(PostgresServer pg, String db, int firstId) {
    for (int i = 0; i < ROWS.size(); i++) {
      pg.execute(db, "INSERT INTO " + NAME + " (id, " + COLUMNS + ") VALUES (" + (firstId + i) + ", " + ROWS.get(i) + ")");
    }
  }

  /** A column as PostgreSQL declares it: the type name {@link Canonical} works with (enums as text), precision, scale. */
  public record Column(String type, int precision, int scale) { }

  /** The table now: its columns in order, and id → column → {@link Canonical} text. */
  public record Snapshot(Map<String, Column> columns, Map<Integer, Map<String, String>> rows) {
    /** Column → the type name {@link Canonical} works with. */
    public Map<String, String> types() {
      Map<String, String> types = new LinkedHashMap<>();
      columns.forEach((name, column) -> types.put(name, column.type()));
      return types;
    }
  }

  /** The table as PostgreSQL has it now. */
  public static Snapshot read(PostgresServer pg, String db) throws SQLException {
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute("SET intervalstyle = 'iso_8601'");
      try (ResultSet rs = s.executeQuery("SELECT * FROM " + NAME)) {
        ResultSetMetaData meta = rs.getMetaData();
        Map<String, Column> columns = new LinkedHashMap<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          String type = "mood".equals(meta.getColumnTypeName(i)) ? "text" : meta.getColumnTypeName(i);
          columns.put(meta.getColumnName(i), new Column(type, meta.getPrecision(i), meta.getScale(i)));
        }
        Map<Integer, Map<String, String>> rows = new TreeMap<>();
        while (rs.next()) {
          Map<String, String> row = new LinkedHashMap<>();
          int i = 1;
          for (Map.Entry<String, Column> column : columns.entrySet()) {
            row.put(column.getKey(), Canonical.ofPostgres(rs, i++, column.getValue().type()));
          }
          rows.put(rs.getInt("id"), row);
        }
        return new Snapshot(Collections.unmodifiableMap(columns), rows);
      }
    }
  }
}
