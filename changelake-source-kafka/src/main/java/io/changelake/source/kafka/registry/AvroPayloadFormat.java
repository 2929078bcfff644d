package io.changelake.source.kafka.registry;

import io.apicurio.registry.utils.converter.avro.AvroData;
import io.apicurio.registry.utils.converter.avro.AvroDataConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;

/**
 * Avro binary payloads, turned into Connect data by {@link AvroData} (Apicurio's port of Confluent's),
 * which restores what Confluent's AvroConverter wrote into the schema: {@code connect.name},
 * {@code connect.version}, {@code connect.parameters} (so Debezium's logical types such as
 * {@code io.debezium.time.MicroTimestamp} and {@code Decimal} with its {@code scale} come back as the
 * connector emitted them), and defaults. Each record is read with the schema it was written with.
 */
final class AvroPayloadFormat implements PayloadFormat {
  private static final int CONNECT_SCHEMAS_CACHED = 1000;

  /** A schema's reader, and whether its Connect data holds {@code bytes} values ({@link #withByteArrays}). */
  private record Compiled(Schema schema, GenericDatumReader<Object> reader, boolean holdsBytes) { }

  private final AvroData avroData = new AvroData(new AvroDataConfig.Builder()
      .with(AvroDataConfig.CONNECT_META_DATA_CONFIG, true)
      .with(AvroDataConfig.SCHEMAS_CACHE_SIZE_CONFIG, CONNECT_SCHEMAS_CACHED)
      .build());
  private final Map<Integer, Compiled> compiled = new ConcurrentHashMap<>();

  @Override
  public String schemaType() {
    return "AVRO";
  }

  @Override
  public SchemaAndValue read(RegisteredSchema schema, ByteBuffer payload) {
    Compiled avro = compiled.computeIfAbsent(schema.id(), id -> compile(schema.text()));
    BinaryDecoder decoder = DecoderFactory.get()
        .binaryDecoder(payload.array(), payload.arrayOffset() + payload.position(), payload.remaining(), null);
    try {
      Object value = avro.reader().read(null, decoder);
      if (!decoder.isEnd()) {
        throw new IllegalArgumentException("bytes are left after the Avro value: not written with this schema");
      }
      SchemaAndValue connect = avroData.toConnectData(avro.schema(), value);
      return avro.holdsBytes() ? new SchemaAndValue(connect.schema(), withByteArrays(connect.value())) : connect;
    } catch (IOException e) {
      throw new UncheckedIOException("the Avro payload ends early (" + e.getMessage() + ")", e);
    }
  }

  /**
   * {@code value} with every {@code bytes} value as a {@code byte[]}, as connectors emit it and Kafka's
   * JsonConverter reads it ({@link AvroData} leaves Avro's {@link ByteBuffer}s), so decoders see one shape.
   * Structs, lists and maps fresh from {@link AvroData} are changed in place.
   */
  private static Object withByteArrays(Object value) {
    if (value instanceof ByteBuffer buffer) {
      byte[] bytes = new byte[buffer.remaining()];
      buffer.duplicate().get(bytes);
      return bytes;
    }
    if (value instanceof Struct struct) {
      for (Field field : struct.schema().fields()) {
        Object fieldValue = struct.get(field);
        Object converted = fieldValue == null ? null : withByteArrays(fieldValue);
        if (converted != fieldValue) {
          struct.put(field, converted);
        }
      }
    } else if (value instanceof List<?> list) {
      return list.stream().map(AvroPayloadFormat::withByteArrays).toList();
    } else if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(withByteArrays(k), withByteArrays(v)));
      return copy;
    }
    return value;
  }

  private Compiled compile(String text) {
    // the registry accepted the schema already; defaults are not checked twice (as Confluent's reader)
    Schema schema = new Schema.Parser().setValidateDefaults(false).parse(text);
    return new Compiled(schema, new GenericDatumReader<>(schema), holdsBytes(avroData.toConnectSchema(schema)));
  }

  /** Whether values of {@code schema} can hold a {@code bytes} value anywhere (a Connect Decimal is a BigDecimal). */
  private static boolean holdsBytes(org.apache.kafka.connect.data.Schema schema) {
    return switch (schema.type()) {
      case BYTES -> !Decimal.LOGICAL_NAME.equals(schema.name());
      case STRUCT -> schema.fields().stream().anyMatch(f -> holdsBytes(f.schema()));
      case ARRAY -> holdsBytes(schema.valueSchema());
      case MAP -> holdsBytes(schema.keySchema()) || holdsBytes(schema.valueSchema());
      default -> false;
    };
  }
}
