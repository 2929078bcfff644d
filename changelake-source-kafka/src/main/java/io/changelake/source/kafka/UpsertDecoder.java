package io.changelake.source.kafka;

import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.debezium.ChangeRecordDecoder;
import io.changelake.debezium.ConnectSchemas;
import io.changelake.debezium.ConnectValues;
import io.changelake.debezium.DecodedChange;
import io.changelake.debezium.MalformedRecordException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The {@code upsert} envelope: a record's key (a struct) holds the row's key columns, its value (a struct) the
 * row; a record without a value (a tombstone) deletes the key's row. The table is named by the topic. The row
 * schema of a delete is the newest one seen on the topic, or the key alone before any.
 */
final class UpsertDecoder implements ChangeRecordDecoder {
  private final java.util.Map<String, TableSchema> lastSchemas = new java.util.HashMap<>();
  private final ConnectSchemas schemas = new ConnectSchemas();

  @Override
  public Optional<DecodedChange> decode(SinkRecord record) {
    String where = KafkaRecords.describe(record);
    if (!(record.key() instanceof Struct key)) {
      throw new MalformedRecordException(where + " has no struct key; an upsert topic needs a key with the row's"
          + " key columns (or use envelope=append)");
    }
    List<String> keyColumns = new ArrayList<>();
    key.schema().fields().forEach(f -> keyColumns.add(f.name()));
    TableId table = KafkaRecords.table(record.topic());
    Instant time = record.timestamp() == null ? Instant.EPOCH : Instant.ofEpochMilli(record.timestamp());
    if (record.value() == null) {
      TableSchema schema = lastSchemas.get(record.topic());
      TableSchema keySchema = KafkaRecords.tableSchema(schemas, key.schema(), keyColumns, where + " key");
      if (schema == null) {
        schema = keySchema;
      }
      Object[] values = new Object[schema.size()];
      Row keyRow = ConnectValues.row(keySchema, key);
      for (int i = 0; i < keyColumns.size(); i++) {
        values[schema.indexOf(keyColumns.get(i))] = keyRow.get(i);
      }
      return Optional.of(new DecodedChange(table, Operation.DELETE, schema, Row.of(values), null, time));
    }
    if (!(record.value() instanceof Struct value)) {
      throw new MalformedRecordException(where + " has a value that is not a struct");
    }
    for (String column : keyColumns) {
      Field field = value.schema().field(column);
      if (field == null || !sameType(field.schema(), key.schema().field(column).schema())) {
        throw new MalformedRecordException(where + ": key column " + column + " is not a field of the value"
            + " with the key's type; an upsert topic's value must hold its key columns");
      }
    }
    TableSchema schema = KafkaRecords.tableSchema(schemas, value.schema(), keyColumns, where + " value");
    lastSchemas.put(record.topic(), schema);
    return Optional.of(new DecodedChange(table, Operation.UPDATE, schema, null, ConnectValues.row(schema, value), time));
  }

  private static boolean sameType(Schema a, Schema b) {
    return a.type() == b.type() && java.util.Objects.equals(a.name(), b.name());
  }
}
