package io.changelake.source.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.changelake.debezium.FieldValues;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.json.JsonConverter;

/**
 * Reads the JSON payload of a STRUCT of one Connect schema straight into {@link FieldValues}, with one Jackson
 * streaming pass and no tree: the values Kafka's {@link JsonConverter} (floats as exact decimals, decimals as
 * numbers or base64 text) puts into its Structs. Made for schemas whose fields are, at any depth, structs or
 * primitives (Connect {@code Decimal} included) or arrays of those; {@link #of} refuses others (maps, Connect Date, Time,
 * Timestamp).
 * A payload it does not read exactly as JsonConverter would (a value of another JSON type than its field's, a
 * required field missing, malformed JSON) reads as null. Immutable; {@link #read} is thread-safe.
 */
final class JsonFieldsReader {
  private static final JsonFactory JSON = new JsonFactory();
  private static final Set<String> REFUSED_LOGICAL = Set.of(Date.LOGICAL_NAME, Time.LOGICAL_NAME, Timestamp.LOGICAL_NAME);

  /** Thrown (without a stack) when a value is not what its field's reader takes. */
  private static final class NotRead extends Exception {
    private static final NotRead INSTANCE = new NotRead();

    private NotRead() {
      super(null, null, false, false);
    }
  }

  /** Reads the value the parser's current token starts. */
  @FunctionalInterface
  private interface ValueReader {
    Object read(JsonParser parser) throws IOException, NotRead;
  }

  private final Schema schema;
  private final ValueReader[] readers;
  /** Fields a null or absent value is an error for (not optional, no default). */
  private final List<Field> required;

  private JsonFieldsReader(Schema schema, ValueReader[] readers) {
    this.schema = schema;
    this.readers = readers;
    this.required = schema.fields().stream()
        .filter(f -> !f.schema().isOptional() && f.schema().defaultValue() == null).toList();
  }

  /** A reader of payloads of STRUCT {@code schema}; null when the schema holds a type it does not read. */
  static JsonFieldsReader of(Schema schema) {
    if (schema.type() != Schema.Type.STRUCT) {
      return null;
    }
    ValueReader[] readers = new ValueReader[schema.fields().size()];
    for (Field field : schema.fields()) {
      readers[field.index()] = reader(field.schema());
      if (readers[field.index()] == null) {
        return null;
      }
    }
    return new JsonFieldsReader(schema, readers);
  }

  /** The values of the JSON object in {@code bytes[start, end)}, or null when it is not read exactly. */
  FieldValues read(byte[] bytes, int start, int end) {
    try (JsonParser parser = JSON.createParser(bytes, start, end - start)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      FieldValues values = readObject(parser);
      return parser.nextToken() == null ? values : null;
    } catch (IOException | NotRead e) {
      return null;
    }
  }

  /** The values of the object whose START_OBJECT is the parser's current token; the parser ends at its END_OBJECT. */
  private FieldValues readObject(JsonParser parser) throws IOException, NotRead {
    Object[] values = new Object[readers.length];
    String name;
    while ((name = parser.nextFieldName()) != null) {
      Field field = schema.field(name);
      JsonToken token = parser.nextToken();
      if (field == null) {
        parser.skipChildren();
      } else {
        values[field.index()] = token == JsonToken.VALUE_NULL ? null : readers[field.index()].read(parser);
      }
    }
    if (parser.currentToken() != JsonToken.END_OBJECT) {
      throw NotRead.INSTANCE;
    }
    for (Field field : required) {
      if (values[field.index()] == null) {
        throw NotRead.INSTANCE;
      }
    }
    return FieldValues.of(schema, values);
  }

  /** The reader of non-null values of {@code schema}, as JsonConverter converts them; null for a refused type. */
  private static ValueReader reader(Schema schema) {
    String logical = schema.name();
    if (Decimal.LOGICAL_NAME.equals(logical)) {
      return parser -> switch (parser.currentToken()) {
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getDecimalValue();
        case VALUE_STRING -> Decimal.toLogical(schema, parser.getBinaryValue()); // decimal.format=BASE64
        default -> throw NotRead.INSTANCE;
      };
    }
    if (logical != null && REFUSED_LOGICAL.contains(logical)) {
      return null;
    }
    return switch (schema.type()) {
      case BOOLEAN -> parser -> switch (parser.currentToken()) {
        case VALUE_TRUE -> Boolean.TRUE;
        case VALUE_FALSE -> Boolean.FALSE;
        default -> throw NotRead.INSTANCE;
      };
      case INT8 -> parser -> (byte) intValue(parser);
      case INT16 -> parser -> (short) intValue(parser);
      case INT32 -> JsonFieldsReader::intValue;
      case INT64 -> parser -> {
        JsonParser.NumberType type = integerType(parser);
        if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
          throw NotRead.INSTANCE;
        }
        return parser.getLongValue();
      };
      case FLOAT32 -> parser -> number(parser).floatValue();
      case FLOAT64 -> parser -> number(parser).doubleValue();
      case STRING -> parser -> {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
          throw NotRead.INSTANCE;
        }
        return parser.getText();
      };
      case BYTES -> parser -> {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
          throw NotRead.INSTANCE;
        }
        return parser.getBinaryValue();
      };
      case STRUCT -> {
        JsonFieldsReader nested = of(schema);
        yield nested == null ? null : parser -> {
          if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw NotRead.INSTANCE;
          }
          return nested.readObject(parser);
        };
      }
      case ARRAY -> array(schema.valueSchema());
      case MAP -> null;
    };
  }

  /** The reader of arrays of {@code element}s, as JsonConverter reads them (a null element as for a field). */
  private static ValueReader array(Schema element) {
    ValueReader reader = reader(element);
    Object ifNull = element.defaultValue();
    boolean nullable = ifNull != null || element.isOptional();
    return reader == null ? null : parser -> {
      if (parser.currentToken() != JsonToken.START_ARRAY) {
        throw NotRead.INSTANCE;
      }
      List<Object> list = new ArrayList<>();
      for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
        if (token != JsonToken.VALUE_NULL) {
          list.add(reader.read(parser));
        } else if (nullable) {
          list.add(ifNull);
        } else {
          throw NotRead.INSTANCE;
        }
      }
      return list;
    };
  }

  private static int intValue(JsonParser parser) throws IOException, NotRead {
    if (integerType(parser) != JsonParser.NumberType.INT) {
      throw NotRead.INSTANCE;
    }
    return parser.getIntValue();
  }

  /** The number type of an integer token; NotRead for any other token. */
  private static JsonParser.NumberType integerType(JsonParser parser) throws IOException, NotRead {
    if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT) {
      throw NotRead.INSTANCE;
    }
    return parser.getNumberType();
  }

  /**
   * A number as JsonConverter's tree holds it (floats as exact decimals, integers as int or long), for its
   * {@code floatValue()} / {@code doubleValue()}.
   */
  private static Number number(JsonParser parser) throws IOException, NotRead {
    if (parser.currentToken() == JsonToken.VALUE_NUMBER_FLOAT) {
      return parser.getDecimalValue();
    }
    JsonParser.NumberType type = integerType(parser);
    return switch (type) {
      case INT -> parser.getIntValue();
      case LONG -> parser.getLongValue();
      default -> throw NotRead.INSTANCE;
    };
  }
}
