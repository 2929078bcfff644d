package io.changelake.sink.iceberg;

import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableSchema;
import java.nio.ByteBuffer;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.DateTimeUtil;

/**
 * Converts core {@link Row}s to Iceberg generic {@link Record}s and back.
 *
 * <p>The value classes of {@link DataType} are the ones Iceberg's generic object model uses, so
 * values pass as they are, except a TIME stored in a {@code long} field (see {@link SchemaMapping}),
 * which is written as microseconds of the day and read back as a {@link LocalTime}. Buffers are
 * duplicated so that writing never moves a caller's buffer position, and timestamptz values are
 * normalized to UTC on read.
 */
final class RowConversion {
  private RowConversion() { }

  /** A record of {@code template}'s struct holding {@code row}'s values, in column order. */
  static Record toRecord(GenericRecord template, Row row) {
    checkWritable(template.struct(), row);
    return fill(template.copy(), row);
  }

  /**
   * Refuses a row that cannot be written to {@code struct}: one with another number of values, or holding
   * {@link Row#UNAVAILABLE}.
   */
  static void checkWritable(Types.StructType struct, Row row) {
    if (row.size() != struct.fields().size()) {
      throw new IllegalArgumentException(
          "Row has " + row.size() + " values but the table has " + struct.fields().size() + " columns");
    }
    for (int i = 0; i < row.size(); i++) {
      if (row.get(i) == Row.UNAVAILABLE) {
        throw unavailable(struct, i);
      }
    }
  }

  /**
   * Sets the fields of {@code record} to the values of {@code row}, which {@link #checkWritable} accepted;
   * returns {@code record}. A record written at once (Parquet encodes it in {@code add}) can be filled again.
   */
  static GenericRecord fill(GenericRecord record, Row row) {
    Types.StructType struct = record.struct();
    List<Types.NestedField> fields = struct.fields();
    for (int i = 0; i < fields.size(); i++) {
      record.set(i, toIceberg(row.get(i), struct, i, fields.get(i).type()));
    }
    return record;
  }

  /** A record of {@code keySchema} (the identifier fields, in schema order) for {@code key} (in key order). */
  static Record toKeyRecord(Schema keySchema, int[] keyOrderOfField, RowKey key) {
    GenericRecord record = GenericRecord.create(keySchema.asStruct());
    List<Types.NestedField> fields = keySchema.columns();
    for (int i = 0; i < fields.size(); i++) {
      Object value = key.values().get(keyOrderOfField[i]);
      if (value == null) {
        throw new IllegalArgumentException("Key column '" + fields.get(i).name() + "' is null in key " + key);
      }
      record.set(i, toIceberg(value, keySchema.asStruct(), i, fields.get(i).type()));
    }
    return record;
  }

  /** {@code value} of field {@code field} of {@code struct} as Iceberg holds values of {@code type}. */
  private static Object toIceberg(Object value, Types.StructType struct, int field, Type type) {
    if (value == Row.UNAVAILABLE) {
      throw unavailable(struct, field);
    }
    if (value instanceof ByteBuffer buffer) {
      return buffer.duplicate();
    }
    if (value instanceof LocalTime time && type.typeId() == Type.TypeID.LONG) {
      return DateTimeUtil.microsFromTime(time);
    }
    if (value instanceof List<?> list) {
      Type element = type.asListType().elementType();
      List<Object> copy = new ArrayList<>(list.size());
      for (Object item : list) {
        copy.add(toIceberg(item, struct, field, element));
      }
      return copy;
    }
    return value;
  }

  private static IllegalStateException unavailable(Types.StructType struct, int field) {
    return new IllegalStateException("Column '" + struct.fields().get(field).name() + "' holds the unavailable-value"
        + " placeholder (unchanged TOAST value); it must be replaced by the stored value before writing");
  }

  /** The core row of {@code record}, whose fields are the columns of {@code schema} in order. */
  static Row toRow(Record record, TableSchema schema) {
    Object[] values = new Object[schema.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = fromIceberg(record.get(i), schema.column(i).type());
    }
    return Row.of(values);
  }

  private static Object fromIceberg(Object value, DataType type) {
    if (value instanceof OffsetDateTime time && !time.getOffset().equals(ZoneOffset.UTC)) {
      return time.withOffsetSameInstant(ZoneOffset.UTC);
    }
    if (value instanceof Long micros && type.kind() == DataType.Kind.TIME) {
      return DateTimeUtil.timeFromMicros(micros);
    }
    if (value instanceof byte[] bytes) {
      return ByteBuffer.wrap(bytes);
    }
    if (value instanceof List<?> list) {
      DataType element = ((DataType.ListOf) type).element();
      List<Object> copy = new ArrayList<>(list.size());
      for (Object item : list) {
        copy.add(fromIceberg(item, element));
      }
      return Collections.unmodifiableList(copy);
    }
    return value;
  }
}
