package io.changelake.engine.transform;

import io.changelake.api.model.DataType;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Values as SQL text and back: {@code CAST(x AS string)} and {@code CAST('...' AS type)}.
 *
 * <p>Timestamps are written {@code 2024-05-01 13:45:00.123456} (fraction only when non-zero),
 * timestamptz in UTC with {@code +00:00}; reading accepts {@code T} or a space between date and
 * time, and an optional offset for timestamptz (UTC when absent). Booleans read PostgreSQL's
 * spellings ({@code t}, {@code true}, {@code yes}, {@code on}, {@code 1} and their opposites).
 */
final class TextValues {
  private static final DateTimeFormatter TIMESTAMP_OUT = new DateTimeFormatterBuilder()
      .append(DateTimeFormatter.ISO_LOCAL_DATE).appendLiteral(' ')
      .appendPattern("HH:mm:ss").appendFraction(ChronoField.NANO_OF_SECOND, 0, 6, true)
      .toFormatter(Locale.ROOT);
  private static final DateTimeFormatter TIMESTAMPTZ_OUT = new DateTimeFormatterBuilder()
      .append(TIMESTAMP_OUT).appendOffset("+HH:MM", "+00:00").toFormatter(Locale.ROOT);
  private static final DateTimeFormatter TIMESTAMP_IN = new DateTimeFormatterBuilder()
      .parseCaseInsensitive().append(DateTimeFormatter.ISO_LOCAL_DATE)
      .optionalStart().appendLiteral('T').optionalEnd()
      .optionalStart().appendLiteral(' ').optionalEnd()
      .append(DateTimeFormatter.ISO_LOCAL_TIME)
      .toFormatter(Locale.ROOT);
  private static final DateTimeFormatter TIMESTAMPTZ_IN = new DateTimeFormatterBuilder()
      .append(TIMESTAMP_IN).optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
      .parseDefaulting(ChronoField.OFFSET_SECONDS, 0).toFormatter(Locale.ROOT);

  private TextValues() { }

  /** Writes non-null values of {@code type} as text; null when the type has no text form here. */
  static UnaryOperator<Object> formatter(DataType type) {
    return switch (type.kind()) {
      case BOOLEAN, INT, LONG, FLOAT, DOUBLE, DATE, UUID -> String::valueOf;
      case DECIMAL -> v -> ((BigDecimal) v).toPlainString();
      case TIME -> v -> ((LocalTime) v).toString();
      case TIMESTAMP -> v -> TIMESTAMP_OUT.format((LocalDateTime) v);
      case TIMESTAMPTZ -> v -> TIMESTAMPTZ_OUT.format((OffsetDateTime) v);
      case BINARY -> v -> "\\x" + HexFormat.of().formatHex(bytes((ByteBuffer) v));
      default -> null;
    };
  }

  /**
   * Reads text (trimmed) as a value of {@code type}; the reader throws
   * {@link IllegalArgumentException} naming the text and the type when it does not parse. Null when
   * the type cannot be read from text.
   */
  static UnaryOperator<Object> parser(DataType type) {
    Function<String, Object> parse = reader(type);
    if (parse == null) {
      return null;
    }
    return v -> {
      try {
        return parse.apply(((String) v).trim());
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("cannot cast '" + v + "' to " + type, e);
      }
    };
  }

  private static Function<String, Object> reader(DataType type) {
    return switch (type.kind()) {
      case BOOLEAN -> v -> bool(v);
      case INT -> v -> Integer.valueOf(v);
      case LONG -> v -> Long.valueOf(v);
      case FLOAT -> v -> Float.valueOf(v);
      case DOUBLE -> v -> Double.valueOf(v);
      case DECIMAL -> v -> TypeRules.fit(new BigDecimal(v), (DataType.Decimal) type);
      case DATE -> v -> LocalDate.parse(v);
      case TIME -> v -> LocalTime.parse(v).truncatedTo(ChronoUnit.MICROS);
      case TIMESTAMP -> v -> LocalDateTime.parse(v, TIMESTAMP_IN).truncatedTo(ChronoUnit.MICROS);
      case TIMESTAMPTZ -> v -> OffsetDateTime.parse(v, TIMESTAMPTZ_IN)
          .withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
      case UUID -> v -> UUID.fromString(v);
      default -> null;
    };
  }

  private static Boolean bool(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "t", "true", "y", "yes", "on", "1" -> Boolean.TRUE;
      case "f", "false", "n", "no", "off", "0" -> Boolean.FALSE;
      default -> throw new IllegalArgumentException("not a boolean");
    };
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }
}
