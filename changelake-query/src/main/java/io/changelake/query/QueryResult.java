package io.changelake.query;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The rows of one statement, streamed: column names, then rows of Java values ({@code Long}, {@code BigDecimal},
 * {@code String}, {@code LocalDate}, {@code LocalTime}, {@code LocalDateTime}, {@code OffsetDateTime} in UTC for
 * timestamps with time zone, {@code byte[]}, {@code List} for arrays, {@code Map} for maps). Close it when done.
 */
public final class QueryResult implements Iterator<List<Object>>, AutoCloseable {
  private final List<String> columns;
  private final Iterator<List<Object>> rows;
  private final AutoCloseable resource;

  QueryResult(List<String> columns, Iterator<List<Object>> rows, AutoCloseable resource) {
    this.columns = List.copyOf(columns);
    this.rows = rows;
    this.resource = resource;
  }

  /** The result of a statement that returns nothing. */
  public static QueryResult none() {
    return of(List.of(), List.of());
  }

  /** A result held in memory. */
  static QueryResult of(List<String> columns, List<List<Object>> rows) {
    return new QueryResult(columns, rows.iterator(), () -> { });
  }

  /** The column names, in order; empty for a statement that returns nothing (USE). */
  public List<String> columns() {
    return columns;
  }

  @Override
  public boolean hasNext() {
    return rows.hasNext();
  }

  @Override
  public List<Object> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return rows.next();
  }

  @Override
  public void close() {
    try {
      resource.close();
    } catch (Exception e) {
      throw new IllegalStateException("Closing the query failed: " + e.getMessage(), e);
    }
  }
}
