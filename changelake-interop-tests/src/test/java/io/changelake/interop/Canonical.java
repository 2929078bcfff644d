package io.changelake.interop;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.StringJoiner;

/**
 * One text per value, computed from PostgreSQL's value (JDBC) and from an engine's ({@link SparkCanonical};
 * Trino's in changelake-interop-trino), so that equal texts mean equal values. Every mapping is exact; none rounds, trims or reformats what could differ:
 *
 * <table>
 *   <caption>Canonical texts</caption>
 *   <tr><th>PostgreSQL</th><th>Spark type (all three formats)</th><th>text</th></tr>
 *   <tr><td>smallint, integer, bigint</td><td>int, bigint</td><td>decimal digits</td></tr>
 *   <tr><td>real</td><td>float</td><td>{@link Float#toString}: NaN, Infinity, -0.0 kept apart</td></tr>
 *   <tr><td>double precision</td><td>double</td><td>{@link Double#toString}</td></tr>
 *   <tr><td>numeric(p,s)</td><td>decimal(p,s)</td><td>plain digits with exactly s decimals</td></tr>
 *   <tr><td>numeric</td><td>string</td><td>PostgreSQL's own text (NaN, Infinity, every digit)</td></tr>
 *   <tr><td>boolean</td><td>boolean</td><td>true / false</td></tr>
 *   <tr><td>text, varchar, char(n), json, jsonb, uuid, enum, inet</td><td>string</td><td>the text itself</td></tr>
 *   <tr><td>bytea</td><td>binary</td><td>lower-case hex of every byte</td></tr>
 *   <tr><td>date</td><td>date</td><td>ISO date, proleptic Gregorian (0001-01-01)</td></tr>
 *   <tr><td>time</td><td>bigint</td><td>microseconds of the day</td></tr>
 *   <tr><td>timestamp</td><td>timestamp_ntz</td><td>ISO local date-time, to the microsecond</td></tr>
 *   <tr><td>timestamptz</td><td>timestamp</td><td>ISO UTC instant, to the microsecond</td></tr>
 *   <tr><td>interval</td><td>string</td><td>months, days and microseconds of the ISO 8601 text</td></tr>
 *   <tr><td>money</td><td>string</td><td>the exact amount with two decimals, whether written {@code -$1,234.50}
 *       or {@code -1234.50}</td></tr>
 *   <tr><td>arrays</td><td>array</td><td>elements' texts, quoted; a NULL element is {@code null}</td></tr>
 * </table>
 */
public final class Canonical {
  private Canonical() { }

  /** Column {@code i} of the current row, read through JDBC. */
  public static String ofPostgres(ResultSet rs, int i, String pgType) throws SQLException {
    if (rs.getString(i) == null) {  // not getObject: pgjdbc reads money as a double, which fails for large amounts
      return null;
    }
    return switch (pgType) {
      case "float4" -> Float.toString(rs.getFloat(i));
      case "float8" -> Double.toString(rs.getDouble(i));
      case "numeric" -> rs.getObject(i) instanceof BigDecimal d && rs.getMetaData().getPrecision(i) > 0
          ? d.toPlainString() : rs.getString(i);
      case "bool" -> Boolean.toString(rs.getBoolean(i));
      case "bytea" -> HexFormat.of().formatHex(rs.getBytes(i));
      case "date" -> rs.getObject(i, LocalDate.class).toString();
      case "time" -> Long.toString(rs.getObject(i, LocalTime.class).toNanoOfDay() / 1000);
      case "timestamp" -> rs.getObject(i, LocalDateTime.class).toString();
      case "timestamptz" -> rs.getObject(i, OffsetDateTime.class).toInstant().toString();
      case "interval" -> interval(rs.getString(i));
      case "money" -> money(rs.getString(i));
      case "_int4", "_text" -> list(arrayElements(rs.getArray(i)));
      default -> rs.getString(i);
    };
  }

  private static List<String> arrayElements(Array array) throws SQLException {
    List<String> texts = new ArrayList<>();
    for (Object element : (Object[]) array.getArray()) {
      texts.add(element == null ? null : element.toString());
    }
    return texts;
  }

  /** Elements quoted, so that a NULL element differs from the text 'null' and ["a,b"] from ["a", "b"]. */
  public static String list(List<String> elements) {
    StringJoiner joined = new StringJoiner(", ", "[", "]");
    for (String e : elements) {
      joined.add(e == null ? "null" : '"' + e.replace("\\", "\\\\").replace("\"", "\\\"") + '"');
    }
    return joined.toString();
  }

  /** A money amount as a plain decimal with its two fraction digits, from {@code -$1,234.50} or {@code -1234.50}. */
  public static String money(String text) {
    return new BigDecimal(text.replace("$", "").replace(",", "")).setScale(2).toPlainString();
  }

  /**
   * An ISO 8601 duration as PostgreSQL keeps an interval: months, days and microseconds, each exact
   * ("PT0S" equals "P0D", "P1M" differs from "P30D"). Other text is returned as it is.
   */
  public static String interval(String iso) {
    try {
      int t = iso.indexOf('T');
      String date = t < 0 ? iso : iso.substring(0, t);
      Period period = "P".equals(date) ? Period.ZERO : Period.parse(date);
      Duration time = t < 0 ? Duration.ZERO : Duration.parse("PT" + iso.substring(t + 1));
      return period.toTotalMonths() + " months " + period.getDays() + " days " + time.toNanos() / 1000 + " us";
    } catch (DateTimeParseException e) {
      return iso;
    }
  }
}
