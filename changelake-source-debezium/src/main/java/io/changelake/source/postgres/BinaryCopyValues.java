package io.changelake.source.postgres;

import io.changelake.core.model.Column;
import io.changelake.core.model.DataType;
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
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;

/**
 * Decodes a field of PostgreSQL's binary {@code COPY} format (the type's {@code send} form) into the
 * value the {@link DataType} contract wants: the same value {@link PostgresRecordDecoder} gives for that
 * column when it is streamed. Only for the source types in {@link #SUPPORTED}. A numeric NaN or infinity
 * in a DECIMAL column decodes to {@link PostgresRecordDecoder#NAN_DECIMAL}; a date or timestamp infinity
 * to the type's MAX or MIN, as pgjdbc reads it; a timestamptz infinity, which has no UTC value, fails.
 */
final class BinaryCopyValues {
  /** Source types decoded here; a table with any other type is snapshotted through Debezium. */
  static final Set<String> SUPPORTED = Set.of("bool", "int2", "int4", "int8", "float4", "float8", "numeric",
      "text", "varchar", "bpchar", "json", "jsonb", "date", "time", "timestamp", "timestamptz", "uuid", "bytea");

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

  static boolean supports(Column column) {
    return SUPPORTED.contains(column.sourceType());
  }

  /** Shorthand for the big-endian int16 at {@code offset}. */
  static short int16(byte[] buf, int offset) {
    return (short) SHORT.get(buf, offset);
  }

  /** Shorthand for the big-endian int32 at {@code offset}. */
  static int int32(byte[] buf, int offset) {
    return (int) INT.get(buf, offset);
  }

  private static long int64(byte[] buf, int offset) {
    return (long) LONG.get(buf, offset);
  }

  /** The decoder for {@code column}, which {@link #supports} must accept. */
  static Decoder decoder(Column column) {
    String sourceType = column.sourceType();
    return switch (sourceType) {
      case "bool" -> (b, o, n) -> b[o] != 0;
      case "int2" -> (b, o, n) -> (int) int16(b, o);
      case "int4" -> (b, o, n) -> int32(b, o);
      case "int8" -> (b, o, n) -> int64(b, o);
      case "float4" -> (b, o, n) -> Float.intBitsToFloat(int32(b, o));
      case "float8" -> (b, o, n) -> Double.longBitsToDouble(int64(b, o));
      case "numeric" -> column.type() instanceof DataType.Decimal decimal ? decimal(decimal.scale()) : numericText();
      case "text", "varchar", "bpchar", "json" -> (b, o, n) -> new String(b, o, n, StandardCharsets.UTF_8);
      case "jsonb" -> BinaryCopyValues::jsonb;
      case "date" -> (b, o, n) -> date(int32(b, o));
      case "time" -> (b, o, n) -> time(int64(b, o));
      case "timestamp" -> timestamp();
      case "timestamptz" -> timestamptz();
      case "uuid" -> (b, o, n) -> new UUID(int64(b, o), int64(b, o + 8));
      case "bytea" -> (b, o, n) -> ByteBuffer.wrap(Arrays.copyOfRange(b, o, o + n)).asReadOnlyBuffer();
      default -> throw new IllegalArgumentException("No binary COPY decoder for " + sourceType + " column "
          + column.name());
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
    return micros >= MICROS_PER_DAY ? PostgresRecordDecoder.END_OF_DAY : LocalTime.ofNanoOfDay(micros * 1000);
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
