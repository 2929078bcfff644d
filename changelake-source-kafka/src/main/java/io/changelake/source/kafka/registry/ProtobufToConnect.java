package io.changelake.source.kafka.registry;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Message;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * Protobuf messages as Kafka Connect data, following Confluent's {@code ProtobufData}: a message is a
 * struct named after it; a field's schema carries its number as the {@value #TAG} parameter and the
 * Connect parameters Confluent wrote into {@code (confluent.field_meta)}; {@code int32} with
 * {@code connect.type} {@code int8}/{@code int16} is INT8/INT16; {@code uint32}, {@code fixed32} and every
 * 64-bit integer are INT64 ({@code uint64} above 2^63 wraps, as in Confluent's); an enum is a STRING
 * (its symbol) with Confluent's enum parameters; {@code repeated} is an ARRAY, a {@code map} a MAP; a
 * {@code oneof} is an optional struct field {@code <name>_<index>} holding the one member set;
 * {@code google.protobuf.Timestamp}, {@code google.type.Date} and {@code google.type.TimeOfDay} are
 * Connect's Timestamp, Date and Time; {@code confluent.type.Decimal} is Connect's Decimal (scale from
 * the field's {@code scale} parameter, else the value's); the {@code google.protobuf.*Value} wrappers
 * are their optional primitive. {@code bytes} are {@code byte[]}.
 *
 * <p>Optionality: a field with presence (a message, a proto2 or proto3 {@code optional} field, a oneof)
 * is optional and null when unset; a proto3 scalar without {@code optional} always has a value (its
 * default when unset), so it is required. Confluent's reader marks every field optional; a required
 * column says the same values more exactly. Recursive messages are refused.
 */
final class ProtobufToConnect {
  static final String TAG = "io.confluent.connect.protobuf.Tag";
  static final String ENUM = "io.confluent.connect.protobuf.Enum";
  static final String UNION_PREFIX = "io.confluent.connect.protobuf.Union.";
  private static final String CONNECT_TYPE = "connect.type";
  private static final Set<String> CONSUMED_PARAMS = Set.of(CONNECT_TYPE, "precision", "scale");

  private final Map<String, Map<String, String>> fieldParams;
  private final Map<Descriptor, Schema> schemas = new HashMap<>();

  /** @param fieldParams the Connect parameters of fields, by full field name */
  ProtobufToConnect(Map<String, Map<String, String>> fieldParams) {
    this.fieldParams = fieldParams;
  }

  /** The (required) struct schema of messages of type {@code message}. */
  Schema schema(Descriptor message) {
    Schema cached = schemas.get(message);
    if (cached == null) {
      cached = struct(message, new LinkedHashSet<>()).build();
      schemas.put(message, cached);
    }
    return cached;
  }

  /** {@code message} as a struct of {@code schema} (from {@link #schema}). */
  Struct value(Schema schema, Message message) {
    Struct struct = new Struct(schema);
    Descriptor descriptor = message.getDescriptorForType();
    for (OneofDescriptor oneOf : descriptor.getRealOneofs()) {
      if (message.hasOneof(oneOf)) {
        FieldDescriptor member = message.getOneofFieldDescriptor(oneOf);
        org.apache.kafka.connect.data.Field unionField = schema.field(unionName(oneOf));
        Struct union = new Struct(unionField.schema());
        union.put(member.getName(), value(unionField.schema().field(member.getName()).schema(), member,
            message.getField(member)));
        struct.put(unionField, union);
      }
    }
    for (FieldDescriptor field : descriptor.getFields()) {
      if (field.getRealContainingOneof() == null && (field.isRepeated() || !field.hasPresence()
          || message.hasField(field))) {
        struct.put(field.getName(), value(schema.field(field.getName()).schema(), field, message.getField(field)));
      }
    }
    return struct;
  }

  private SchemaBuilder struct(Descriptor message, Set<String> enclosing) {
    if (!enclosing.add(message.getFullName())) {
      throw new IllegalArgumentException("message " + message.getFullName() + " contains itself (through "
          + String.join(" > ", enclosing) + "): recursive messages have no Connect schema");
    }
    SchemaBuilder struct = SchemaBuilder.struct().name(message.getName());
    for (OneofDescriptor oneOf : message.getRealOneofs()) {
      SchemaBuilder union = SchemaBuilder.struct().name(UNION_PREFIX + oneOf.getName()).optional();
      for (FieldDescriptor member : oneOf.getFields()) {
        union.field(member.getName(), field(member, enclosing));
      }
      struct.field(unionName(oneOf), union.build());
    }
    for (FieldDescriptor field : message.getFields()) {
      if (field.getRealContainingOneof() == null) {
        struct.field(field.getName(), field(field, enclosing));
      }
    }
    enclosing.remove(message.getFullName());
    return struct;
  }

  private Schema field(FieldDescriptor field, Set<String> enclosing) {
    Map<String, String> params = fieldParams.getOrDefault(field.getFullName(), Map.of());
    SchemaBuilder builder;
    if (field.isMapField()) {
      Descriptor entry = field.getMessageType();
      builder = SchemaBuilder.map(element(entry.findFieldByNumber(1), Map.of(), enclosing),
          element(entry.findFieldByNumber(2), Map.of(), enclosing));
    } else if (field.isRepeated()) {
      builder = SchemaBuilder.array(element(field, params, enclosing));
    } else {
      builder = single(field, params, enclosing);
      if (field.hasPresence()) {
        builder.optional();
      }
    }
    params.forEach((key, value) -> {
      if (!CONSUMED_PARAMS.contains(key)) {
        builder.parameter(key, value);
      }
    });
    return builder.parameter(TAG, Integer.toString(field.getNumber())).build();
  }

  /** The schema of one element of a repeated field or map: optional, as Confluent's. */
  private Schema element(FieldDescriptor field, Map<String, String> params, Set<String> enclosing) {
    return single(field, params, enclosing).optional().build();
  }

  private SchemaBuilder single(FieldDescriptor field, Map<String, String> params, Set<String> enclosing) {
    return switch (field.getType()) {
      case INT32, SINT32, SFIXED32 -> switch (params.getOrDefault(CONNECT_TYPE, "")) {
        case "int8" -> SchemaBuilder.int8();
        case "int16" -> SchemaBuilder.int16();
        default -> SchemaBuilder.int32();
      };
      case UINT32, FIXED32, INT64, UINT64, SINT64, FIXED64, SFIXED64 -> SchemaBuilder.int64();
      case FLOAT -> SchemaBuilder.float32();
      case DOUBLE -> SchemaBuilder.float64();
      case BOOL -> SchemaBuilder.bool();
      case STRING -> SchemaBuilder.string();
      case BYTES -> SchemaBuilder.bytes();
      case ENUM -> enumSchema(field.getEnumType());
      case MESSAGE, GROUP -> message(field.getMessageType(), params, enclosing);
    };
  }

  private static SchemaBuilder enumSchema(EnumDescriptor type) {
    SchemaBuilder builder = SchemaBuilder.string().name(type.getName()).parameter(ENUM, type.getName());
    for (EnumValueDescriptor symbol : type.getValues()) {
      builder.parameter(ENUM + "." + symbol.getName(), Integer.toString(symbol.getNumber()));
    }
    return builder;
  }

  private SchemaBuilder message(Descriptor type, Map<String, String> params, Set<String> enclosing) {
    return switch (type.getFullName()) {
      case "google.protobuf.Timestamp" -> Timestamp.builder();
      case "google.type.Date" -> Date.builder();
      case "google.type.TimeOfDay" -> Time.builder();
      case "confluent.type.Decimal" -> {
        SchemaBuilder decimal = Decimal.builder(Integer.parseInt(params.getOrDefault("scale", "0")));
        if (params.containsKey("precision")) {
          decimal.parameter("connect.decimal.precision", params.get("precision"));
        }
        yield decimal;
      }
      case "google.protobuf.DoubleValue" -> SchemaBuilder.float64();
      case "google.protobuf.FloatValue" -> SchemaBuilder.float32();
      case "google.protobuf.Int64Value", "google.protobuf.UInt64Value", "google.protobuf.UInt32Value" ->
          SchemaBuilder.int64();
      case "google.protobuf.Int32Value" -> SchemaBuilder.int32();
      case "google.protobuf.BoolValue" -> SchemaBuilder.bool();
      case "google.protobuf.StringValue" -> SchemaBuilder.string();
      case "google.protobuf.BytesValue" -> SchemaBuilder.bytes();
      default -> struct(type, enclosing);
    };
  }

  private Object value(Schema schema, FieldDescriptor field, Object raw) {
    if (field.isMapField()) {
      Map<Object, Object> map = new LinkedHashMap<>();
      for (Object entry : (List<?>) raw) {
        Message pair = (Message) entry;
        FieldDescriptor key = pair.getDescriptorForType().findFieldByNumber(1);
        FieldDescriptor value = pair.getDescriptorForType().findFieldByNumber(2);
        map.put(single(schema.keySchema(), key, pair.getField(key)),
            single(schema.valueSchema(), value, pair.getField(value)));
      }
      return map;
    }
    if (field.isRepeated()) {
      List<Object> list = new ArrayList<>();
      for (Object element : (List<?>) raw) {
        list.add(single(schema.valueSchema(), field, element));
      }
      return list;
    }
    return single(schema, field, raw);
  }

  private Object single(Schema schema, FieldDescriptor field, Object raw) {
    return switch (field.getType()) {
      case INT32, SINT32, SFIXED32 -> switch (schema.type()) {
        case INT8 -> ((Integer) raw).byteValue();
        case INT16 -> ((Integer) raw).shortValue();
        default -> raw;
      };
      case UINT32, FIXED32 -> Integer.toUnsignedLong((Integer) raw);
      case BYTES -> ((ByteString) raw).toByteArray();
      case ENUM -> ((EnumValueDescriptor) raw).getName();
      case MESSAGE, GROUP -> message(schema, (Message) raw);
      default -> raw;
    };
  }

  private Object message(Schema schema, Message message) {
    Descriptor type = message.getDescriptorForType();
    return switch (type.getFullName()) {
      case "google.protobuf.Timestamp" -> new java.util.Date(Math.addExact(
          Math.multiplyExact(longField(message, "seconds"), 1000L), longField(message, "nanos") / 1_000_000));
      case "google.type.Date" -> new java.util.Date(java.time.LocalDate.of((int) longField(message, "year"),
          (int) longField(message, "month"), (int) longField(message, "day")).toEpochDay() * 86_400_000L);
      case "google.type.TimeOfDay" -> new java.util.Date(LocalTime.of((int) longField(message, "hours"),
          (int) longField(message, "minutes"), (int) longField(message, "seconds"), (int) longField(message, "nanos"))
          .toNanoOfDay() / 1_000_000);
      case "confluent.type.Decimal" -> decimal(schema, message);
      case "google.protobuf.UInt32Value" -> Integer.toUnsignedLong((Integer) wrapped(message));
      case "google.protobuf.BytesValue" -> ((ByteString) wrapped(message)).toByteArray();
      case "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value",
          "google.protobuf.UInt64Value", "google.protobuf.Int32Value", "google.protobuf.BoolValue",
          "google.protobuf.StringValue" -> wrapped(message);
      default -> value(schema, message);
    };
  }

  private static BigDecimal decimal(Schema schema, Message message) {
    ByteString unscaled = (ByteString) message.getField(message.getDescriptorForType().findFieldByName("value"));
    BigDecimal value = new BigDecimal(unscaled.isEmpty() ? BigInteger.ZERO : new BigInteger(unscaled.toByteArray()),
        (int) longField(message, "scale"));
    int scale = Integer.parseInt(schema.parameters().get(Decimal.SCALE_FIELD));
    try {
      return value.setScale(scale);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("decimal " + value.toPlainString() + " has more digits after the point than"
          + " the field's scale " + scale, e);
    }
  }

  private static Object wrapped(Message message) {
    return message.getField(message.getDescriptorForType().findFieldByName("value"));
  }

  private static long longField(Message message, String name) {
    return ((Number) message.getField(message.getDescriptorForType().findFieldByName(name))).longValue();
  }

  private static String unionName(OneofDescriptor oneOf) {
    return oneOf.getName() + "_" + oneOf.getIndex();
  }
}
