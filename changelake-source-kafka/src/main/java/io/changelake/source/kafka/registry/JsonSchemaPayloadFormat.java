package io.changelake.source.kafka.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;

/**
 * JSON payloads described by a registered JSON Schema, read into Connect data by
 * {@link JsonSchemaToConnect} and {@link JsonToConnectValue}. Numbers are read exactly (decimals as
 * {@link java.math.BigDecimal}).
 */
final class JsonSchemaPayloadFormat implements PayloadFormat {
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      .build();

  private final Map<Integer, Schema> connectSchemas = new ConcurrentHashMap<>();

  @Override
  public String schemaType() {
    return "JSON";
  }

  @Override
  public SchemaAndValue read(RegisteredSchema schema, ByteBuffer payload) {
    Schema connect = connectSchemas.computeIfAbsent(schema.id(), id -> {
      byte[] text = schema.text().getBytes(StandardCharsets.UTF_8);
      return JsonSchemaToConnect.toConnect(parse(text, 0, text.length, "its JSON Schema"));
    });
    JsonNode value = parse(payload.array(), payload.arrayOffset() + payload.position(), payload.remaining(),
        "the payload");
    return new SchemaAndValue(connect, JsonToConnectValue.convert(connect, value, "value"));
  }

  private static JsonNode parse(byte[] bytes, int offset, int length, String what) {
    try {
      return JSON.readTree(bytes, offset, length);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(what + " is not JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
