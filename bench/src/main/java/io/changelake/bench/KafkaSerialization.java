package io.changelake.bench;

import io.apicurio.registry.utils.converter.avro.AvroData;
import io.changelake.testkit.SchemaRegistryServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.json.JsonConverter;

/**
 * How the bench serializes the change events into a topic, as a Debezium connector's converter would, and the
 * {@code value.format}/{@code key.format} changelake reads them with: {@code json} (Kafka's JsonConverter with
 * embedded schemas, Debezium's default) or {@code avro} (Confluent's wire format: magic byte, the registry's schema
 * id, Avro binary of the schema Apicurio's AvroData, a port of Confluent's AvroConverter, derives).
 * Not thread safe: one per producing thread.
 */
abstract class KafkaSerialization {
  /** The format's name, also changelake's {@code value.format}. */
  abstract String name();

  abstract byte[] key(String topic, KafkaOrders.Event event);

  abstract byte[] value(String topic, KafkaOrders.Event event);

  /** changelake's source options for this serialization. */
  abstract Map<String, String> sourceConf();

  /** Kafka's JsonConverter with {@code schemas.enable=true}. */
  static KafkaSerialization json() {
    JsonConverter keys = new JsonConverter();
    keys.configure(Map.of("schemas.enable", "true"), true);
    JsonConverter values = new JsonConverter();
    values.configure(Map.of("schemas.enable", "true"), false);
    return new KafkaSerialization() {
      @Override
      String name() {
        return "json";
      }

      @Override
      byte[] key(String topic, KafkaOrders.Event event) {
        return keys.fromConnectData(topic, KafkaOrders.KEY, event.key());
      }

      @Override
      byte[] value(String topic, KafkaOrders.Event event) {
        return values.fromConnectData(topic, KafkaOrders.ENVELOPE, event.value());
      }

      @Override
      Map<String, String> sourceConf() {
        return Map.of("key.format", "json", "value.format", "json");
      }
    };
  }

  /** Avro in the Confluent wire format, the key's and value's schemas registered in {@code registry} for {@code topic}. */
  static KafkaSerialization avro(SchemaRegistryServer registry, String topic) {
    AvroData avroData = new AvroData(16);
    Encoder keys = new Encoder(avroData, KafkaOrders.KEY, registry, topic + "-key");
    Encoder values = new Encoder(avroData, KafkaOrders.ENVELOPE, registry, topic + "-value");
    return new KafkaSerialization() {
      @Override
      String name() {
        return "avro";
      }

      @Override
      byte[] key(String topic, KafkaOrders.Event event) {
        return keys.encode(avroData.fromConnectData(KafkaOrders.KEY, event.key()));
      }

      @Override
      byte[] value(String topic, KafkaOrders.Event event) {
        return values.encode(avroData.fromConnectData(KafkaOrders.ENVELOPE, event.value()));
      }

      @Override
      Map<String, String> sourceConf() {
        return Map.of("key.format", "avro", "value.format", "avro", "schema.registry.url",
            registry.url().toString());
      }
    };
  }

  /** Avro binary of one registered schema, behind the wire format's header. */
  private static final class Encoder {
    private final GenericDatumWriter<Object> writer;
    private final byte[] header;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    private BinaryEncoder encoder;

    Encoder(AvroData avroData, Schema connect, SchemaRegistryServer registry, String subject) {
      org.apache.avro.Schema schema = avroData.fromConnectSchema(connect);
      this.writer = new GenericDatumWriter<>(schema);
      int id = registry.register(subject, "AVRO", schema.toString());
      this.header = ByteBuffer.allocate(5).put((byte) 0).putInt(id).array();
    }

    byte[] encode(Object datum) {
      out.reset();
      out.writeBytes(header);
      encoder = EncoderFactory.get().binaryEncoder(out, encoder);
      try {
        writer.write(datum, encoder);
        encoder.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toByteArray();
    }
  }
}
