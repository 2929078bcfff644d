package io.changelake.source.kafka;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.TableSchema;
import io.changelake.debezium.MalformedRecordException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * Kafka Connect structs of plain Connect types as rows: the columns of upsert and append topics. Debezium's
 * logical types are {@code changelake-debezium}'s to decode; here only Connect's own ({@code Decimal},
 * {@code Date}, {@code Time}, {@code Timestamp}).
 */
final class ConnectRows {
  private ConnectRows() { }

  /**
   * The columns of {@code struct}, with {@code key} as the primary key, one instance per distinct schema and key
   * (the engine follows a table's schema by identity first).
   */
  static TableSchema schema(java.util.Map<List<Object>, TableSchema> cache, Schema struct, List<String> key,
      String where) {
    return cache.computeIfAbsent(List.of(struct == null ? "" : struct, key), k -> schema(struct, key, where));
  }

  /** The columns of {@code struct}, with {@code key} as the primary key. */
  static TableSchema schema(Schema struct, List<String> key, String where) {
    if (struct == null || struct.type() != Schema.Type.STRUCT) {
      throw new MalformedRecordException(where + " does not hold a struct with a schema (got "
          + (struct == null ? "no schema" : struct.type()) + "); write it with schemas (JsonConverter"
          + " schemas.enable=true, or a registry format)");
    }
    List<Column> columns = new ArrayList<>();
    for (Field field : struct.fields()) {
      columns.add(new Column(field.name(), type(field.schema(), where + " field " + field.name()),
          field.schema().isOptional() && !key.contains(field.name()), field.schema().name()));
    }
    return new TableSchema(columns, key);
  }

  /** {@code struct}'s values in {@code schema}'s column order. */
  static Row row(Struct struct, TableSchema schema) {
    Object[] values = new Object[schema.size()];
    for (int i = 0; i < values.length; i++) {
      Field field = struct.schema().field(schema.column(i).name());
      values[i] = field == null ? null : value(struct.get(field), field.schema());
    }
    return Row.of(values);
  }

  private static DataType type(Schema schema, String where) {
    if (Decimal.LOGICAL_NAME.equals(schema.name())) {
      int scale = Integer.parseInt(schema.parameters().get(Decimal.SCALE_FIELD));
      String precision = schema.parameters().get("connect.decimal.precision");
      return DataType.decimal(precision == null ? 38 : Integer.parseInt(precision), scale);
    }
    if (org.apache.kafka.connect.data.Date.LOGICAL_NAME.equals(schema.name())) {
      return DataType.DATE;
    }
    if (Time.LOGICAL_NAME.equals(schema.name())) {
      return DataType.TIME;
    }
    if (Timestamp.LOGICAL_NAME.equals(schema.name())) {
      return DataType.TIMESTAMPTZ;
    }
    return switch (schema.type()) {
      case INT8, INT16, INT32 -> DataType.INT;
      case INT64 -> DataType.LONG;
      case FLOAT32 -> DataType.FLOAT;
      case FLOAT64 -> DataType.DOUBLE;
      case BOOLEAN -> DataType.BOOLEAN;
      case STRING -> DataType.STRING;
      case BYTES -> DataType.BINARY;
      default -> throw new MalformedRecordException(where + " is a " + schema.type()
          + ", which an upsert or append topic cannot hold as a column (only primitive fields)");
    };
  }

  private static Object value(Object value, Schema schema) {
    if (value == null) {
      return null;
    }
    if (value instanceof Byte b) {
      return (int) b;
    }
    if (value instanceof Short s) {
      return (int) s;
    }
    if (value instanceof byte[] bytes) {
      return ByteBuffer.wrap(bytes);
    }
    if (value instanceof BigDecimal decimal) {
      return decimal;
    }
    if (value instanceof Date date) {
      if (org.apache.kafka.connect.data.Date.LOGICAL_NAME.equals(schema.name())) {
        return LocalDate.ofEpochDay(Math.floorDiv(date.getTime(), 86_400_000L));
      }
      if (Time.LOGICAL_NAME.equals(schema.name())) {
        return LocalTime.ofNanoOfDay(Math.floorMod(date.getTime(), 86_400_000L) * 1_000_000L);
      }
      return date.toInstant().atOffset(ZoneOffset.UTC);
    }
    return value;
  }
}
