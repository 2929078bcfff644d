package io.changelake.source.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.changelake.debezium.ChangeRecordDecoder;
import io.changelake.debezium.DebeziumDecoder;
import io.changelake.debezium.FieldValues;
import io.changelake.debezium.FlattenedDecoder;
import io.changelake.debezium.MalformedRecordException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.api.Test;

/**
 * The JSON direct reader against JsonConverter (through {@link EmbeddedSchemaJsonConverter}) on every recorded
 * Debezium record: the same values field by field, and the same decoded change (or the same error).
 */
class JsonFieldsReaderTest {
  private static final Map<String, String> SETTINGS = Map.of("schemas.enable", "true", "decimal.format", "NUMERIC");
  static final java.util.List<String> FILES = RecordedValues.FILES;

  @ParameterizedTest
  @FieldSource("FILES")
  void readsWhatJsonConverterReads(String file) {
    EmbeddedSchemaJsonConverter keys = new EmbeddedSchemaJsonConverter(SETTINGS, true);
    EmbeddedSchemaJsonConverter values = new EmbeddedSchemaJsonConverter(SETTINGS, false);
    ChangeRecordDecoder decoder = file.contains("flattened") || file.contains("state-only") ? new FlattenedDecoder()
        : new DebeziumDecoder();
    int read = 0;
    var records = RecordedValues.records(file);
    for (int i = 0; i < records.size(); i++) {
      RecordedValues.Recorded record = records.get(i);
      String where = file + " #" + i;
      SchemaAndValue converted = values.toConnectData(record.topic(), record.value());
      FieldValues direct = values.read(record.topic(), record.value());
      if (direct == null) {
        continue;
      }
      read++;
      RecordedValues.assertSameValues((Struct) converted.value(), direct, where);
      SchemaAndValue key = keys.toConnectData(record.topic(), record.key());
      assertEquals(decode(decoder, record.topic(), key, converted), decode(decoder, record.topic(), key,
          new SchemaAndValue(direct.schema(), direct)), where);
    }
    // maps (DynamoDB images) and Connect Date/Time/Timestamp are read through the converter
    assertEquals(file.contains("time-precision-connect") ? 0 : records.size(), read, file + ": records read directly");
  }

  @Test
  void aValueOfAnotherTypeThanItsFieldsIsLeftToTheConverter() {
    EmbeddedSchemaJsonConverter values = new EmbeddedSchemaJsonConverter(SETTINGS, false);
    String schema = "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"field\":\"id\",\"type\":\"int32\",\"optional\":false},"
        + "{\"field\":\"name\",\"type\":\"string\",\"optional\":true}],\"optional\":false},\"payload\":";
    assertNotNull(values.read("t", bytes(schema + "{\"id\":1,\"name\":\"a\"}}")));
    assertNull(values.read("t", bytes(schema + "{\"id\":1,\"name\":2}}")), "a number in a string field");
    assertNull(values.read("t", bytes(schema + "{\"id\":1.5}}")), "a fraction in an int32 field");
    assertNull(values.read("t", bytes(schema + "{\"name\":\"a\"}}")), "a required field missing");
    assertNull(values.read("t", bytes(schema + "{\"id\":1,}}")), "malformed JSON");
    assertNull(values.read("t", bytes("{\"id\":1}")), "no embedded schema");
  }

  /** The decoded change, or the error message. */
  private static Object decode(ChangeRecordDecoder decoder, String topic, SchemaAndValue key, SchemaAndValue value) {
    try {
      Optional<?> change = decoder.decode(new SinkRecord(topic, 0, key.schema(), key.value(), value.schema(),
          value.value(), 0));
      return change;
    } catch (MalformedRecordException e) {
      return e.getMessage();
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
