package io.changelake.debezium;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Recorded Kafka records under {@code debezium-records/}: a JSON array of {@code {topic, partition, offset,
 * key, value}}, key and value being the message bytes as JSON (with {@code schema} and {@code payload} when
 * the producer embedded schemas). Each becomes the SinkRecord that Kafka's {@link JsonConverter} makes.
 */
final class RecordedRecords {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RecordedRecords() { }

  static List<SinkRecord> load(String resource) {
    return load(resource, true);
  }

  static List<SinkRecord> load(String resource, boolean schemasEnabled) {
    JsonConverter keys = converter(true, schemasEnabled);
    JsonConverter values = converter(false, schemasEnabled);
    List<SinkRecord> records = new ArrayList<>();
    for (JsonNode node : read(resource)) {
      String topic = node.get("topic").asText();
      SchemaAndValue key = keys.toConnectData(topic, bytes(node.get("key")));
      SchemaAndValue value = values.toConnectData(topic, bytes(node.get("value")));
      records.add(new SinkRecord(topic, node.get("partition").asInt(), key.schema(), key.value(), value.schema(),
          value.value(), node.get("offset").asLong()));
    }
    return records;
  }

  private static JsonConverter converter(boolean isKey, boolean schemasEnabled) {
    JsonConverter converter = new JsonConverter();
    converter.configure(Map.of("schemas.enable", String.valueOf(schemasEnabled)), isKey);
    return converter;
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return node == null || node.isNull() ? null : JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode read(String resource) {
    try (InputStream in = RecordedRecords.class.getResourceAsStream("/debezium-records/" + resource)) {
      if (in == null) {
        throw new IllegalArgumentException("No resource debezium-records/" + resource);
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
