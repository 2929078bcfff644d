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

  private static String keyOf(Map<String, String> row, String key) {
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
      case "numeric" -> ((BigDecimal) value).toPlainString();
      default -> value instanceof Array array ? arrayText((Object[]) array.getArray()) : String.valueOf(value);
    };
  }

  private static String arrayText(Object[] elements) {
    List<String> texts = new ArrayList<>();
    for (Object element : elements) {
      texts.add(element == null ? null : element instanceof BigDecimal d ? d.toPlainString() : String.valueOf(element));
    }
    return texts.toString();
  }

  static Table lakeTable(String warehouse, String db, String table) {
    HadoopCatalog catalog = new HadoopCatalog(new Configuration(), warehouse);
    return catalog.loadTable(TableIdentifier.of(db, table));
  }

  /** Rows of the lake table (latest snapshot), keyed and normalized like {@link #source}. */
  static Map<String, Map<String, String>> lake(Table table, String key) throws Exception {
    table.refresh();
    Map<String, Map<String, String>> rows = new TreeMap<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record record : records) {
        Map<String, String> row = new LinkedHashMap<>();
        for (Types.NestedField field : table.schema().columns()) {
          row.put(field.name(), lakeText(record.getField(field.name())));
        }
        String k = keyOf(row, key);
        if (rows.put(k, row) != null) {
          throw new AssertionError("Duplicate key " + k + " in lake table " + table.name());
        }
      }
    }
    return rows;
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
      return texts.toString();
    }
    if (value instanceof byte[] bytes) {
      return Arrays.toString(bytes);
    }
    return String.valueOf(value);
  }

  /** The lake rows restricted to the source's columns (dropped columns stay in the lake). */
  static Map<String, Map<String, String>> project(Map<String, Map<String, String>> lake,
      Map<String, Map<String, String>> source) {
    if (source.isEmpty()) {
      return lake;
    }
    var columns = source.values().iterator().next().keySet();
    Map<String, Map<String, String>> projected = new TreeMap<>();
    lake.forEach((k, row) -> {
      Map<String, String> p = new LinkedHashMap<>();
      columns.forEach(c -> p.put(c, row.get(c)));
      projected.put(k, p);
    });
    return projected;
  }

  static void assertSame(PostgresServer pg, String db, String sourceTable, String warehouse, String lakeDb,
      String lakeTable, String key) throws Exception {
    var source = source(pg, db, sourceTable, key);
    var lake = project(lake(lakeTable(warehouse, lakeDb, lakeTable), key), source);
    if (!source.equals(lake)) {
      throw new AssertionError("lake table " + lakeDb + "." + lakeTable + " differs from source " + sourceTable + ": "
          + difference(source, lake));
    }
  }

  /** The first few keys whose rows differ, both sides, and the counts. */
  private static String difference(Map<String, Map<String, String>> source, Map<String, Map<String, String>> lake) {
    StringBuilder out = new StringBuilder("source has " + source.size() + " rows, lake " + lake.size() + ".");
    var keys = new java.util.TreeSet<>(source.keySet());
    keys.addAll(lake.keySet());
    int shown = 0;
    for (String k : keys) {
      if (!java.util.Objects.equals(source.get(k), lake.get(k)) && shown++ < 10) {
        out.append("\n  key ").append(k).append(": source ").append(source.get(k)).append(", lake ").append(lake.get(k));
      }
    }
    return out.toString();
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
