package io.changelake.bench;

import io.changelake.api.model.Row;
import io.changelake.api.model.TableSchema;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.function.Function;

/**
 * One row of the workload's {@code orders} table, typed as changelake's core model carries it, so
 * that rows read from PostgreSQL (JDBC) and from any lake format compare value by value. {@code mood}
 * and {@code tags} are the typed variant's columns, null in the plain one.
 */
record OrderRow(long id, Long customerId, Integer quantity, BigDecimal price, String status, String note,
                Boolean paid, LocalDate orderDate, LocalDateTime createdAt, LocalDateTime updatedAt,
                LocalDateTime shippedAt, String tracking, Float weight, Double score, String mood,
                List<Integer> tags) {

  /** The table's columns, in the order of the fields above, but for the typed variant's. */
  static final List<String> COLUMNS = List.of("id", "customer_id", "quantity", "price", "status", "note", "is_paid",
      "order_date", "created_at", "updated_at", "shipped_at", "tracking", "weight", "score");
  /** The typed variant's enum column. */
  static final String MOOD = "mood";
  /** The typed variant's int[] column. */
  static final String TAGS = "tags";

  /** Whether a table with {@code schema} is the typed variant's. */
  static boolean typed(TableSchema schema) {
    return schema.indexOf(MOOD) >= 0;
  }

  /** A converter for rows of a lake table version with {@code schema}; fails when a column is missing. */
  @SuppressWarnings("unchecked")
  static Function<Row, OrderRow> fromLake(TableSchema schema) {
    int[] at = new int[COLUMNS.size()];
    for (int i = 0; i < at.length; i++) {
      at[i] = schema.indexOf(COLUMNS.get(i));
    }
    int mood = schema.indexOf(MOOD);
    int tags = schema.indexOf(TAGS);
    return row -> new OrderRow((Long) row.get(at[0]), (Long) row.get(at[1]), (Integer) row.get(at[2]),
        (BigDecimal) row.get(at[3]), (String) row.get(at[4]), (String) row.get(at[5]), (Boolean) row.get(at[6]),
        (LocalDate) row.get(at[7]), (LocalDateTime) row.get(at[8]), (LocalDateTime) row.get(at[9]),
        (LocalDateTime) row.get(at[10]), (String) row.get(at[11]), (Float) row.get(at[12]),
        (Double) row.get(at[13]), mood < 0 ? null : (String) row.get(mood),
        tags < 0 ? null : (List<Integer>) row.get(tags));
  }

  /** The current row of a result set over {@code SELECT * FROM orders}; {@code typed} for the typed variant's. */
  static OrderRow fromJdbc(ResultSet rs, boolean typed) throws SQLException {
    java.sql.Array tags = typed ? rs.getArray(TAGS) : null;
    return new OrderRow(rs.getLong("id"), rs.getObject("customer_id", Long.class),
        rs.getObject("quantity", Integer.class), rs.getBigDecimal("price"), rs.getString("status"),
        rs.getString("note"), rs.getObject("is_paid", Boolean.class), rs.getObject("order_date", LocalDate.class),
        rs.getObject("created_at", LocalDateTime.class), rs.getObject("updated_at", LocalDateTime.class),
        rs.getObject("shipped_at", LocalDateTime.class), rs.getString("tracking"),
        rs.getObject("weight") == null ? null : rs.getFloat("weight"),
        rs.getObject("score") == null ? null : rs.getDouble("score"), typed ? rs.getString(MOOD) : null,
        tags == null ? null : java.util.Arrays.asList((Integer[]) tags.getArray()));
  }

  /** A 64-bit fingerprint of every value, equal for equal rows whichever side they were read from. */
  long fingerprint() {
    String text = id + "|" + customerId + "|" + quantity + "|" + (price == null ? null : price.toPlainString())
        + "|" + status + "|" + note + "|" + paid + "|" + orderDate + "|" + createdAt + "|" + updatedAt + "|"
        + shippedAt + "|" + tracking + "|" + weight + "|" + score + "|" + mood + "|" + tags;
    byte[] md5 = md5(text);
    long result = 0;
    for (int i = 0; i < 8; i++) {
      result = (result << 8) | (md5[i] & 0xffL);
    }
    return result;
  }

  static byte[] md5(String text) {
    try {
      return MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is part of every JDK", e);
    }
  }
}
