package io.changelake.debezium;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

/**
 * DynamoDB attribute values ({@code {"S": "text"}}, {@code {"N": "1.5"}}, ...) read into typed values.
 *
 * <p>Input is a plain tree: what {@link #plain} or {@link #object} makes of a Connect value (structs and maps
 * become maps without their null fields). Every reading error is an {@link IllegalArgumentException}
 * naming the attribute and the accepted form.
 */
final class DynamoDbAttributes {

  /** What a column of an attribute holds; one attribute keeps one kind in a table. */
  enum Kind {
    STRING("S (a string)"),
    NUMBER("N (a number)"),
    BINARY("B (binary)"),
    BOOLEAN("BOOL (a boolean)"),
    DOCUMENT("M, L, SS, NS or BS (a map, list or set, kept as JSON text)"),
    NULL("NULL");

    private final String description;

    Kind(String description) {
      this.description = description;
    }

    @Override
    public String toString() {
      return description;
    }
  }

  /**
   * One attribute's value.
   *
   * @param kind what it is
   * @param value a String (S, the number's text for N, JSON text for a document), byte[] (B), Boolean (BOOL),
   *     null (NULL)
   */
  record Value(Kind kind, Object value) { }

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
  private static final String FORM = "an object with one type key: S, N, B, BOOL, NULL, M, L, SS, NS or BS";

  private DynamoDbAttributes() { }

  /** The item {@code image} (attribute name → attribute value) read in its order. */
  static Map<String, Value> item(String what, Object image) {
    if (!(image instanceof Map<?, ?> attributes)) {
      throw new IllegalArgumentException(what + " is not a DynamoDB item (an object of attribute values): "
          + excerpt(image));
    }
    Map<String, Value> item = new LinkedHashMap<>();
    attributes.forEach((name, value) -> item.put((String) name, value((String) name, value)));
    return item;
  }

  /** One attribute value. */
  static Value value(String attribute, Object value) {
    if (!(value instanceof Map<?, ?> typed) || typed.size() != 1) {
      throw new IllegalArgumentException("attribute " + attribute + " is not a DynamoDB attribute value (" + FORM
          + "): " + excerpt(value));
    }
    Map.Entry<?, ?> entry = typed.entrySet().iterator().next();
    String type = (String) entry.getKey();
    Object content = entry.getValue();
    try {
      return switch (type) {
        case "S" -> new Value(Kind.STRING, text(content));
        case "N" -> {
          number(content);
          yield new Value(Kind.NUMBER, text(content));
        }
        case "B" -> new Value(Kind.BINARY, binary(content));
        case "BOOL" -> new Value(Kind.BOOLEAN, bool(content));
        case "NULL" -> {
          if (!Boolean.TRUE.equals(bool(content))) {
            throw new IllegalArgumentException("NULL must be true");
          }
          yield new Value(Kind.NULL, null);
        }
        case "M", "L", "SS", "NS", "BS" -> new Value(Kind.DOCUMENT, JSON.writeValueAsString(json(type, content)));
        default -> throw new IllegalArgumentException("unknown type " + type);
      };
    } catch (IllegalArgumentException | ClassCastException | JsonProcessingException e) {
      throw new IllegalArgumentException("attribute " + attribute + " has a malformed " + type + " value ("
          + e.getMessage() + "): " + excerpt(value), e);
    }
  }

  /** The plain JSON of a map, list or set: attribute values unwrapped, numbers exact, binaries in base64. */
  private static Object json(String type, Object content) {
    return switch (type) {
      case "S" -> text(content);
      case "N" -> number(content);
      case "B" -> binary(content);
      case "BOOL" -> bool(content);
      case "NULL" -> null;
      case "M" -> {
        Map<String, Object> map = new LinkedHashMap<>();
        ((Map<?, ?>) content).forEach((name, value) -> map.put((String) name, json(value)));
        yield map;
      }
      case "L" -> ((List<?>) content).stream().map(DynamoDbAttributes::json).toList();
      case "SS" -> ((List<?>) content).stream().map(DynamoDbAttributes::text).toList();
      case "NS" -> ((List<?>) content).stream().map(DynamoDbAttributes::number).toList();
      case "BS" -> ((List<?>) content).stream().map(DynamoDbAttributes::binary).toList();
      default -> throw new IllegalArgumentException("unknown type " + type);
    };
  }

  private static Object json(Object value) {
    if (!(value instanceof Map<?, ?> typed) || typed.size() != 1) {
      throw new IllegalArgumentException("an element is not " + FORM);
    }
    Map.Entry<?, ?> entry = typed.entrySet().iterator().next();
    return json((String) entry.getKey(), entry.getValue());
  }

  private static String text(Object content) {
    if (!(content instanceof String s)) {
      throw new IllegalArgumentException("expected a string");
    }
    return s;
  }

  private static BigDecimal number(Object content) {
    try {
      return new BigDecimal(text(content));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + content + "' is not a number");
    }
  }

  private static byte[] binary(Object content) {
    if (content instanceof byte[] bytes) {
      return bytes;
    }
    try {
      return Base64.getDecoder().decode(text(content));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not base64: " + e.getMessage());
    }
  }

  private static Boolean bool(Object content) {
    if (!(content instanceof Boolean b)) {
      throw new IllegalArgumentException("expected true or false");
    }
    return b;
  }

  /**
   * A plain tree of a Connect value: structs and maps become maps (null fields left out), lists lists, byte
   * buffers byte arrays; strings stay strings (an {@code S} value may look like JSON).
   */
  static Object plain(Object value) {
    if (value instanceof Struct struct) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (Field field : struct.schema().fields()) {
        Object fieldValue = struct.get(field);
        if (fieldValue != null) {
          map.put(field.name(), plain(fieldValue));
        }
      }
      return map;
    }
    if (value instanceof Map<?, ?> source) {
      Map<String, Object> map = new LinkedHashMap<>();
      source.forEach((k, v) -> {
        if (v != null) {
          map.put(String.valueOf(k), plain(v));
        }
      });
      return map;
    }
    if (value instanceof List<?> list) {
      List<Object> elements = new ArrayList<>();
      list.forEach(e -> elements.add(plain(e)));
      return elements;
    }
    if (value instanceof ByteBuffer buffer) {
      ByteBuffer copy = buffer.duplicate();
      byte[] bytes = new byte[copy.remaining()];
      copy.get(bytes);
      return bytes;
    }
    return value;
  }

  /**
   * {@link #plain} of a value that may also be JSON text of an object (a whole record, or an image serialized as
   * DynamoDB JSON in a string field).
   */
  static Object object(Object value) {
    if (value instanceof String text && text.stripLeading().startsWith("{")) {
      try {
        return plain(JSON.readValue(text, Map.class));
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("text that starts like a JSON object is not JSON ("
            + e.getOriginalMessage() + "): " + excerpt(text));
      }
    }
    return plain(value);
  }

  /** At most 200 characters of {@code value}, for messages. */
  static String excerpt(Object value) {
    String text;
    try {
      text = value instanceof String s ? s : JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      text = String.valueOf(value);
    }
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
