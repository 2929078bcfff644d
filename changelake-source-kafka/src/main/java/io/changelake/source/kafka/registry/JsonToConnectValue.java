package io.changelake.source.kafka.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * A JSON value as the Connect value of a schema {@link JsonSchemaToConnect} made, the way Confluent's
 * JsonSchemaConverter reads it: bytes are base64 strings, a {@code Decimal} is a JSON number (or its
 * base64 unscaled bytes), Connect's {@code Date} / {@code Time} / {@code Timestamp} are numbers. A
 * missing or null value takes the schema's default, is null when optional, and is an error otherwise.
 */
final class JsonToConnectValue {

  private JsonToConnectValue() { }

  /**
   * The Connect value of {@code json} under {@code schema}.
   *
   * @throws IllegalArgumentException naming {@code path} when the value does not fit the schema
   */
  static Object convert(Schema schema, JsonNode json, String path) {
    if (json == null || json.isNull() || json.isMissingNode()) {
      if (schema.defaultValue() != null) {
        return schema.defaultValue();
      }
      if (schema.isOptional()) {
        return null;
      }
      throw new IllegalArgumentException(path + " is null, but its schema requires a value");
    }
    if (Decimal.LOGICAL_NAME.equals(schema.name())) {
      return decimal(schema, json, path);
    }
    return switch (schema.type()) {
      case INT8 -> (byte) integral(json, path, Byte.MIN_VALUE, Byte.MAX_VALUE);
      case INT16 -> (short) integral(json, path, Short.MIN_VALUE, Short.MAX_VALUE);
      case INT32 -> logical(schema, (int) integral(json, path, Integer.MIN_VALUE, Integer.MAX_VALUE));
      case INT64 -> logical(schema, integral(json, path, Long.MIN_VALUE, Long.MAX_VALUE));
      case FLOAT32 -> (float) number(json, path).doubleValue();
      case FLOAT64 -> number(json, path).doubleValue();
      case BOOLEAN -> {
        expect(json.isBoolean(), json, path, "true or false");
        yield json.booleanValue();
      }
      case STRING -> {
        expect(json.isTextual(), json, path, "a string");
        yield json.textValue();
      }
      case BYTES -> base64(json, path);
      case ARRAY -> {
        expect(json.isArray(), json, path, "an array");
        List<Object> list = new ArrayList<>(json.size());
        for (int i = 0; i < json.size(); i++) {
          list.add(convert(schema.valueSchema(), json.get(i), path + "[" + i + "]"));
        }
        yield list;
      }
      case MAP -> map(schema, json, path);
      case STRUCT -> {
        expect(json.isObject(), json, path, "an object");
        Struct struct = new Struct(schema);
        for (Field field : schema.fields()) {
          struct.put(field, convert(field.schema(), json.get(field.name()), path + "." + field.name()));
        }
        yield struct;
      }
    };
  }

  private static Object logical(Schema schema, int value) {
    if (Date.LOGICAL_NAME.equals(schema.name())) {
      return Date.toLogical(schema, value);
    }
    return Time.LOGICAL_NAME.equals(schema.name()) ? Time.toLogical(schema, value) : value;
  }

  private static Object logical(Schema schema, long value) {
    return Timestamp.LOGICAL_NAME.equals(schema.name()) ? Timestamp.toLogical(schema, value) : value;
  }

  private static Map<Object, Object> map(Schema schema, JsonNode json, String path) {
    Map<Object, Object> map = new HashMap<>();
    if (json.isObject()) {
      json.properties().forEach(e -> map.put(e.getKey(),
          convert(schema.valueSchema(), e.getValue(), path + "." + e.getKey())));
      return map;
    }
    expect(json.isArray(), json, path, "an object or an array of {key, value} entries");
    for (int i = 0; i < json.size(); i++) {
      JsonNode entry = json.get(i);
      map.put(convert(schema.keySchema(), entry.get("key"), path + "[" + i + "].key"),
          convert(schema.valueSchema(), entry.get("value"), path + "[" + i + "].value"));
    }
    return map;
  }

  private static BigDecimal decimal(Schema schema, JsonNode json, String path) {
    int scale = Integer.parseInt(schema.parameters().get(Decimal.SCALE_FIELD));
    if (json.isTextual()) {
      return Decimal.toLogical(schema, base64(json, path));
    }
    BigDecimal value = number(json, path);
    try {
      return value.setScale(scale, RoundingMode.UNNECESSARY);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(path + " is " + value.toPlainString() + ", which has more than the "
          + scale + " decimal places its Decimal schema allows");
    }
  }

  private static long integral(JsonNode json, String path, long min, long max) {
    expect(json.isIntegralNumber() && json.canConvertToLong(), json, path, "an integer");
    long value = json.longValue();
    if (value < min || value > max) {
      throw new IllegalArgumentException(path + " is " + value + ", outside [" + min + ", " + max + "]");
    }
    return value;
  }

  private static BigDecimal number(JsonNode json, String path) {
    expect(json.isNumber(), json, path, "a number");
    return json.decimalValue();
  }

  private static byte[] base64(JsonNode json, String path) {
    expect(json.isTextual(), json, path, "a base64 string");
    try {
      return json.binaryValue();
    } catch (IOException e) {
      throw new IllegalArgumentException(path + " is not valid base64");
    }
  }

  private static void expect(boolean ok, JsonNode json, String path, String what) {
    if (!ok) {
      throw new IllegalArgumentException(path + " should be " + what + ", not " + json.getNodeType());
    }
  }
}
