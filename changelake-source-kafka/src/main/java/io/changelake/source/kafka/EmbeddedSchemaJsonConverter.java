package io.changelake.source.kafka;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.changelake.debezium.FieldValues;
import io.changelake.debezium.FieldValuesReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.Converter;

/**
 * Kafka's {@link JsonConverter} with embedded schemas ({@code schemas.enable=true}) that parses each distinct
 * schema once instead of once a record. A record in JsonConverter's own layout (the object schema S as the first
 * field, then the payload P, no white space) is read as P alone by a JsonConverter made for S ({@code schema.content}
 * = S), made at S's first record and kept, by S's bytes, for the schemas used last; the bytes of the schema used last
 * are compared first. Every other record goes through a plain JsonConverter. Both give the same Connect data, with
 * one {@link Schema} instance per distinct schema.
 *
 * <p>As a {@link FieldValuesReader}, it reads P of such a record straight into field values with a
 * {@link JsonFieldsReader} made once for S (when S is a struct of types it reads); other records read as null.
 * Reads only; not thread-safe.
 */
final class EmbeddedSchemaJsonConverter implements Converter, FieldValuesReader {
  private static final byte[] SCHEMA_FIELD = "{\"schema\":".getBytes(StandardCharsets.UTF_8);
  private static final byte[] PAYLOAD_FIELD = ",\"payload\":".getBytes(StandardCharsets.UTF_8);
  private static final int SCHEMAS_CACHED = 64;
  /** Parses a schema as JsonConverter does (floats as exact decimals). */
  private static final ObjectMapper SCHEMA_PARSER = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

  private final Map<String, Object> settings;
  private final boolean forKeys;
  private final JsonConverter plain = new JsonConverter();
  /** What was made for each schema seen, by the schema's bytes; most recently used last. */
  private final Map<ByteBuffer, PerSchema> bySchema = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<ByteBuffer, PerSchema> eldest) {
      return size() > SCHEMAS_CACHED;
    }
  };
  private byte[] lastSchema;
  private PerSchema lastMade;

  /** The converter of one schema's payloads, and its field values reader once asked for (null if refused). */
  private final class PerSchema {
    private final String schemaText;
    private final JsonConverter converter;
    private JsonFieldsReader fields;
    private boolean fieldsMade;

    PerSchema(String schemaText) {
      this.schemaText = schemaText;
      this.converter = new JsonConverter();
      Map<String, Object> withSchema = new LinkedHashMap<>(settings);
      withSchema.put("schema.content", schemaText);
      converter.configure(withSchema, forKeys);
    }

    JsonFieldsReader fields() {
      if (!fieldsMade) {
        fieldsMade = true;
        try {
          fields = JsonFieldsReader.of(plain.asConnectSchema(SCHEMA_PARSER.readTree(schemaText)));
        } catch (IOException | RuntimeException e) {
          fields = null; // the converter reads (or refuses) this schema's records
        }
      }
      return fields;
    }
  }

  /** A converter of keys ({@code forKeys}) or values, with the JsonConverter {@code settings} besides the schema. */
  EmbeddedSchemaJsonConverter(Map<String, ?> settings, boolean forKeys) {
    this.settings = Map.copyOf(settings);
    this.forKeys = forKeys;
    plain.configure(settings, forKeys);
  }

  /** Nothing to configure: the constructor took the settings. */
  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
  }

  @Override
  public SchemaAndValue toConnectData(String topic, byte[] bytes) {
    int[] parts = layout(bytes);
    if (parts == null) {
      return plain.toConnectData(topic, bytes);
    }
    JsonConverter schemaConverter = made(bytes, SCHEMA_FIELD.length, parts[0]).converter;
    return schemaConverter.toConnectData(topic, Arrays.copyOfRange(bytes, parts[1], parts[2]));
  }

  @Override
  public FieldValues read(String topic, byte[] bytes) {
    int[] parts = layout(bytes);
    JsonFieldsReader fields = parts == null ? null : made(bytes, SCHEMA_FIELD.length, parts[0]).fields();
    return fields == null ? null : fields.read(bytes, parts[1], parts[2]);
  }

  /** Where the schema ends and the payload starts and ends, for a record in JsonConverter's layout; else null. */
  private int[] layout(byte[] bytes) {
    int schemaEnd = bytes == null ? -1 : schemaEnd(bytes);
    int payloadStart = schemaEnd + PAYLOAD_FIELD.length;
    int payloadEnd = schemaEnd < 0 ? -1 : payloadEnd(bytes, payloadStart);
    return payloadEnd < 0 ? null : new int[] {schemaEnd, payloadStart, payloadEnd};
  }

  /**
   * Where the schema of {@code bytes} ends when the record's first field is an object named schema and the second
   * is named payload, without white space between them; else -1.
   */
  private int schemaEnd(byte[] bytes) {
    int start = SCHEMA_FIELD.length;
    if (!startsWith(bytes, 0, SCHEMA_FIELD) || bytes.length <= start || bytes[start] != '{') {
      return -1;
    }
    int end;
    if (lastSchema != null && startsWith(bytes, start, lastSchema)) {
      end = start + lastSchema.length;
    } else {
      end = valueEnd(bytes, start);
    }
    return end >= 0 && startsWith(bytes, end, PAYLOAD_FIELD) ? end : -1;
  }

  /**
   * Where the payload starting at {@code start} ends when it is one JSON value followed by the record's closing
   * brace and nothing but white space; else -1.
   */
  private static int payloadEnd(byte[] bytes, int start) {
    int end = valueEnd(bytes, start);
    if (end < 0 || end >= bytes.length || bytes[end] != '}') {
      return -1;
    }
    for (int i = end + 1; i < bytes.length; i++) {
      if (!Character.isWhitespace(bytes[i])) {
        return -1;
      }
    }
    return end;
  }

  /**
   * The end (exclusive) of the JSON value that starts at {@code start} of {@code bytes}, or -1 when it does not
   * end. Only finds the end (brackets and strings, not their contents): the converter that reads the value checks
   * the rest, so a malformed value is refused there.
   */
  private static int valueEnd(byte[] bytes, int start) {
    if (start >= bytes.length) {
      return -1;
    }
    byte first = bytes[start];
    if (first == '"') {
      return stringEnd(bytes, start);
    }
    if (first != '{' && first != '[') {
      int i = start;
      while (i < bytes.length && bytes[i] != ',' && bytes[i] != '}' && bytes[i] != ']'
          && !Character.isWhitespace(bytes[i])) {
        i++;
      }
      return i == start ? -1 : i;
    }
    int depth = 0;
    for (int i = start; i < bytes.length; i++) {
      byte b = bytes[i];
      if (b == '"') {
        i = stringEnd(bytes, i) - 1;
        if (i < 0) {
          return -1;
        }
      } else if (b == '{' || b == '[') {
        depth++;
      } else if ((b == '}' || b == ']') && --depth == 0) {
        return i + 1;
      }
    }
    return -1;
  }

  /** The end (exclusive) of the string whose opening quote is at {@code start}, or -1 when it does not end. */
  private static int stringEnd(byte[] bytes, int start) {
    for (int i = start + 1; i < bytes.length; i++) {
      if (bytes[i] == '\\') {
        i++;
      } else if (bytes[i] == '"') {
        return i + 1;
      }
    }
    return -1;
  }

  /** What was made for the schema at {@code bytes[start, end)}. */
  private PerSchema made(byte[] bytes, int start, int end) {
    if (lastSchema != null && lastSchema.length == end - start && startsWith(bytes, start, lastSchema)) {
      return lastMade;
    }
    ByteBuffer key = ByteBuffer.wrap(Arrays.copyOfRange(bytes, start, end));
    PerSchema made = bySchema.get(key);
    if (made == null) {
      made = new PerSchema(new String(key.array(), StandardCharsets.UTF_8));
      bySchema.put(key, made);
    }
    lastSchema = key.array();
    lastMade = made;
    return made;
  }

  private static boolean startsWith(byte[] bytes, int offset, byte[] prefix) {
    return bytes.length - offset >= prefix.length
        && Arrays.equals(bytes, offset, offset + prefix.length, prefix, 0, prefix.length);
  }

  /** Not supported: changelake reads topics, it does not write them. */
  @Override
  public byte[] fromConnectData(String topic, Schema schema, Object value) {
    throw new UnsupportedOperationException("changelake reads JSON records; it does not write them");
  }
}
