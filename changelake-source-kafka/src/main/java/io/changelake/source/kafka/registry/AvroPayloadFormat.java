package io.changelake.source.kafka.registry;

import io.apicurio.registry.utils.converter.avro.AvroData;
import io.apicurio.registry.utils.converter.avro.AvroDataConfig;
import io.changelake.debezium.FieldValues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Avro binary payloads, turned into Connect data by {@link AvroData} (Apicurio's port of Confluent's),
 * which restores what Confluent's AvroConverter wrote into the schema: {@code connect.name},
 * {@code connect.version}, {@code connect.parameters} (so Debezium's logical types such as
 * {@code io.debezium.time.MicroTimestamp} and {@code Decimal} with its {@code scale} come back as the
 * connector emitted them), and defaults. Each record is read with the schema it was written with.
 *
 * <p>{@link #readFields} reads the same values without the generic record and the Structs, with an {@link
 * AvroFieldsReader} made once per schema id, for the schemas it reads. What is made per schema id is kept for the
 * {@value #SCHEMAS_CACHED} ids used last.
 */
final class AvroPayloadFormat implements PayloadFormat {
  private static final Logger LOG = LoggerFactory.getLogger(AvroPayloadFormat.class);
  private static final int CONNECT_SCHEMAS_CACHED = 1000;
  static final int SCHEMAS_CACHED = 1000;

  /**
   * A schema's reader, whether its Connect data holds {@code bytes} values ({@link #withByteArrays}), and its
   * field values reader (null when {@link AvroFieldsReader} refuses the schema).
   */
  private record Compiled(Schema schema, GenericDatumReader<Object> reader, boolean holdsBytes,
      AvroFieldsReader fields) { }

  private final AvroData avroData = new AvroData(new AvroDataConfig.Builder()
      .with(AvroDataConfig.CONNECT_META_DATA_CONFIG, true)
      .with(AvroDataConfig.SCHEMAS_CACHE_SIZE_CONFIG, CONNECT_SCHEMAS_CACHED)
      .build());
  private final Map<Integer, Compiled> compiled = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Integer, Compiled> eldest) {
      return size() > SCHEMAS_CACHED;
    }
  };
  private BinaryDecoder decoder;

  @Override
  public String schemaType() {
    return "AVRO";
  }

  @Override
  public SchemaAndValue read(RegisteredSchema schema, ByteBuffer payload) {
    Compiled avro = compiled.computeIfAbsent(schema.id(), id -> compile(schema.text()));
    BinaryDecoder decoder = decoder(payload);
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

  @Override
  public FieldValues readFields(RegisteredSchema schema, ByteBuffer payload) {
    Compiled avro = compiled.computeIfAbsent(schema.id(), id -> compile(schema.text()));
    if (avro.fields() == null) {
      return null;
    }
    BinaryDecoder decoder = decoder(payload);
    try {
      FieldValues values = avro.fields().read(decoder);
      return decoder.isEnd() ? values : null;
    } catch (IOException | RuntimeException e) {
      return null; // read() says what is wrong with the payload
    }
  }

  /** A decoder of {@code payload} (the previous one, reused: one consumer thread). */
  private BinaryDecoder decoder(ByteBuffer payload) {
    decoder = DecoderFactory.get()
        .binaryDecoder(payload.array(), payload.arrayOffset() + payload.position(), payload.remaining(), decoder);
    return decoder;
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
    org.apache.kafka.connect.data.Schema connect = avroData.toConnectSchema(schema);
    AvroFieldsReader fields = AvroFieldsReader.of(schema, connect);
    if (fields == null) {
      LOG.info("Avro records of schema {} are read through Kafka Connect Structs (slower): a field's type is one"
          + " the direct reader does not read (a map, enum, fixed, a union of several types, or a Connect"
          + " Date/Time/Timestamp)", schema.getFullName());
    }
    return new Compiled(schema, new GenericDatumReader<>(schema), holdsBytes(connect), fields);
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
