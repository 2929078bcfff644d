package io.changelake.cli;

import io.changelake.testkit.PostgresServer;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import io.changelake.api.model.Column;
import io.changelake.api.model.TableId;
import io.changelake.api.spi.RowScan;
import io.changelake.api.spi.TableSink;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;

/**
 * Reads a source table through JDBC and its lake table through Iceberg's own generic reader, and
 * compares them in full, row by row and value by value, after normalizing both to text.
 */
final class TableComparison {
  private TableComparison() { }

  /** Rows of the source table, keyed by the key column's text, each a column → text map. */
  static Map<String, Map<String, String>> source(PostgresServer pg, String db, String table, String key) throws SQLException {
    Map<String, Map<String, String>> rows = new TreeMap<>();
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute("SET intervalstyle = 'iso_8601'");
      try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
        ResultSetMetaData meta = rs.getMetaData();
        while (rs.next()) {
          Map<String, String> row = new LinkedHashMap<>();
          for (int i = 1; i <= meta.getColumnCount(); i++) {
            row.put(meta.getColumnName(i), sourceText(rs, i, meta.getColumnTypeName(i)));
          }
          rows.put(keyOf(row, key), row);
        }
      }
    }
    return rows;
  }

  /** A source database's tables as {@link #source} reads PostgreSQL's: keyed rows of column → text. */
  @FunctionalInterface
  interface SourceRows {
    Map<String, Map<String, String>> read(String table, String key) throws SQLException;
  }

  /** The tables of {@code pg}'s database {@code db}. */
  static SourceRows postgres(PostgresServer pg, String db) {
    return (table, key) -> source(pg, db, table, key);
  }

  /** The text key of {@code row}: the values of the comma-separated {@code key} columns. */
  static String keyOf(Map<String, String> row, String key) {
    StringBuilder k = new StringBuilder();
    for (String column : key.split(",")) {
      k.append(row.get(column.trim())).append('|');
    }
    return k.toString();
  }

  private static String sourceText(ResultSet rs, int i, String type) throws SQLException {
    Object value = rs.getObject(i);
    if (value == null) {
      return null;
    }
    return switch (type) {
      case "timestamptz" -> rs.getObject(i, OffsetDateTime.class).toInstant().toString();
      case "timestamp" -> rs.getObject(i, LocalDateTime.class).toString();
      case "date" -> rs.getObject(i, LocalDate.class).toString();
      case "time" -> rs.getObject(i, LocalTime.class).toString();
      case "bytea" -> HexFormat.of().formatHex(rs.getBytes(i));
      // NaN and ±Infinity (unconstrained numeric) arrive as a Double
      case "numeric" -> value instanceof BigDecimal d ? d.toPlainString() : String.valueOf(value);
      // ISO 8601 text (the session's intervalstyle is iso_8601), as the lake holds it
      case "interval" -> intervalText(rs.getString(i));
      default -> value instanceof Array array ? arrayText((Object[]) array.getArray()) : String.valueOf(value);
    };
  }

  private static String arrayText(Object[] elements) {
    List<String> texts = new ArrayList<>();
    for (Object element : elements) {
      texts.add(element == null ? null : element instanceof BigDecimal d ? d.toPlainString() : String.valueOf(element));
    }
    return listText(texts);
  }

  /** Elements quoted, so that a NULL element differs from the text 'null' and ["a,b"] from ["a", "b"]. */
  private static String listText(List<String> elements) {
    List<String> quoted = new ArrayList<>();
    elements.forEach(e -> quoted.add(e == null ? "null" : '"' + e.replace("\\", "\\\\").replace("\"", "\\\"") + '"'));
    return quoted.toString();
  }

  private static final java.util.regex.Pattern ISO_DURATION = java.util.regex.Pattern.compile(
      "P(?!$)(?:(-?\\d+)Y)?(?:(-?\\d+)M)?(?:(-?\\d+)D)?(?:T(?:(-?\\d+)H)?(?:(-?\\d+)M)?(?:(-?[\\d.]+)S)?)?");

  /**
   * An ISO 8601 duration as PostgreSQL keeps an interval: months, days and microseconds, each
   * exact, so that "PT0S" equals "P0Y0M0DT0H0M0S" but "P1M" differs from "P30D". Text that is no
   * such duration is returned as it is.
   */
  static String intervalText(String iso) {
    var m = ISO_DURATION.matcher(iso);
    if (!m.matches()) {
      return iso;
    }
    long months = 12 * part(m.group(1)) + part(m.group(2));
    BigDecimal micros = BigDecimal.valueOf(part(m.group(4)) * 3600 + part(m.group(5)) * 60)
        .add(m.group(6) == null ? BigDecimal.ZERO : new BigDecimal(m.group(6))).movePointRight(6);
    return months + " months " + part(m.group(3)) + " days " + micros.stripTrailingZeros().toPlainString() + " us";
  }

  private static long part(String group) {
    return group == null ? 0 : Long.parseLong(group);
  }

  /** The Iceberg table; throws Iceberg's NoSuchTableException when it does not exist (yet). */
  static Table lakeTable(String warehouse, String db, String table) {
    return new HadoopCatalog(new Configuration(), warehouse).loadTable(TableIdentifier.of(db, table));
  }

  /** The Iceberg table, if its first metadata file was written. */
  static java.util.Optional<Table> findLakeTable(String warehouse, String db, String table) {
    HadoopCatalog catalog = new HadoopCatalog(new Configuration(), warehouse);
    TableIdentifier id = TableIdentifier.of(db, table);
    return catalog.tableExists(id) ? java.util.Optional.of(catalog.loadTable(id)) : java.util.Optional.empty();
  }

  /** Rows of the lake table (latest snapshot), keyed and normalized like {@link #source}. */
  static Map<String, Map<String, String>> lake(Table table, String key) throws Exception {
    table.refresh();
    Map<String, Map<String, String>> rows = new TreeMap<>();
    List<String> timeFieldIds = List.of(table.properties().getOrDefault("changelake.time-field-ids", "").split(","));
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record record : records) {
        Map<String, String> row = new LinkedHashMap<>();
        for (Types.NestedField field : table.schema().columns()) {
          Object value = record.getField(field.name());
          if (value instanceof Long micros && timeFieldIds.contains(String.valueOf(field.fieldId()))) {
            value = LocalTime.ofNanoOfDay(micros * 1000);  // a TIME stored as microseconds of the day
          }
          // the field's doc is the source type; an interval is ISO 8601 text
          row.put(field.name(), "interval".equals(field.doc()) && value != null
              ? intervalText(value.toString()) : lakeText(value));
        }
        String k = keyOf(row, key);
        if (rows.put(k, row) != null) {
          throw new AssertionError("Duplicate key " + k + " in lake table " + table.name());
        }
      }
    }
    return rows;
  }

  /** Rows of a lake table of any format (latest version), read through its sink's scan, keyed like {@link #source}. */
  static Map<String, Map<String, String>> lake(String format, String warehouse, String db, String table, String key) {
    return lake(format, warehouse, Map.of(), db, table, key);
  }

  /** {@link #lake(String, String, String, String, String)} of a warehouse opened with {@code catalogOptions}. */
  static Map<String, Map<String, String>> lake(String format, String warehouse, Map<String, String> catalogOptions,
      String db, String table, String key) {
    try (TableSink sink = Providers.sink(format).open(warehouse, catalogOptions, Map.of());
        RowScan scan = sink.find(new TableId(db, table)).orElseThrow(
            () -> new AssertionError("No " + format + " table " + db + "." + table)).scan(null)) {
      Map<String, Map<String, String>> rows = new TreeMap<>();
      List<Column> columns = scan.schema().columns();
      for (io.changelake.api.model.Row values : scan) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
          Object value = values.get(i);
          row.put(columns.get(i).name(), "interval".equals(columns.get(i).sourceType()) && value != null
              ? intervalText(value.toString()) : lakeText(value));
        }
        String k = keyOf(row, key);
        if (rows.put(k, row) != null) {
          throw new AssertionError("Duplicate key " + k + " in " + format + " table " + db + "." + table);
        }
      }
      return rows;
    }
  }

  /** Whether the lake table of {@code format} equals the source (or a view over it) now. */
  static boolean same(PostgresServer pg, String db, String sourceTable, String format, String warehouse, String lakeDb,
      String lakeTable, String key) {
    return same(postgres(pg, db), sourceTable, format, warehouse, lakeDb, lakeTable, key);
  }

  /** Whether the lake table of {@code format} equals the source table now. */
  static boolean same(SourceRows sourceRows, String sourceTable, String format, String warehouse, String lakeDb,
      String lakeTable, String key) {
    try {
      var source = sourceRows.read(sourceTable, key);
      return source.equals(project(lake(format, warehouse, lakeDb, lakeTable, key), source));
    } catch (Exception | AssertionError e) {
      return false;
    }
  }

  static void assertSame(PostgresServer pg, String db, String sourceTable, String format, String warehouse,
      String lakeDb, String lakeTable, String key) throws Exception {
    assertSame(postgres(pg, db), sourceTable, format, warehouse, lakeDb, lakeTable, key);
  }

  static void assertSame(SourceRows sourceRows, String sourceTable, String format, String warehouse,
      String lakeDb, String lakeTable, String key) throws Exception {
    assertSame(sourceRows, sourceTable, format, warehouse, Map.of(), lakeDb, lakeTable, key);
  }

  /** {@link #assertSame(SourceRows, String, String, String, String, String, String)} with catalog options. */
  static void assertSame(SourceRows sourceRows, String sourceTable, String format, String warehouse,
      Map<String, String> catalogOptions, String lakeDb, String lakeTable, String key) throws Exception {
    var source = sourceRows.read(sourceTable, key);
    var lake = project(lake(format, warehouse, catalogOptions, lakeDb, lakeTable, key), source);
    if (!source.equals(lake)) {
      throw new AssertionError(format + " table " + lakeDb + "." + lakeTable + " differs from source " + sourceTable
          + ": " + difference(source, lake));
    }
  }

  private static String lakeText(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof OffsetDateTime t) {
      return t.toInstant().toString();
    }
    if (value instanceof ByteBuffer b) {
      ByteBuffer copy = b.duplicate();
      byte[] bytes = new byte[copy.remaining()];
      copy.get(bytes);
      return HexFormat.of().formatHex(bytes);
    }
    if (value instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (value instanceof List<?> list) {
      List<String> texts = new ArrayList<>();
      list.forEach(e -> texts.add(lakeText(e)));
      return listText(texts);
    }
    if (value instanceof byte[] bytes) {
      return Arrays.toString(bytes);
    }
    return String.valueOf(value);
  }

  /**
   * The lake rows restricted to the source's columns (dropped columns stay in the lake); a source
   * column the lake table lacks shows as {@link #MISSING}, so it never passes for a column of nulls.
   */
  static Map<String, Map<String, String>> project(Map<String, Map<String, String>> lake,
      Map<String, Map<String, String>> source) {
    if (source.isEmpty()) {
      return lake;
    }
    var columns = source.values().iterator().next().keySet();
    Map<String, Map<String, String>> projected = new TreeMap<>();
    lake.forEach((k, row) -> {
      Map<String, String> p = new LinkedHashMap<>();
      columns.forEach(c -> p.put(c, row.containsKey(c) ? row.get(c) : MISSING));
      projected.put(k, p);
    });
    return projected;
  }

  /** The value of a column the lake table does not have. */
  static final String MISSING = "<no such lake column>";

  static void assertSame(PostgresServer pg, String db, String sourceTable, String warehouse, String lakeDb,
      String lakeTable, String key) throws Exception {
    var source = source(pg, db, sourceTable, key);
    var lake = project(lake(lakeTable(warehouse, lakeDb, lakeTable), key), source);
    if (!source.equals(lake)) {
      throw new AssertionError("lake table " + lakeDb + "." + lakeTable + " differs from source " + sourceTable + ": "
          + difference(source, lake));
    }
  }

  /** The first few keys whose rows differ, with the columns that differ (long values shortened), and the counts. */
  private static String difference(Map<String, Map<String, String>> source, Map<String, Map<String, String>> lake) {
    StringBuilder out = new StringBuilder("source has " + source.size() + " rows, lake " + lake.size() + ".");
    var keys = new java.util.TreeSet<>(source.keySet());
    keys.addAll(lake.keySet());
    int shown = 0;
    for (String k : keys) {
      Map<String, String> s = source.get(k);
      Map<String, String> l = lake.get(k);
      if (java.util.Objects.equals(s, l) || shown++ >= 10) {
        continue;
      }
      out.append("\n  key ").append(k).append(':');
      if (s == null || l == null) {
        out.append(s == null ? " only in the lake" : " only in the source");
        continue;
      }
      s.forEach((column, value) -> {
        if (!java.util.Objects.equals(value, l.get(column))) {
          out.append("\n    ").append(column).append(": source ").append(shorten(value))
              .append(", lake ").append(shorten(l.get(column)));
        }
      });
    }
    return out.toString();
  }

  private static String shorten(String value) {
    return value == null ? "NULL" : value.length() <= 120 ? "'" + value + "'"
        : "'" + value.substring(0, 60) + "..." + value.substring(value.length() - 40) + "' (" + value.length() + " chars)";
  }

  /** Whether the lake table equals the source now (for waiting). */
  static boolean same(PostgresServer pg, String db, String sourceTable, String warehouse, String lakeDb,
      String lakeTable, String key) {
    try {
      var source = source(pg, db, sourceTable, key);
      return source.equals(project(lake(lakeTable(warehouse, lakeDb, lakeTable), key), source));
    } catch (Exception | AssertionError e) {
      return false;
    }
  }
}
