package io.changelake.sink.delta;

import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * Converts core values (the classes {@link DataType} fixes) to what Delta stores and back.
 *
 * <p>Stored forms: date = days since epoch (int); time = microseconds of the day (long); timestamp
 * and timestamptz = microseconds since epoch (long, the former read as UTC wall time); uuid =
 * its string; binary = a byte array; list = a {@link List} of stored elements.
 */
final class ValueConversion {
  private static final LocalDateTime EPOCH = LocalDateTime.of(1970, 1, 1, 0, 0);

  private ValueConversion() { }

  /** The stored form of {@code value} in a column of {@code type}; null stays null. */
  static Object toStored(Object value, DataType type, String column) {
    if (value == null) {
      return null;
    }
    if (value == Row.UNAVAILABLE) {
      throw new IllegalStateException("Column '" + column + "' holds the unavailable-value placeholder"
          + " (unchanged TOAST value); it must be replaced by the stored value before writing");
    }
    try {
      return switch (type.kind()) {
        case DECIMAL -> ((BigDecimal) value).setScale(((DataType.Decimal) type).scale());
        case DATE -> Math.toIntExact(((LocalDate) value).toEpochDay());
        case TIME -> ((LocalTime) value).toNanoOfDay() / 1_000;
        case TIMESTAMP -> ChronoUnit.MICROS.between(EPOCH, (LocalDateTime) value);
        case TIMESTAMPTZ -> epochMicros(((OffsetDateTime) value).toInstant());
        case UUID -> value.toString();
        case BINARY -> bytes((ByteBuffer) value);
        case LIST -> storedList((List<?>) value, ((DataType.ListOf) type).element(), column);
        default -> value;
      };
    } catch (ClassCastException | ArithmeticException e) {
      throw new IllegalArgumentException("Column '" + column + "' of type " + type + " cannot take the value "
          + value + " (" + value.getClass().getSimpleName() + "): " + e.getMessage(), e);
    }
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }

  private static List<Object> storedList(List<?> list, DataType element, String column) {
    List<Object> stored = new ArrayList<>(list.size());
    for (Object value : list) {
      stored.add(toStored(value, element, column));
    }
    return stored;
  }

  /** The core value at {@code row} of a Delta vector holding a column of {@code type}. */
  static Object read(ColumnVector vector, int row, DataType type) {
    if (vector.isNullAt(row)) {
      return null;
    }
    return switch (type.kind()) {
      case BOOLEAN -> vector.getBoolean(row);
      case INT -> vector.getInt(row);
      case LONG -> vector.getLong(row);
      case FLOAT -> vector.getFloat(row);
      case DOUBLE -> vector.getDouble(row);
      case DECIMAL -> vector.getDecimal(row);
      case DATE -> LocalDate.ofEpochDay(vector.getInt(row));
      case TIME -> LocalTime.ofNanoOfDay(vector.getLong(row) * 1_000);
      case TIMESTAMP -> EPOCH.plus(vector.getLong(row), ChronoUnit.MICROS);
      case TIMESTAMPTZ -> OffsetDateTime.ofInstant(Instant.EPOCH.plus(vector.getLong(row), ChronoUnit.MICROS),
          ZoneOffset.UTC);
      case STRING -> vector.getString(row);
      case UUID -> UUID.fromString(vector.getString(row));
      case BINARY -> ByteBuffer.wrap(vector.getBinary(row));
      case LIST -> readList(vector.getArray(row), ((DataType.ListOf) type).element());
    };
  }

  private static List<Object> readList(ArrayValue array, DataType element) {
    ColumnVector elements = array.getElements();
    List<Object> values = new ArrayList<>(array.getSize());
    for (int i = 0; i < array.getSize(); i++) {
      values.add(read(elements, i, element));
    }
    return Collections.unmodifiableList(values);
  }

  /** Microseconds since the epoch; {@code ChronoUnit.MICROS.between} overflows beyond 292 years (year 9999). */
  private static long epochMicros(Instant instant) {
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
  }
}
