package io.changelake.cli;

import io.changelake.testkit.MariaDbServer;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Reads a MariaDB (or MySQL) table as {@link TableComparison} compares it: each value as the text of the
 * lake value the source's type table promises (changelake-source-mysql's README), computed by the server
 * itself where it can (UNIX_TIMESTAMP, TIME_TO_SEC, ST_AsWKB, CAST), not by the source's own decoding.
 */
final class MysqlRows {
  private MysqlRows() { }

  /** The tables of {@code database} on {@code server}. */
  static TableComparison.SourceRows of(MariaDbServer server, String database) {
    return (table, key) -> read(server, database, table, key);
  }

  private record Column(String name, String type, String columnType) {
    /** The select-list expression whose value gives this column's lake text. */
    String expression() {
      String c = "`" + name + "`";
      String noZeroDate = "IF(MONTH(" + c + ") = 0 OR DAYOFMONTH(" + c + ") = 0, NULL, ";
      return switch (type) {
        case "date" -> noZeroDate + "DATE_FORMAT(" + c + ", '%Y-%m-%d'))";
        case "datetime" -> noZeroDate + "DATE_FORMAT(" + c + ", '%Y-%m-%dT%H:%i:%s.%f'))";
        case "timestamp" -> "NULLIF(UNIX_TIMESTAMP(" + c + "), 0)";
        case "year" -> "CAST(" + c + " AS SIGNED)";
        case "time" -> "CAST(ROUND(TIME_TO_SEC(" + c + ") * 1000000) AS SIGNED)";
        case "bit" -> columnType.equals("bit(1)") ? "CASE " + c + " + 0 WHEN 1 THEN 'true' WHEN 0 THEN 'false' END"
            : "CAST(" + c + " + 0 AS SIGNED)";
        case "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
            "geometrycollection" -> "ST_AsWKB(" + c + ")";
        default -> c;
      };
    }
  }

  static Map<String, Map<String, String>> read(MariaDbServer server, String database, String table, String key)
      throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", MariaDbServer.ADMIN);
    props.setProperty("password", MariaDbServer.ADMIN_PASSWORD);
    props.setProperty("useServerPrepStmts", "true");
    Map<String, Map<String, String>> rows = new TreeMap<>();
    try (Connection c = DriverManager.getConnection(server.jdbcUrl(database), props)) {
      List<Column> columns = columns(c, database, table);
      List<String> expressions = new ArrayList<>();
      columns.forEach(col -> expressions.add(col.expression()));
      try (PreparedStatement ps = c.prepareStatement("SELECT " + String.join(", ", expressions) + " FROM `" + table
          + "`"); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Map<String, String> row = new LinkedHashMap<>();
          for (int i = 0; i < columns.size(); i++) {
            row.put(columns.get(i).name(), text(rs, i + 1, columns.get(i)));
          }
          rows.put(TableComparison.keyOf(row, key), row);
        }
      }
    }
    return rows;
  }

  private static List<Column> columns(Connection c, String database, String table) throws SQLException {
    List<Column> columns = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE FROM"
        + " information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
      ps.setString(1, database);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.add(new Column(rs.getString(1), rs.getString(2).toLowerCase(), rs.getString(3).toLowerCase()));
        }
      }
    }
    return columns;
  }

  private static String text(ResultSet rs, int i, Column column) throws SQLException {
    if (rs.getObject(i) == null) {
      return null;
    }
    return switch (column.type()) {
      case "float" -> String.valueOf(rs.getFloat(i));
      case "double" -> String.valueOf(rs.getDouble(i));
      case "decimal" -> rs.getBigDecimal(i).toPlainString();
      case "date" -> LocalDate.parse(rs.getString(i)).toString();
      case "datetime" -> LocalDateTime.parse(rs.getString(i)).toString();
      case "timestamp" -> {
        BigDecimal seconds = rs.getBigDecimal(i);
        yield Instant.ofEpochSecond(seconds.longValue(), seconds.remainder(BigDecimal.ONE).movePointRight(9).longValue())
            .toString();
      }
      case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "geometry", "point", "linestring",
          "polygon", "multipoint", "multilinestring", "multipolygon", "geometrycollection" ->
          HexFormat.of().formatHex(rs.getBytes(i));
      default -> rs.getString(i);
    };
  }
}
