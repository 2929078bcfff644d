package io.changelake.sink.paimon;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableSchema;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.apache.paimon.data.BinaryString;
import org.apache.paimon.data.Decimal;
import org.apache.paimon.data.GenericArray;
import org.apache.paimon.data.GenericRow;
import org.apache.paimon.data.InternalArray;
import org.apache.paimon.data.InternalRow;
import org.apache.paimon.data.Timestamp;
import org.apache.paimon.types.RowKind;

/**
 * Converts core {@link Row}s of one {@link TableSchema} to Paimon rows and back.
 *
 * <p>Values take Paimon's internal forms: strings and UUIDs as {@link BinaryString}, decimals as
 * {@link Decimal}, dates as epoch days, times as microseconds of the day, timestamps as
 * {@link Timestamp} (timestamptz from its epoch microseconds), binaries as {@code byte[]}, lists as {@link GenericArray}. Reading copies
 * every value out of Paimon's reused row objects.
 */
final class RowConversion {
  private static final long NANOS_PER_MICRO = 1_000;
  private static final long MICROS_PER_SECOND = 1_000_000;

  private final TableSchema schema;
  private final InternalRow.FieldGetter[] getters;
  private final int[] keyPositions;

  RowConversion(TableSchema schema) {
    this.schema = schema;
    this.getters = new InternalRow.FieldGetter[schema.size()];
    for (int i = 0; i < getters.length; i++) {
      Column column = schema.column(i);
      getters[i] = InternalRow.createFieldGetter(TypeMapping.toPaimon(column.type(), column.nullable()), i);
    }
    this.keyPositions = schema.primaryKey().stream().mapToInt(schema::indexOf).toArray();
  }

  TableSchema schema() {
    return schema;
  }

  /** The Paimon row of {@code row}, of kind {@code kind}. */
  GenericRow toPaimon(Row row, RowKind kind) {
    if (row.size() != schema.size()) {
      throw new IllegalArgumentException(
          "Row has " + row.size() + " values but the table has " + schema.size() + " columns");
    }
    GenericRow out = new GenericRow(kind, row.size());
    for (int i = 0; i < row.size(); i++) {
      out.setField(i, toPaimon(row.get(i), schema.column(i)));
    }
    return out;
  }

  /**
   * A delete of {@code key}: the key values and, since Paimon checks NOT NULL on every row kind, a
   * neutral value in each other required column (a delete only needs the key).
   */
  GenericRow deleteOf(RowKey key) {
    if (key.values().size() != keyPositions.length) {
      throw new IllegalArgumentException("Key " + key + " has " + key.values().size() + " values; the table has a "
          + keyPositions.length + "-column key " + schema.primaryKey());
    }
    GenericRow out = new GenericRow(RowKind.DELETE, schema.size());
    for (int i = 0; i < schema.size(); i++) {
      Column column = schema.column(i);
      if (!column.nullable()) {
        out.setField(i, neutral(column.type()));
      }
    }
    for (int k = 0; k < keyPositions.length; k++) {
      Object value = key.values().get(k);
      if (value == null) {
        throw new IllegalArgumentException("Key column '" + schema.primaryKey().get(k) + "' is null in key " + key);
      }
      out.setField(keyPositions[k], toPaimon(value, schema.column(keyPositions[k])));
    }
    return out;
  }

  /** The Paimon form of one key value of column {@code column}, for filters. */
  Object keyLiteral(Object value, String column) {
    return toPaimon(value, schema.column(column).orElseThrow());
  }

  /** The core row of a Paimon row read under this schema. */
  Row toRow(InternalRow row) {
    Object[] values = new Object[getters.length];
    for (int i = 0; i < values.length; i++) {
      values[i] = fromPaimon(getters[i].getFieldOrNull(row), schema.column(i).type());
    }
    return Row.of(values);
  }

  private static Object toPaimon(Object value, Column column) {
    if (value == Row.UNAVAILABLE) {
      throw new IllegalStateException("Column '" + column.name() + "' holds the unavailable-value placeholder"
          + " (unchanged TOAST value); it must be replaced by the stored value before writing");
    }
    try {
      return toPaimon(value, column.type());
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("Column '" + column.name() + "' of type " + column.type()
          + " cannot hold a " + value.getClass().getName(), e);
    }
  }

  private static Object toPaimon(Object value, DataType type) {
    if (value == null) {
      return null;
    }
    return switch (type.kind()) {
      case BOOLEAN, INT, LONG, FLOAT, DOUBLE -> value;
      case DECIMAL -> decimal((BigDecimal) value, (DataType.Decimal) type);
      case DATE -> (int) ((LocalDate) value).toEpochDay();
      case TIME -> ((LocalTime) value).toNanoOfDay() / NANOS_PER_MICRO;
      case TIMESTAMP -> Timestamp.fromLocalDateTime((LocalDateTime) value);
      case TIMESTAMPTZ -> Timestamp.fromMicros(epochMicros(((OffsetDateTime) value).toInstant()));
      case STRING -> BinaryString.fromBytes(((String) value).getBytes(StandardCharsets.UTF_8));  // the JDK's fast encoder
      case UUID -> BinaryString.fromString(value.toString());
      case BINARY -> bytes((ByteBuffer) value);
      case LIST -> {
        List<?> list = (List<?>) value;
        DataType element = ((DataType.ListOf) type).element();
        Object[] elements = new Object[list.size()];
        for (int i = 0; i < elements.length; i++) {
          elements[i] = toPaimon(list.get(i), element);
        }
        yield new GenericArray(elements);
      }
    };
  }

  private static Decimal decimal(BigDecimal value, DataType.Decimal type) {
    Decimal decimal = Decimal.fromBigDecimal(value, type.precision(), type.scale());
    if (decimal == null) {
      throw new IllegalArgumentException("Value " + value.toPlainString() + " does not fit " + type);
    }
    return decimal;
  }

  private static long epochMicros(Instant instant) {
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), MICROS_PER_SECOND),
        instant.getNano() / NANOS_PER_MICRO);
  }

  private static Instant instant(long epochMicros) {
    return Instant.ofEpochSecond(Math.floorDiv(epochMicros, MICROS_PER_SECOND),
        Math.floorMod(epochMicros, MICROS_PER_SECOND) * NANOS_PER_MICRO);
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }

  private static Object fromPaimon(Object value, DataType type) {
    if (value == null) {
      return null;
    }
    return switch (type.kind()) {
      case BOOLEAN, INT, LONG, FLOAT, DOUBLE -> value;
      case DECIMAL -> ((Decimal) value).toBigDecimal();
      case DATE -> LocalDate.ofEpochDay((Integer) value);
      case TIME -> LocalTime.ofNanoOfDay((Long) value * NANOS_PER_MICRO);
      case TIMESTAMP -> ((Timestamp) value).toLocalDateTime();
      case TIMESTAMPTZ -> instant(((Timestamp) value).toMicros()).atOffset(ZoneOffset.UTC);
      case STRING -> value.toString();
      case UUID -> UUID.fromString(value.toString());
      case BINARY -> ByteBuffer.wrap(((byte[]) value).clone());
      case LIST -> {
        InternalArray array = (InternalArray) value;
        DataType element = ((DataType.ListOf) type).element();
        InternalArray.ElementGetter getter = InternalArray.createElementGetter(TypeMapping.toPaimon(element, true));
        List<Object> list = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
          list.add(fromPaimon(getter.getElementOrNull(array, i), element));
        }
        yield Collections.unmodifiableList(list);
      }
    };
  }

  private static Object neutral(DataType type) {
    return switch (type.kind()) {
      case BOOLEAN -> false;
      case INT, DATE -> 0;
      case LONG, TIME -> 0L;
      case FLOAT -> 0f;
      case DOUBLE -> 0d;
      case DECIMAL -> Decimal.zero(((DataType.Decimal) type).precision(), ((DataType.Decimal) type).scale());
      case TIMESTAMP, TIMESTAMPTZ -> Timestamp.fromEpochMillis(0);
      case STRING, UUID -> BinaryString.EMPTY_UTF8;
      case BINARY -> new byte[0];
      case LIST -> new GenericArray(new Object[0]);
    };
  }
}
