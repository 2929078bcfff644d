package io.changelake.source.kafka;

import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.debezium.ConnectSchemas;
import io.changelake.debezium.MalformedRecordException;
import java.util.List;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;

/** What the Kafka source says about records and topics in names and messages. */
final class KafkaRecords {
  private KafkaRecords() { }

  /** {@code topic-partition@offset}, for messages. */
  static String describe(SinkRecord record) {
    return "Record " + record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset();
  }

  /** The table a topic of upsert or append records fills: the topic's name, its last dot before the table. */
  static TableId table(String topic) {
    return TableId.parse(topic);
  }

  /**
   * The columns of {@code struct} keyed by {@code key}, through {@code schemas} (one instance per distinct schema).
   *
   * @throws MalformedRecordException naming {@code where} when {@code struct} is not a struct with a schema, or
   *     holds a field no column can hold
   */
  static TableSchema tableSchema(ConnectSchemas schemas, Schema struct, List<String> key, String where) {
    if (struct == null || struct.type() != Schema.Type.STRUCT) {
      throw new MalformedRecordException(where + " does not hold a struct with a schema (got "
          + (struct == null ? "no schema" : struct.type()) + "); write it with schemas (JsonConverter"
          + " schemas.enable=true, or a registry format)");
    }
    try {
      return schemas.tableSchema(struct, key);
    } catch (IllegalArgumentException e) {
      throw new MalformedRecordException(where + ": " + e.getMessage(), e);
    }
  }
}
