package io.changelake.source.postgres;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.debezium.ConnectValues;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Arrays;
import java.util.Collections;
import java.util.Set;
import java.util.UUID;

/**
 * Decodes a field of PostgreSQL's binary form (the type's {@code send} form, which binary {@code COPY} and
 * pgoutput's binary mode both carry) into the value the {@link DataType} contract wants: the same value
 * {@link PostgresRecordDecoder} gives for that column when Debezium reads it. A numeric NaN or infinity in
 * a DECIMAL column decodes to {@link PostgresRecordDecoder#NAN_DECIMAL} (null in an array); a date or
 * timestamp infinity to the type's MAX or MIN, as pgjdbc reads it; a timestamptz infinity, which has no UTC
 * value, fails. Types whose lake value is text are in {@link BinaryTextValues}.
 *
 * <p>Arrays decode to a list of their elements, a multi-dimensional array flattened in row-major order
 * (the lake type has one dimension); enums to their label; a domain to the text of its base value (the
 * lake type Debezium gives a domain is STRING); ranges and multiranges to PostgreSQL's text form.
 */
final class BinaryCopyValues {
  /**
   * Source types decoded here and by Debezium to the same values, for a snapshot read here and streamed
   * by Debezium; with this reader's own stream, every type {@link #supports} accepts is read here.
   */
  static final Set<String> SAME_AS_DEBEZIUM = Set.of("bool", "int2", "int4", "int8", "float4", "float8", "numeric",
      "text", "varchar", "bpchar", "json", "jsonb", "date", "time", "timestamp", "timestamptz", "uuid", "bytea");
  /** The base types {@link #scalar} decodes itself; the others are {@link BinaryTextValues}'. */
  private static final Set<String> SCALARS = java.util.stream.Stream.concat(SAME_AS_DEBEZIUM.stream(),
      java.util.stream.Stream.of("oid")).collect(java.util.stream.Collectors.toUnmodifiableSet());
  private static final DateTimeFormatter TIMESTAMP_TEXT = new DateTimeFormatterBuilder()
      .appendPattern("uuuu-MM-dd HH:mm:ss").appendFraction(ChronoField.MICRO_OF_SECOND, 0, 6, true).toFormatter();

  /**
   * Decodes one non-null field, the {@code length} bytes of {@code buf} from {@code offset}. A decoder may
   * keep state between calls: one per reading thread.
   */
  @FunctionalInterface
  interface Decoder {
    Object decode(byte[] buf, int offset, int length);
  }

  private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private static final int NUMERIC_POS = 0x0000;
  private static final int NUMERIC_NEG = 0x4000;
  private static final int NUMERIC_NAN = 0xC000;
  private static final int NUMERIC_PINF = 0xD000;
  private static final int NUMERIC_NINF = 0xF000;
  private static final BigInteger NBASE = BigInteger.valueOf(10_000);
  private static final int JSONB_VERSION = 1;
  /** PostgreSQL's epoch, 2000-01-01, in days since 1970-01-01. */
  private static final long PG_EPOCH_DAY = 10_957;
  private static final long MICROS_PER_DAY = 86_400_000_000L;

  private BinaryCopyValues() { }

  /** Whether Debezium decodes {@code column} to the values this class gives. */
  static boolean sameAsDebezium(Column column) {
    return SAME_AS_DEBEZIUM.contains(column.sourceType());
  }

  /** Whether {@link #decoder} decodes values of {@code type}. */
  static boolean supports(PgType type) {
    return switch (type.kind()) {
      case PgType.ENUM -> true;
      case PgType.ARRAY, PgType.DOMAIN -> type.of() != null && supports(type.of());
      case PgType.RANGE, PgType.MULTIRANGE -> type.of() != null && rangeBound(type.of()) != null;
      case PgType.BASE -> SCALARS.contains(type.name()) || BinaryTextValues.decoder(type.name()) != null;
      default -> false;
    };
  }

  /** Shorthand for the big-endian int16 at {@code offset}. */
  static short int16(byte[] buf, int offset) {
    return (short) SHORT.get(buf, offset);
  }

  /** Shorthand for the big-endian int32 at {@code offset}. */
  static int int32(byte[] buf, int offset) {
    return (int) INT.get(buf, offset);
  }

  /** Shorthand for the big-endian int64 at {@code offset}. */
  static long int64(byte[] buf, int offset) {
    return (long) LONG.get(buf, offset);
  }

  /**
   * The decoder of values of {@code source}, which {@link #supports} must accept, into values of lake type
   * {@code type} (the column's, or an array's element type).
   */
  static Decoder decoder(DataType type, PgType source) {
    return switch (source.kind()) {
      case PgType.ARRAY -> array(decoder(type instanceof DataType.ListOf list ? list.element() : DataType.STRING,
          source.of()));
      case PgType.ENUM -> BinaryTextValues::utf8;
      case PgType.DOMAIN -> domain(source.of());
      case PgType.RANGE -> BinaryTextValues.range(rangeBound(source.of()));
      case PgType.MULTIRANGE -> BinaryTextValues.multirange(rangeBound(source.of()));
      default -> scalar(type, source.name());
    };
  }

  private static Decoder scalar(DataType type, String sourceType) {
    return switch (sourceType) {
      case "bool" -> (b, o, n) -> b[o] != 0;
      case "int2" -> (b, o, n) -> (int) int16(b, o);
      case "int4" -> (b, o, n) -> int32(b, o);
      case "int8" -> (b, o, n) -> int64(b, o);
      case "float4" -> (b, o, n) -> Float.intBitsToFloat(int32(b, o));
      case "float8" -> (b, o, n) -> Double.longBitsToDouble(int64(b, o));
      case "oid" -> (b, o, n) -> Integer.toUnsignedLong(int32(b, o));
      case "numeric" -> type instanceof DataType.Decimal decimal ? decimal(decimal.scale()) : numericText();
      case "text", "varchar", "bpchar", "json" -> (b, o, n) -> new String(b, o, n, StandardCharsets.UTF_8);
      case "jsonb" -> BinaryCopyValues::jsonb;
      case "date" -> (b, o, n) -> date(int32(b, o));
      case "time" -> (b, o, n) -> time(int64(b, o));
      case "timestamp" -> timestamp();
      case "timestamptz" -> timestamptz();
      case "uuid" -> (b, o, n) -> new UUID(int64(b, o), int64(b, o + 8));
      case "bytea" -> (b, o, n) -> ByteBuffer.wrap(Arrays.copyOfRange(b, o, o + n)).asReadOnlyBuffer();
      default -> {
        Decoder text = BinaryTextValues.decoder(sourceType);
        if (text == null) {
          throw new IllegalArgumentException("No binary decoder for type " + sourceType);
        }
        yield text;
      }
    };
  }

  /** A list of the elements in row-major order, whatever the dimensions; a NaN in a DECIMAL list is null. */
  private static Decoder array(Decoder element) {
    return (b, o, n) -> {
      int dimensions = int32(b, o);
      int count = dimensions == 0 ? 0 : 1;
      for (int d = 0; d < dimensions; d++) {
        count *= int32(b, o + 12 + 8 * d);
      }
      Object[] values = new Object[count];
      int p = o + 12 + 8 * dimensions;
      for (int i = 0; i < count; i++) {
        int length = int32(b, p);
        p += 4;
        if (length >= 0) {
          Object value = element.decode(b, p, length);
          values[i] = value == PostgresRecordDecoder.NAN_DECIMAL ? null : value;
          p += length;
        }
      }
      return Collections.unmodifiableList(Arrays.asList(values));
    };
  }

  /** The text of the base value, as Debezium gives a domain: {@code 5}, {@code 9.99}, {@code true}. */
  private static Decoder domain(PgType base) {
    Decoder decoder = decoder(PostgresTypes.toDataType(base.name(), 0, 0), base);
    String name = base.name();
    return (b, o, n) -> PostgresRecordDecoder.string(decoder.decode(b, o, n), name);
  }

  /** The text form PostgreSQL gives a range bound of type {@code subtype}; null when not decoded here. */
  private static Decoder rangeBound(PgType subtype) {
    return switch (subtype.name()) {
      case "int4" -> (b, o, n) -> int32(b, o);
      case "int8" -> (b, o, n) -> int64(b, o);
      case "numeric" -> numericText();
      case "date" -> (b, o, n) -> {
        int days = int32(b, o);
        return days == Integer.MAX_VALUE ? "infinity" : days == Integer.MIN_VALUE ? "-infinity" : date(days);
      };
      case "timestamp" -> timestampText("");
      case "timestamptz" -> timestampText("+00");
      default -> null;
    };
  }

  /** {@code 2024-01-02 03:04:05.5}, then {@code zone}: PostgreSQL's text form, in UTC for timestamptz. */
  private static Decoder timestampText(String zone) {
    Days days = new Days();
    return (b, o, n) -> {
      long micros = int64(b, o);
      return micros == Long.MAX_VALUE ? "infinity" : micros == Long.MIN_VALUE ? "-infinity"
          : TIMESTAMP_TEXT.format(days.timestamp(micros)) + zone;
    };
  }

  private static Decoder decimal(int scale) {
    return (b, o, n) -> {
      BigDecimal value = numeric(b, o);
      return value == null ? PostgresRecordDecoder.NAN_DECIMAL : PostgresRecordDecoder.decimal(value, scale);
    };
  }

  /** An unconstrained or too wide numeric: its exact text, as {@link PostgresRecordDecoder#string} gives it. */
  private static Decoder numericText() {
    return (b, o, n) -> {
      BigDecimal value = numeric(b, o);
      if (value != null) {
        return value.toPlainString();
      }
      int sign = int16(b, o + 4) & 0xFFFF;
      return sign == NUMERIC_NAN ? "NaN" : sign == NUMERIC_PINF ? "Infinity" : "-Infinity";
    };
  }

  /**
   * A numeric at its display scale; null for NaN and the infinities. The send form is ndigits, weight
   * (of the first digit, in powers of 10000), sign and display scale as int16s, then the base-10000 digits.
   */
  private static BigDecimal numeric(byte[] b, int o) {
    int ndigits = int16(b, o);
    int weight = int16(b, o + 2);
    int sign = int16(b, o + 4) & 0xFFFF;
    int dscale = int16(b, o + 6) & 0xFFFF;
    if (sign != NUMERIC_POS && sign != NUMERIC_NEG) {
      if (sign == NUMERIC_NAN || sign == NUMERIC_PINF || sign == NUMERIC_NINF) {
        return null;
      }
      throw new IllegalArgumentException("Invalid numeric sign 0x" + Integer.toHexString(sign));
    }
    int scale = 4 * (ndigits - 1 - weight);
    BigDecimal value;
    if (ndigits <= 4) {
      long unscaled = 0;
      for (int i = 0; i < ndigits; i++) {
        unscaled = unscaled * 10_000 + int16(b, o + 8 + 2 * i);
      }
      value = BigDecimal.valueOf(sign == NUMERIC_NEG ? -unscaled : unscaled, scale);
    } else {
      BigInteger unscaled = BigInteger.ZERO;
      for (int i = 0; i < ndigits; i++) {
        unscaled = unscaled.multiply(NBASE).add(BigInteger.valueOf(int16(b, o + 8 + 2 * i)));
      }
      value = new BigDecimal(sign == NUMERIC_NEG ? unscaled.negate() : unscaled, scale);
    }
    return value.setScale(dscale);
  }

  private static String jsonb(byte[] b, int o, int n) {
    if (b[o] != JSONB_VERSION) {
      throw new IllegalArgumentException("Unsupported jsonb binary version " + b[o]);
    }
    return new String(b, o + 1, n - 1, StandardCharsets.UTF_8);
  }

  private static LocalDate date(int days) {
    return switch (days) {
      case Integer.MAX_VALUE -> LocalDate.MAX;
      case Integer.MIN_VALUE -> LocalDate.MIN;
      default -> LocalDate.ofEpochDay(PG_EPOCH_DAY + days);
    };
  }

  private static LocalTime time(long micros) {
    return micros >= MICROS_PER_DAY ? ConnectValues.END_OF_DAY : LocalTime.ofNanoOfDay(micros * 1000);
  }

  private static Decoder timestamp() {
    Days days = new Days();
    return (b, o, n) -> {
      long micros = int64(b, o);
      return micros == Long.MAX_VALUE ? LocalDateTime.MAX
          : micros == Long.MIN_VALUE ? LocalDateTime.MIN : days.timestamp(micros);
    };
  }

  private static Decoder timestamptz() {
    Days days = new Days();
    return (b, o, n) -> {
      long micros = int64(b, o);
      if (micros == Long.MAX_VALUE || micros == Long.MIN_VALUE) {
        throw new IllegalArgumentException("timestamptz " + (micros > 0 ? "'infinity'" : "'-infinity'")
            + " has no value in UTC");
      }
      return OffsetDateTime.of(days.timestamp(micros), ZoneOffset.UTC);
    };
  }

  /** Timestamps from PostgreSQL's epoch; the date of the last day is reused, as rows tend to share days. */
  private static final class Days {
    private long day = Long.MIN_VALUE;
    private LocalDate date;

    LocalDateTime timestamp(long micros) {
      long pgDay = Math.floorDiv(micros, MICROS_PER_DAY);
      if (pgDay != day) {
        date = LocalDate.ofEpochDay(PG_EPOCH_DAY + pgDay);
        day = pgDay;
      }
      return LocalDateTime.of(date, LocalTime.ofNanoOfDay((micros - pgDay * MICROS_PER_DAY) * 1000));
    }
  }
}
