package io.changelake.debezium;

import io.changelake.api.model.Column;
import io.changelake.api.model.Row;
import io.changelake.api.model.TableSchema;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

/** What the decoders share: reading records' structs into rows, and the errors that name a record. */
final class Records {

  /** Value schema names of Debezium records that carry no row change. */
  private static final List<String> NO_CHANGE_SUFFIXES = List.of(
      "Heartbeat", "TransactionMetadataValue", "SchemaChangeValue");

  private Records() { }

  static boolean carriesNoChange(Schema schema) {
    String name = schema.name();
    return name != null && NO_CHANGE_SUFFIXES.stream().anyMatch(name::endsWith);
  }

  /** The record's value as field values (a Struct or {@link FieldValues}), or an error that says how to get them. */
  static FieldValues fieldValues(SinkRecord record, Object value) {
    if (value instanceof FieldValues values) {
      return values;
    }
    if (value instanceof Struct struct) {
      return FieldValues.of(struct);
    }
    throw notStruct(record, value);
  }

  private static MalformedRecordException notStruct(SinkRecord record, Object value) {
    if (value instanceof Map<?, ?>) {
      return malformed(record, "the value is JSON without a schema, so column types are unknown", "produce the topic"
          + " with schemas (JsonConverter value.converter.schemas.enable=true) or a schema registry format (Avro,"
          + " Protobuf, JSON Schema) and configure the matching converter");
    }
    return malformed(record, "the value is a " + value.getClass().getSimpleName() + ", not a Connect Struct",
        "configure the converter that matches the topic's format, with schemas");
  }

  /** A delete's before-image from the record key: the key columns filled in, the others null. */
  static Row keyRow(SinkRecord record, TableSchema schema) {
    if (!(record.key() instanceof Struct key) || !schema.hasPrimaryKey()) {
      throw malformed(record, "a delete with neither a before-image nor a key", "give the source table a primary"
          + " key (or a message.key.columns setting) so its deletes can be applied");
    }
    Object[] values = new Object[schema.size()];
    for (String name : schema.primaryKey()) {
      Field field = key.schema().field(name);
      if (field == null) {
        throw malformed(record, "the record key has no field " + name + " of the table's key "
            + schema.primaryKey(), "keep the table's message key unchanged, or reset the table");
      }
      int position = schema.indexOf(name);
      values[position] = ConnectValues.columnValue(key.get(field), schema.column(position), field.schema());
    }
    return Row.of(values);
  }

  static String optionalString(FieldValues struct, String field) {
    return struct.schema().field(field) == null ? null : (String) struct.get(field);
  }

  static Long optionalLong(FieldValues struct, String field) {
    Object value = struct.schema().field(field) == null ? null : struct.get(field);
    return value instanceof Number n ? n.longValue() : null;
  }

  static List<String> fieldNames(Schema schema) {
    return schema.fields().stream().map(Field::name).toList();
  }

  static MalformedRecordException malformed(SinkRecord record, String what, String fix) {
    return malformed(record, what, fix, null);
  }

  static MalformedRecordException malformed(SinkRecord record, String what, String fix, Throwable cause) {
    String message = "Record at topic " + record.topic() + " partition " + record.kafkaPartition() + " offset "
        + record.kafkaOffset() + ": " + what + ". Fix: " + fix + ".";
    return cause == null ? new MalformedRecordException(message) : new MalformedRecordException(message, cause);
  }
}
