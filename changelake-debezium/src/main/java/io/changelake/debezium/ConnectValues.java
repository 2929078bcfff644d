package io.changelake.debezium;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.TableSchema;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * Converts Kafka Connect values, with their Debezium or Connect logical types, into the value class
 * {@link DataType} fixes for a column type. The column type is usually {@link ConnectSchemas}'s; a
 * source may choose its own (e.g. from the database's type name) as long as the Connect value fits it.
 *
 * <p>Temporal values keep microseconds: a nanosecond value is truncated to the microsecond below. A
 * TIME of exactly 24:00 (PostgreSQL) becomes {@link #END_OF_DAY}; a TIME outside a day (a MySQL TIME
 * used as a duration) has no TIME value and is an error. A DECIMAL value is rescaled to the column's
 * scale only when no digit is lost. Geometries ({@code io.debezium.data.geometry.*}) become their
 * well-known binary; with an SRID, PostGIS's extended form (EWKB: the SRID flag {@code 0x20000000} in
 * the type word, the SRID after it), which {@code ST_GeomFromEWKB} reads. Structs and maps in a STRING
 * column become JSON text. A struct value may be a {@link Struct} or {@link FieldValues}.
 */
public final class ConnectValues {

  /** What {@code time '24:00'} becomes: the last microsecond of the day. */
  public static final LocalTime END_OF_DAY = LocalTime.MAX.withNano(999_999_000);

  /**
   * What Debezium sends by default ({@code unavailable.value.placeholder}) for a value it did not read: an
   * unchanged TOASTed PostgreSQL value, an Oracle LOB an update did not touch. As text, as its UTF-8 bytes in a
   * BYTES column, or as the one element of an array.
   */
  public static final String UNAVAILABLE_PLACEHOLDER = "__debezium_unavailable_value";

  private static final byte[] PLACEHOLDER_BYTES = UNAVAILABLE_PLACEHOLDER.getBytes(StandardCharsets.UTF_8);
  private static final long NANOS_PER_DAY = 86_400_000_000_000L;
  private static final int EWKB_SRID_FLAG = 0x20000000;

  private ConnectValues() { }

  /**
   * The value of a column of {@code type} from Connect value {@code raw} of Connect {@code schema}.
   *
   * @param schema the value's Connect schema, whose name selects the logical type; null for none
   * @throws IllegalArgumentException when the value does not fit the type; the message says why
   */
  public static Object convert(Object raw, DataType type, Schema schema) {
    if (raw == null) {
      return null;
    }
    String logical = schema == null || schema.name() == null ? "" : schema.name();
    try {
      return switch (type.kind()) {
        case BOOLEAN -> (Boolean) raw;
        case INT -> ((Number) raw).intValue();
        case LONG -> ((Number) raw).longValue();
        case FLOAT -> ((Number) raw).floatValue();
        case DOUBLE -> ((Number) raw).doubleValue();
        case DECIMAL -> decimal(raw, ((DataType.Decimal) type).scale());
        case STRING -> string(raw);
        case DATE -> date(raw);
        case TIME -> time(raw, logical);
        case TIMESTAMP -> timestamp(raw, logical);
        case TIMESTAMPTZ -> timestamptz(raw);
        case UUID -> uuid(raw);
        case BINARY -> ByteBuffer.wrap(binary(raw)).asReadOnlyBuffer();
        case LIST -> list((List<?>) raw, ((DataType.ListOf) type).element(), schema == null ? null : schema.valueSchema());
      };
    } catch (ClassCastException | ArithmeticException | java.time.DateTimeException e) {
      throw new IllegalArgumentException("A " + describe(raw, logical) + " is not a " + type + " value: "
          + e.getMessage(), e);
    }
  }

  /** Whether {@code raw} is Debezium's {@link #UNAVAILABLE_PLACEHOLDER}, which decodes to {@code Row.UNAVAILABLE}. */
  public static boolean isUnavailable(Object raw) {
    if (raw instanceof String s) {
      return s.equals(UNAVAILABLE_PLACEHOLDER);
    }
    if (raw instanceof byte[] b) {
      return java.util.Arrays.equals(b, PLACEHOLDER_BYTES);
    }
    if (raw instanceof ByteBuffer b) {
      return b.remaining() == PLACEHOLDER_BYTES.length && b.duplicate().equals(ByteBuffer.wrap(PLACEHOLDER_BYTES));
    }
    if (raw instanceof List<?> list) {
      return list.size() == 1 && list.get(0) != null && isUnavailable(list.get(0));
    }
    return false;
  }

  private static String describe(Object raw, String logical) {
    return raw.getClass().getSimpleName() + (logical.isEmpty() ? "" : " of logical type " + logical);
  }

  private static List<Object> list(List<?> raw, DataType element, Schema elementSchema) {
    List<Object> result = new ArrayList<>(raw.size());
    for (Object item : raw) {
      result.add(convert(item, element, elementSchema));
    }
    return Collections.unmodifiableList(result);
  }

  /** An exact decimal of {@code scale} from a Connect Decimal, VariableScaleDecimal, number or text. */
  public static BigDecimal decimal(Object raw, int scale) {
    return exactDecimal(raw).setScale(scale);
  }

  private static BigDecimal exactDecimal(Object raw) {
    if (raw instanceof BigDecimal d) {
      return d;
    }
    if (raw instanceof Struct || raw instanceof FieldValues) { // io.debezium.data.VariableScaleDecimal
      FieldValues variable = FieldValues.nested(raw);
      return new BigDecimal(new BigInteger(bytes(variable.get("value"))), (Integer) variable.get("scale"));
    }
    if (raw instanceof Double || raw instanceof Float) {
      return new BigDecimal(raw.toString());
    }
    if (raw instanceof Number n) {
      return BigDecimal.valueOf(n.longValue());
    }
    try {
      return new BigDecimal((String) raw);
    } catch (NumberFormatException e) {
      throw new ArithmeticException("'" + raw + "' is not a decimal number");
    }
  }

  /** Text: strings as they are, decimals in plain notation, bytes as UTF-8, structs, maps and lists as JSON. */
  public static String string(Object raw) {
    if (raw instanceof String s) {
      return s;
    }
    if (raw instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if ((raw instanceof Struct || raw instanceof FieldValues)
        && "io.debezium.data.VariableScaleDecimal".equals(FieldValues.nested(raw).schema().name())) {
      return exactDecimal(raw).toPlainString();
    }
    if (raw instanceof byte[] || raw instanceof ByteBuffer) {
      return new String(bytes(raw), StandardCharsets.UTF_8);
    }
    if (raw instanceof Struct || raw instanceof FieldValues || raw instanceof Map<?, ?> || raw instanceof List<?>) {
      StringBuilder json = new StringBuilder();
      appendJson(json, raw);
      return json.toString();
    }
    if (raw instanceof java.util.Date d) {
      return d.toInstant().toString();
    }
    return raw.toString();
  }

  private static void appendJson(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof Struct || value instanceof FieldValues) {
      FieldValues struct = FieldValues.nested(value);
      out.append('{');
      String separator = "";
      for (Field field : struct.schema().fields()) {
        out.append(separator);
        appendString(out, field.name());
        out.append(':');
        appendJson(out, struct.get(field));
        separator = ",";
      }
      out.append('}');
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      String separator = "";
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        out.append(separator);
        appendString(out, String.valueOf(entry.getKey()));
        out.append(':');
        appendJson(out, entry.getValue());
        separator = ",";
      }
      out.append('}');
    } else if (value instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        out.append(i == 0 ? "" : ",");
        appendJson(out, list.get(i));
      }
      out.append(']');
    } else if (value instanceof Boolean || value instanceof Number && !(value instanceof BigDecimal)) {
      out.append(value);
    } else if (value instanceof BigDecimal d) {
      out.append(d.toPlainString());
    } else if (value instanceof byte[] || value instanceof ByteBuffer) {
      appendString(out, Base64.getEncoder().encodeToString(bytes(value)));
    } else {
      appendString(out, string(value));
    }
  }

  private static void appendString(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static LocalDate date(Object raw) {
    if (raw instanceof java.util.Date d) { // Connect Date: midnight UTC of the day
      return LocalDate.ofEpochDay(Math.floorDiv(d.getTime(), 86_400_000L));
    }
    return LocalDate.ofEpochDay(((Number) raw).longValue()); // io.debezium.time.Date: days since the epoch
  }

  private static LocalTime time(Object raw, String logical) {
    long nanos;
    if (raw instanceof java.util.Date d) { // Connect Time: millis of the day, on 1970-01-01
      nanos = d.getTime() * 1_000_000L;
    } else {
      long value = ((Number) raw).longValue();
      nanos = switch (logical) {
        case "io.debezium.time.Time" -> value * 1_000_000L;
        case "io.debezium.time.NanoTime" -> value - Math.floorMod(value, 1000L);
        default -> value * 1_000L; // io.debezium.time.MicroTime
      };
    }
    if (nanos == NANOS_PER_DAY) {
      return END_OF_DAY;
    }
    if (nanos < 0 || nanos > NANOS_PER_DAY) {
      throw new java.time.DateTimeException("a time of day must lie in [00:00, 24:00]; this one is "
          + nanos / 1000 + " microseconds (a duration, e.g. a MySQL TIME beyond a day: map that column to a string)");
    }
    return LocalTime.ofNanoOfDay(nanos);
  }

  private static LocalDateTime timestamp(Object raw, String logical) {
    long micros;
    if (raw instanceof java.util.Date d) { // Connect Timestamp: millis since the epoch
      micros = Math.multiplyExact(d.getTime(), 1000L);
    } else {
      long value = ((Number) raw).longValue();
      micros = switch (logical) {
        case "io.debezium.time.Timestamp" -> Math.multiplyExact(value, 1000L);
        case "io.debezium.time.NanoTimestamp" -> Math.floorDiv(value, 1000L);
        default -> value; // io.debezium.time.MicroTimestamp
      };
    }
    return LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
        (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC);
  }

  private static OffsetDateTime timestamptz(Object raw) {
    if (raw instanceof java.util.Date d) {
      return d.toInstant().atOffset(ZoneOffset.UTC);
    }
    if (raw instanceof Number n) { // epoch micros
      return Instant.EPOCH.plus(n.longValue(), ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }
    // io.debezium.time.ZonedTimestamp: ISO-8601 with an offset
    return OffsetDateTime.parse((String) raw).withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
  }

  private static UUID uuid(Object raw) {
    if (raw instanceof String s) {
      return UUID.fromString(s);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes(raw));
    if (b.remaining() != 16) {
      throw new ArithmeticException("a UUID has 16 bytes, not " + b.remaining());
    }
    return new UUID(b.getLong(), b.getLong());
  }

  private static byte[] binary(Object raw) {
    if (raw instanceof Struct || raw instanceof FieldValues) {
      return wkb(FieldValues.nested(raw));
    }
    if (raw instanceof String s) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
    return bytes(raw);
  }

  /** The WKB of a Debezium Geometry, Geography or Point, as EWKB when it has an SRID. */
  private static byte[] wkb(FieldValues geometry) {
    byte[] wkb = geometry.schema().field("wkb") == null ? null : bytes(geometry.get("wkb"));
    if (wkb == null) { // a Point without its WKB: build it from x and y
      wkb = ByteBuffer.allocate(21).order(ByteOrder.BIG_ENDIAN).put((byte) 0).putInt(1)
          .putDouble((Double) geometry.get("x")).putDouble((Double) geometry.get("y")).array();
    }
    Integer srid = geometry.schema().field("srid") == null ? null : (Integer) geometry.get("srid");
    if (srid == null || wkb.length < 5) {
      return wkb;
    }
    ByteOrder order = wkb[0] == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    int type = ByteBuffer.wrap(wkb, 1, 4).order(order).getInt();
    if ((type & EWKB_SRID_FLAG) != 0) {
      return wkb; // already EWKB with its SRID (PostGIS)
    }
    return ByteBuffer.allocate(wkb.length + 4).order(order).put(wkb[0]).putInt(type | EWKB_SRID_FLAG).putInt(srid)
        .put(wkb, 5, wkb.length - 5).array();
  }

  /** A copy of the bytes of a Connect BYTES value ({@code byte[]} or {@link ByteBuffer}); null stays null. */
  public static byte[] bytes(Object raw) {
    if (raw == null) {
      return null;
    }
    if (raw instanceof byte[] b) {
      return b.clone();
    }
    ByteBuffer buffer = ((ByteBuffer) raw).duplicate();
    byte[] b = new byte[buffer.remaining()];
    buffer.get(b);
    return b;
  }

  /** The row of {@code struct} positioned by {@code schema}; null for null. */
  public static Row row(TableSchema schema, Struct struct) {
    return struct == null ? null : row(schema, FieldValues.of(struct));
  }

  /** The row of a struct's {@code fields} positioned by {@code schema}; null for null. */
  public static Row row(TableSchema schema, FieldValues struct) {
    if (struct == null) {
      return null;
    }
    Object[] values = new Object[schema.size()];
    Schema structSchema = struct.schema();
    for (int i = 0; i < values.length; i++) {
      Column column = schema.column(i);
      Field field = structSchema.field(column.name());
      values[i] = field == null ? null : columnValue(struct.get(field), column, field.schema());
    }
    return Row.of(values);
  }

  /** A column's value; Debezium's placeholder for a value it did not read is {@link Row#UNAVAILABLE}. */
  static Object columnValue(Object raw, Column column, Schema schema) {
    if (isUnavailable(raw)) {
      return Row.UNAVAILABLE;
    }
    try {
      return convert(raw, column.type(), schema);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("column " + column.name() + ": " + e.getMessage(), e);
    }
  }
}
