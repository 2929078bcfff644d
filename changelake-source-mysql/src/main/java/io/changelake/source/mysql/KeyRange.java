package io.changelake.source.mysql;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A range of a table's primary key, from {@code lower} (inclusive) to {@code upper} (exclusive), each null
 * for no bound. Key tuples compare in key-column order, each column by the server with its own type and
 * collation (never in Java): the condition is the row comparison {@code (a, b) >= (?, ?)} spelt out as
 * {@code a >= ? AND (a > ? OR (a = ? AND b >= ?))}, which the server's range optimizer reads as a range of
 * the primary key (it does not for the row comparison itself).
 *
 * @param key the key's column names
 * @param lower the values the range starts at, one per key column, or null
 * @param upper the values the range ends before, or null
 */
record KeyRange(List<String> key, List<Object> lower, List<Object> upper) {
  /** Every row. */
  static final KeyRange ALL = new KeyRange(List.of(), null, null);

  KeyRange {
    key = List.copyOf(key);
    lower = lower == null ? null : List.copyOf(lower);
    upper = upper == null ? null : List.copyOf(upper);
  }

  /** A SQL condition: a column, a comparison, and its parameters in order. */
  private record Condition(String sql, List<Object> parameters) { }

  /** The condition selecting the range, with a leading {@code " WHERE "}, or empty; see {@link #bind}. */
  String where() {
    List<Condition> parts = conditions();
    return parts.isEmpty() ? "" : " WHERE " + parts.stream().map(Condition::sql).collect(Collectors.joining(" AND "));
  }

  /** Binds the parameters of {@link #where()} from {@code first}; returns the next parameter index. */
  int bind(PreparedStatement ps, int first) throws SQLException {
    int index = first;
    for (Condition part : conditions()) {
      for (Object value : part.parameters()) {
        ps.setObject(index++, value);
      }
    }
    return index;
  }

  /** The range for messages, values written out: {@code [('a', 1), ('c', 7))}. */
  String describe() {
    return lower == null && upper == null ? "all rows"
        : "[" + (lower == null ? "start" : tuple(lower)) + ", " + (upper == null ? "end" : tuple(upper)) + ")";
  }

  private List<Condition> conditions() {
    List<Condition> parts = new ArrayList<>();
    if (lower != null) {
      parts.add(compare(lower, ">", ">="));
    }
    if (upper != null) {
      parts.add(compare(upper, "<", "<"));
    }
    return parts;
  }

  /**
   * The key tuple compared with {@code bound}: {@code strict} on every column but the last, which takes
   * {@code last}; led by the first column's non-strict bound, for the range optimizer.
   */
  private Condition compare(List<Object> bound, String strict, String last) {
    List<Object> parameters = new ArrayList<>();
    String tuple = tupleCompare(bound, 0, strict, last, parameters);
    if (key.size() == 1) {
      return new Condition(tuple, parameters);
    }
    parameters.add(0, bound.get(0));
    return new Condition(column(0) + " " + strict.charAt(0) + "= ? AND " + tuple, parameters);
  }

  private String tupleCompare(List<Object> bound, int i, String strict, String last, List<Object> parameters) {
    parameters.add(bound.get(i));
    if (i == key.size() - 1) {
      return column(i) + " " + last + " ?";
    }
    parameters.add(bound.get(i));
    return "(" + column(i) + " " + strict + " ? OR (" + column(i) + " = ? AND "
        + tupleCompare(bound, i + 1, strict, last, parameters) + "))";
  }

  private String column(int i) {
    return MysqlCatalog.quote(key.get(i));
  }

  private static String tuple(List<Object> values) {
    String inner = values.stream().map(KeyRange::literal).collect(Collectors.joining(", "));
    return values.size() == 1 ? inner : "(" + inner + ")";
  }

  private static String literal(Object value) {
    if (value instanceof byte[] bytes) {
      return "x'" + HexFormat.of().formatHex(bytes) + "'";
    }
    return value instanceof BigDecimal || value instanceof Double ? value.toString() : "'" + value + "'";
  }
}
