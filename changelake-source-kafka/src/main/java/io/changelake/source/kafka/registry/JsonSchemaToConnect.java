package io.changelake.source.kafka.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;

/**
 * A JSON Schema as a Kafka Connect schema, read the way Confluent's JsonSchemaConverter wrote it:
 * {@code title} is the Connect name, {@code connect.type} the exact type ({@code int32},
 * {@code float32}, {@code bytes}, {@code map}, ...), {@code connect.version}, {@code connect.parameters}
 * and {@code description} carry over, {@code connect.index} orders the fields, and an optional field is
 * {@code oneOf: [{"type": "null"}, ...]}. Hand-written schemas read too: a property left out of the
 * object's {@code required} list is optional, and {@code integer} / {@code number} without
 * {@code connect.type} are int64 / float64. Not read (each a clear error): unions of several non-null
 * types, {@code allOf}, {@code $ref}, {@code not}.
 */
final class JsonSchemaToConnect {
  private static final String CONNECT_TYPE = "connect.type";
  private static final String CONNECT_INDEX = "connect.index";
  private static final String CONNECT_VERSION = "connect.version";
  private static final String CONNECT_PARAMETERS = "connect.parameters";

  private JsonSchemaToConnect() { }

  /**
   * The Connect schema of {@code json}, a JSON Schema document.
   *
   * @throws IllegalArgumentException naming the path of a construct that has no Connect schema
   */
  static Schema toConnect(JsonNode json) {
    return toConnect(json, "#", false);
  }

  private static Schema toConnect(JsonNode json, String path, boolean optional) {
    for (String unsupported : List.of("$ref", "allOf", "not")) {
      if (json.has(unsupported)) {
        throw new IllegalArgumentException("'" + unsupported + "' at " + path + " is not supported");
      }
    }
    JsonNode union = json.has("oneOf") ? json.get("oneOf") : json.get("anyOf");
    if (union != null) {
      return toConnect(nonNull(union, path), path, true);
    }
    SchemaBuilder builder = builder(json, path);
    if (json.hasNonNull("title")) {
      builder.name(json.get("title").asText());
    }
    if (json.has(CONNECT_VERSION)) {
      builder.version(json.get(CONNECT_VERSION).asInt());
    }
    if (json.hasNonNull("description")) {
      builder.doc(json.get("description").asText());
    }
    if (json.has(CONNECT_PARAMETERS)) {
      json.get(CONNECT_PARAMETERS).properties().forEach(p -> builder.parameter(p.getKey(), p.getValue().asText()));
    }
    if (optional || isNullable(json.get("type"))) {
      builder.optional();
    }
    if (json.has("default") && !json.get("default").isNull()) {
      builder.defaultValue(JsonToConnectValue.convert(builder, json.get("default"), path + "/default"));
    }
    return builder.build();
  }

  private static SchemaBuilder builder(JsonNode json, String path) {
    String connectType = json.path(CONNECT_TYPE).asText(null);
    String type = jsonType(json, path);
    switch (type) {
      case "object":
        if ("map".equals(connectType)) {
          JsonNode values = json.get("additionalProperties");
          if (values == null || !values.isObject()) {
            throw new IllegalArgumentException("map at " + path + " has no 'additionalProperties' schema");
          }
          return SchemaBuilder.map(Schema.STRING_SCHEMA, toConnect(values, path + "/additionalProperties", false));
        }
        return struct(json, path);
      case "array":
        if (!json.has("items") || !json.get("items").isObject()) {
          throw new IllegalArgumentException("array at " + path + " has no single 'items' schema");
        }
        Schema items = toConnect(json.get("items"), path + "/items", false);
        if ("map".equals(connectType)) {
          return SchemaBuilder.map(items.field("key").schema(), items.field("value").schema());
        }
        return SchemaBuilder.array(items);
      case "string":
        return "bytes".equals(connectType) ? SchemaBuilder.bytes() : SchemaBuilder.string();
      case "boolean":
        return SchemaBuilder.bool();
      case "integer":
      case "number":
        return number(connectType == null ? (type.equals("integer") ? "int64" : "float64") : connectType, path);
      default:
        throw new IllegalArgumentException("type '" + type + "' at " + path + " is not supported");
    }
  }

  private static SchemaBuilder number(String connectType, String path) {
    return switch (connectType) {
      case "int8" -> SchemaBuilder.int8();
      case "int16" -> SchemaBuilder.int16();
      case "int32" -> SchemaBuilder.int32();
      case "int64" -> SchemaBuilder.int64();
      case "float32" -> SchemaBuilder.float32();
      case "float64" -> SchemaBuilder.float64();
      case "bytes" -> SchemaBuilder.bytes();
      default -> throw new IllegalArgumentException("connect.type '" + connectType + "' at " + path
          + " is not a numeric Connect type");
    };
  }

  private static SchemaBuilder struct(JsonNode json, String path) {
    Set<String> required = new HashSet<>();
    json.path("required").forEach(name -> required.add(name.asText()));
    boolean requiredListed = json.has("required");
    Map<Integer, Map.Entry<String, JsonNode>> ordered = new TreeMap<>();
    List<Map.Entry<String, JsonNode>> unindexed = new ArrayList<>();
    for (Map.Entry<String, JsonNode> property : json.path("properties").properties()) {
      if (property.getValue().has(CONNECT_INDEX)) {
        ordered.put(property.getValue().get(CONNECT_INDEX).asInt(), property);
      } else {
        unindexed.add(property);
      }
    }
    List<Map.Entry<String, JsonNode>> properties = new ArrayList<>(ordered.values());
    properties.addAll(unindexed);
    SchemaBuilder struct = SchemaBuilder.struct();
    for (Map.Entry<String, JsonNode> property : properties) {
      boolean optional = requiredListed && !required.contains(property.getKey());
      struct.field(property.getKey(), toConnect(property.getValue(), path + "/properties/" + property.getKey(),
          optional));
    }
    return struct;
  }

  private static JsonNode nonNull(JsonNode union, String path) {
    JsonNode other = null;
    boolean hasNull = false;
    for (JsonNode alternative : union) {
      if ("null".equals(alternative.path("type").asText())) {
        hasNull = true;
      } else if (other == null) {
        other = alternative;
      } else {
        other = null;
        break;
      }
    }
    if (!hasNull || other == null) {
      throw new IllegalArgumentException("the union at " + path + " is not supported: only a null alternative"
          + " beside one type (an optional field) is");
    }
    return other;
  }

  private static String jsonType(JsonNode json, String path) {
    JsonNode type = json.get("type");
    if (type == null) {
      if (json.has("enum")) {
        return "string";
      }
      if (json.has("properties")) {
        return "object";
      }
      throw new IllegalArgumentException("no 'type' at " + path);
    }
    if (type.isTextual()) {
      return type.asText();
    }
    List<String> types = new ArrayList<>();
    type.forEach(t -> {
      if (!"null".equals(t.asText())) {
        types.add(t.asText());
      }
    });
    if (types.size() != 1) {
      throw new IllegalArgumentException("type " + type + " at " + path + " is not supported: only one type,"
          + " possibly with null");
    }
    return types.get(0);
  }

  private static boolean isNullable(JsonNode type) {
    if (type == null || !type.isArray()) {
      return false;
    }
    for (JsonNode t : type) {
      if ("null".equals(t.asText())) {
        return true;
      }
    }
    return false;
  }
}
