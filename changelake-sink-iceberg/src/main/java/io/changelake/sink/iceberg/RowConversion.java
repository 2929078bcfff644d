package io.changelake.sink.iceberg;

import io.changelake.core.model.Row;
import io.changelake.core.model.RowKey;
import java.nio.ByteBuffer;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;

/**
 * Converts core {@link Row}s to Iceberg generic {@link Record}s and back.
 *
 * <p>The value classes of {@link io.changelake.core.model.DataType} are the ones Iceberg's generic
 * object model uses, so values pass as they are; buffers are duplicated so that writing never
 * moves a caller's buffer position, and timestamptz values are normalized to UTC on read.
 */
final class RowConversion {
  private RowConversion() { }

  /** A record of {@code template}'s struct holding {@code row}'s values, in column order. */
  static Record toRecord(GenericRecord template, Row row) {
    Types.StructType struct = template.struct();
    if (row.size() != template.size()) {
      throw new IllegalArgumentException(
          "Row has " + row.size() + " values but the table has " + template.size() + " columns");
    }
    GenericRecord record = template.copy();
    for (int i = 0; i < row.size(); i++) {
      record.set(i, toIceberg(row.get(i), struct, i));
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
      record.set(i, toIceberg(value, keySchema.asStruct(), i));
    }
    return record;
  }

  private static Object toIceberg(Object value, Types.StructType struct, int field) {
    if (value == Row.UNAVAILABLE) {
      throw new IllegalStateException("Column '" + struct.fields().get(field).name() + "' holds the unavailable-value"
          + " placeholder (unchanged TOAST value); it must be replaced by the stored value before writing");
    }
    if (value instanceof ByteBuffer buffer) {
      return buffer.duplicate();
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      for (Object element : list) {
        copy.add(toIceberg(element, struct, field));
      }
      return copy;
    }
    return value;
  }

  /** The core row of {@code record}, whose fields are those of {@code struct} in order. */
  static Row toRow(Record record, int size) {
    Object[] values = new Object[size];
    for (int i = 0; i < size; i++) {
      values[i] = fromIceberg(record.get(i));
    }
    return Row.of(values);
  }

  private static Object fromIceberg(Object value) {
    if (value instanceof OffsetDateTime time && !time.getOffset().equals(ZoneOffset.UTC)) {
      return time.withOffsetSameInstant(ZoneOffset.UTC);
    }
    if (value instanceof byte[] bytes) {
      return ByteBuffer.wrap(bytes);
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      for (Object element : list) {
        copy.add(fromIceberg(element));
      }
      return Collections.unmodifiableList(copy);
    }
    return value;
  }
}
