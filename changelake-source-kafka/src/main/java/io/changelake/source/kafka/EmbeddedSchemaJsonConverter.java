package io.changelake.source.kafka;

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
 * one {@link Schema} instance per distinct schema. Reads only; not thread-safe.
 */
final class EmbeddedSchemaJsonConverter implements Converter {
  private static final byte[] SCHEMA_FIELD = "{\"schema\":".getBytes(StandardCharsets.UTF_8);
  private static final byte[] PAYLOAD_FIELD = ",\"payload\":".getBytes(StandardCharsets.UTF_8);
  private static final int SCHEMAS_CACHED = 64;

  private final Map<String, Object> settings;
  private final boolean forKeys;
  private final JsonConverter plain = new JsonConverter();
  /** A converter per schema seen, by the schema's bytes; most recently used last. */
  private final Map<ByteBuffer, JsonConverter> bySchema = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<ByteBuffer, JsonConverter> eldest) {
      return size() > SCHEMAS_CACHED;
    }
  };
  private byte[] lastSchema;
  private JsonConverter lastConverter;

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
    int schemaEnd = bytes == null ? -1 : schemaEnd(bytes);
    if (schemaEnd < 0) {
      return plain.toConnectData(topic, bytes);
    }
    int payloadStart = schemaEnd + PAYLOAD_FIELD.length;
    int payloadEnd = payloadEnd(bytes, payloadStart);
    if (payloadEnd < 0) {
      return plain.toConnectData(topic, bytes);
    }
    JsonConverter schemaConverter = converter(bytes, SCHEMA_FIELD.length, schemaEnd);
    return schemaConverter.toConnectData(topic, Arrays.copyOfRange(bytes, payloadStart, payloadEnd));
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

  /** The converter made for the schema at {@code bytes[start, end)}. */
  private JsonConverter converter(byte[] bytes, int start, int end) {
    if (lastSchema != null && lastSchema.length == end - start && startsWith(bytes, start, lastSchema)) {
      return lastConverter;
    }
    ByteBuffer key = ByteBuffer.wrap(Arrays.copyOfRange(bytes, start, end));
    JsonConverter converter = bySchema.get(key);
    if (converter == null) {
      converter = new JsonConverter();
      Map<String, Object> withSchema = new LinkedHashMap<>(settings);
      withSchema.put("schema.content", new String(key.array(), StandardCharsets.UTF_8));
      converter.configure(withSchema, forKeys);
      bySchema.put(key, converter);
    }
    lastSchema = key.array();
    lastConverter = converter;
    return converter;
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
