package io.changelake.source.kafka;

import io.changelake.api.model.Operation;
import io.changelake.api.model.TableSchema;
import io.changelake.debezium.ChangeRecordDecoder;
import io.changelake.debezium.ConnectSchemas;
import io.changelake.debezium.ConnectValues;
import io.changelake.debezium.DecodedChange;
import io.changelake.debezium.MalformedRecordException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The {@code append} envelope: every record's value (a struct) is a new row of the table the topic names; the
 * key is not read and a record without a value carries nothing. Tables have no key (write them with
 * {@code --mode append}).
 */
final class AppendDecoder implements ChangeRecordDecoder {
  private final ConnectSchemas schemas = new ConnectSchemas();

  @Override
  public Optional<DecodedChange> decode(SinkRecord record) {
    if (record.value() == null) {
      return Optional.empty();
    }
    String where = KafkaRecords.describe(record);
    if (!(record.value() instanceof Struct value)) {
      throw new MalformedRecordException(where + " has a value that is not a struct");
    }
    TableSchema schema = KafkaRecords.tableSchema(schemas, value.schema(), List.of(), where + " value");
    Instant time = record.timestamp() == null ? Instant.EPOCH : Instant.ofEpochMilli(record.timestamp());
    return Optional.of(new DecodedChange(KafkaRecords.table(record.topic()), Operation.INSERT, schema, null,
        ConnectValues.row(schema, value), time));
  }
}
