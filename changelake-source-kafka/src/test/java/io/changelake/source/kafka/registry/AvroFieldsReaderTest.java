package io.changelake.source.kafka.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.apicurio.registry.utils.converter.avro.AvroData;
import io.apicurio.registry.utils.converter.avro.AvroDataConfig;
import io.changelake.debezium.FieldValues;
import io.changelake.source.kafka.RecordedValues;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The Avro direct reader against {@link AvroData} (through {@link AvroPayloadFormat#read}) on every recorded
 * Debezium record, written in Avro as Confluent's and Apicurio's AvroConverter write the connector's Connect data:
 * the same values, field by field.
 */
class AvroFieldsReaderTest {
  static final List<String> FILES = RecordedValues.FILES;
  private final AvroData avroData = new AvroData(new AvroDataConfig.Builder()
      .with(AvroDataConfig.CONNECT_META_DATA_CONFIG, true).build());

  @ParameterizedTest
  @FieldSource("FILES")
  void readsWhatAvroDataReads(String file) throws IOException {
    JsonConverter json = new JsonConverter();
    json.configure(Map.of("schemas.enable", "true", "decimal.format", "NUMERIC"), false);
    AvroPayloadFormat format = new AvroPayloadFormat();
    var records = RecordedValues.records(file);
    int read = 0;
    for (int i = 0; i < records.size(); i++) {
      SchemaAndValue connect = json.toConnectData("t", records.get(i).value());
      Schema avro = avroData.fromConnectSchema(connect.schema());
      RegisteredSchema registered = new RegisteredSchema(i, "AVRO", avro.toString(), List.of());
      byte[] payload = write(avro, avroData.fromConnectData(connect.schema(), connect.value()));
      SchemaAndValue converted = format.read(registered, ByteBuffer.wrap(payload));
      FieldValues direct = format.readFields(registered, ByteBuffer.wrap(payload));
      if (direct != null) {
        read++;
        RecordedValues.assertSameValues((Struct) converted.value(), direct, file + " #" + i);
      }
    }
    assertEquals(file.contains("time-precision-connect") ? 0 : records.size(), read, file + ": records read directly");
  }

  @Test
  void aPayloadWithBytesLeftOverIsLeftToTheConverter() throws IOException {
    String text = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}";
    Schema avro = new Schema.Parser().parse(text);
    org.apache.avro.generic.GenericData.Record record = new org.apache.avro.generic.GenericData.Record(avro);
    record.put("id", 7L);
    byte[] payload = write(avro, record);
    RegisteredSchema registered = new RegisteredSchema(1, "AVRO", text, List.of());
    AvroPayloadFormat format = new AvroPayloadFormat();
    assertEquals(7L, format.readFields(registered, ByteBuffer.wrap(payload)).get("id"));
    byte[] longer = java.util.Arrays.copyOf(payload, payload.length + 1);
    assertNull(format.readFields(registered, ByteBuffer.wrap(longer)));
  }

  private static byte[] write(Schema schema, Object value) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<>(schema).write(value, encoder);
    encoder.flush();
    return out.toByteArray();
  }
}
