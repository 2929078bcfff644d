package io.changelake.source.kafka;

import io.changelake.api.model.TableId;
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
}
