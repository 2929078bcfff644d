package io.changelake.source.kafka;

import io.changelake.testkit.KafkaBroker;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An in-process broker for the source's tests, whose topics hold events of one {@code seq} column in Kafka
 * Connect's JSON with schemas (the {@code append} envelope reads them). A test class registers it as a static
 * extension: the broker runs from before its first test to after its last.
 */
final class EventTopics implements BeforeAllCallback, AfterAllCallback {
  private static final Schema EVENT = SchemaBuilder.struct().name("event").field("seq", Schema.INT64_SCHEMA).build();
  private final JsonConverter values = new JsonConverter();
  private KafkaBroker broker;

  EventTopics() {
    values.configure(Map.of("schemas.enable", "true"), false);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    broker = KafkaBroker.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (broker != null) {
      broker.close();
    }
  }

  /** The broker, for its clients. */
  KafkaBroker broker() {
    return broker;
  }

  /** Creates {@code topic} with a partition per count and writes that many events to each. */
  void create(String topic, int... counts) throws Exception {
    broker.createTopic(topic, counts.length);
    for (int partition = 0; partition < counts.length; partition++) {
      produce(topic, partition, counts[partition]);
    }
  }

  /** Writes {@code count} events to {@code partition} of {@code topic} and waits for the broker to take them. */
  void produce(String topic, int partition, int count) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = broker.producer()) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(topic, partition, null,
            values.fromConnectData(topic, EVENT, new Struct(EVENT).put("seq", (long) i)))).get();
      }
    }
  }
}
