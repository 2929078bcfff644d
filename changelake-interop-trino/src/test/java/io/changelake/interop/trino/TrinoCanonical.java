package io.changelake.interop.trino;

import io.changelake.interop.Canonical;
import io.changelake.interop.EveryTypeTable;
import io.trino.spi.type.SqlDate;
import io.trino.spi.type.SqlDecimal;
import io.trino.spi.type.SqlTimestamp;
import io.trino.spi.type.SqlTimestampWithTimeZone;
import io.trino.spi.type.SqlVarbinary;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Trino's side of {@link Canonical}: the Trino type each PostgreSQL column is read as through Iceberg, and the
 * text of a value Trino returned: {@code MaterializedResult} hands out Trino's own value classes ({@code
 * SqlDecimal}, {@code SqlDate} as days since 1970, timestamps as microseconds since 1970, with time zone as
 * milliseconds and picoseconds), Java numbers, strings and lists. Dates and timestamps are proleptic Gregorian
 * both in Trino and in {@code java.time}, so 0001-01-01 and 1582-10-04 read as written.
 */
final class TrinoCanonical {
  private TrinoCanonical() { }

  /** The Trino type (display name) a PostgreSQL column must be read as. */
  static String trinoType(EveryTypeTable.Column column) {
    return switch (column.type()) {
      case "int2", "int4" -> "integer";
      case "int8", "time" -> "bigint";
      case "float4" -> "real";
      case "float8" -> "double";
      case "numeric" -> column.precision() > 0 && column.precision() <= 38
          ? "decimal(" + column.precision() + "," + column.scale() + ")" : "varchar";
      case "bool" -> "boolean";
      case "bytea" -> "varbinary";
      case "uuid" -> "uuid";
      case "date" -> "date";
      case "timestamp" -> "timestamp(6)";
      case "timestamptz" -> "timestamp(6) with time zone";
      case "_int4" -> "array(integer)";
      case "_text" -> "array(varchar)";
      default -> "varchar";
    };
  }

  /** A value Trino returned for a column holding PostgreSQL type {@code pgType}. */
  static String of(Object value, String pgType) {
    if (value == null) {
      return null;
    }
    if (value instanceof List<?> list) {
      List<String> texts = new ArrayList<>();
      list.forEach(element -> texts.add(of(element, pgType.substring(1))));
      return Canonical.list(texts);
    }
    if (value instanceof Float f) {
      return Float.toString(f);
    }
    if (value instanceof Double d) {
      return Double.toString(d);
    }
    if (value instanceof SqlDecimal d) {
      return d.toBigDecimal().toPlainString();
    }
    if (value instanceof SqlVarbinary bytes) {
      return HexFormat.of().formatHex(bytes.getBytes());
    }
    if (value instanceof SqlDate date) {
      return LocalDate.ofEpochDay(date.getDays()).toString();
    }
    if (value instanceof SqlTimestamp t) {
      return t.toLocalDateTime().toString();
    }
    if (value instanceof SqlTimestampWithTimeZone t) {
      return Instant.ofEpochMilli(t.getEpochMillis()).plusNanos(t.getPicosOfMilli() / 1000).toString();
    }
    if (value instanceof Number || value instanceof Boolean || value instanceof UUID) {
      return value.toString();
    }
    if (value instanceof String text) {
      return switch (pgType) {
        case "interval" -> Canonical.interval(text);
        case "money" -> Canonical.money(text);
        default -> text;
      };
    }
    throw new AssertionError("Trino value " + value + " (" + value.getClass().getName() + ") has no canonical text here");
  }
}
