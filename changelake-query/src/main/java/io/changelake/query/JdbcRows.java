package io.changelake.query;

import java.sql.Array;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/** Streams a JDBC result of Calcite's (connection time zone UTC) as a {@link QueryResult} of Java values. */
final class JdbcRows implements Iterator<List<Object>> {
  private static final long DAY_MILLIS = 86_400_000L;

  private final ResultSet rows;
  private final boolean[] withZone;
  private final Map<Integer, Integer> micros;
  private Boolean ahead;

  private JdbcRows(ResultSet rows, int visible, Map<Integer, Integer> micros) throws SQLException {
    this.rows = rows;
    this.micros = micros;
    ResultSetMetaData meta = rows.getMetaData();
    this.withZone = new boolean[visible];
    for (int i = 0; i < withZone.length; i++) {
      withZone[i] = meta.getColumnTypeName(i + 1).contains("TIME_ZONE");
    }
  }

  /**
   * The first {@code visible} columns of {@code rows}; {@code micros} maps a timestamp column among them to the
   * column holding its microseconds within the millisecond (see {@link ExactTimes}).
   */
  static QueryResult result(ResultSet rows, AutoCloseable resource, int visible, Map<Integer, Integer> micros)
      throws SQLException {
    ResultSetMetaData meta = rows.getMetaData();
    List<String> columns = new ArrayList<>();
    for (int i = 1; i <= visible; i++) {
      columns.add(meta.getColumnLabel(i));
    }
    return new QueryResult(columns, new JdbcRows(rows, visible, micros), resource);
  }

  @Override
  public boolean hasNext() {
    if (ahead == null) {
      try {
        ahead = rows.next();
      } catch (SQLException | RuntimeException e) {
        throw QueryEngine.failure(e);
      }
    }
    return ahead;
  }

  @Override
  public List<Object> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    ahead = null;
    try {
      List<Object> row = new ArrayList<>(withZone.length);
      for (int i = 0; i < withZone.length; i++) {
        Object value = value(rows.getObject(i + 1), withZone[i]);
        Integer field = micros.get(i);
        row.add(field == null ? value : LakeTypes.withMicros(value, (Integer) rows.getObject(field + 1)));
      }
      return row;
    } catch (SQLException e) {
      throw QueryEngine.failure(e);
    }
  }

  private static Object value(Object value, boolean withZone) throws SQLException {
    if (value instanceof Timestamp timestamp) {
      Instant instant = Instant.ofEpochMilli(timestamp.getTime());
      return withZone ? instant.atOffset(ZoneOffset.UTC)
          : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
    if (value instanceof Date date) {
      return LocalDate.ofEpochDay(Math.floorDiv(date.getTime(), DAY_MILLIS));
    }
    if (value instanceof Time time) {
      return LocalTime.ofNanoOfDay(Math.floorMod(time.getTime(), DAY_MILLIS) * 1_000_000L);
    }
    if (value instanceof Array array) {
      List<Object> items = new ArrayList<>();
      for (Object item : (Object[]) array.getArray()) {
        items.add(value(item, false));
      }
      return items;
    }
    if (value instanceof Object[] items) {
      return Arrays.asList(items);
    }
    return value;
  }
}
