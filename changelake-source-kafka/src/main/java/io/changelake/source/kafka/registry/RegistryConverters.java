package io.changelake.source.kafka.registry;

import io.changelake.api.config.ConfigException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Makes the converters of the registry formats by name: {@value #AVRO}, {@value #JSON_SCHEMA} and
 * {@value #PROTOBUF}. Each converter caches the schemas it reads; make one per key or value of a source
 * and share one {@link SchemaRegistryClient}.
 */
public final class RegistryConverters {
  public static final String AVRO = "avro";
  public static final String JSON_SCHEMA = "json-schema";
  public static final String PROTOBUF = "protobuf";

  private static final Map<String, Function<SchemaRegistryClient, PayloadFormat>> FORMATS = new LinkedHashMap<>();
  private static final Map<String, String> FORMAT_OF_SCHEMA_TYPE = Map.of(
      "AVRO", AVRO, "JSON", JSON_SCHEMA, "PROTOBUF", PROTOBUF);

  static {
    FORMATS.put(AVRO, registry -> new AvroPayloadFormat());
    FORMATS.put(JSON_SCHEMA, registry -> new JsonSchemaPayloadFormat());
    FORMATS.put(PROTOBUF, ProtobufPayloadFormat::new);
  }

  private RegistryConverters() { }

  /** The names of the formats read through a schema registry. */
  public static List<String> formats() {
    return List.of(AVRO, JSON_SCHEMA, PROTOBUF);
  }

  /**
   * A converter of the key ({@code isKey}) or value of records in {@code format}, reading schemas
   * through {@code registry}.
   *
   * @throws ConfigException when {@code format} is not one this class makes
   */
  public static RegistryConverter create(String format, boolean isKey, SchemaRegistryClient registry) {
    Function<SchemaRegistryClient, PayloadFormat> payloads = FORMATS.get(format);
    String option = (isKey ? "key" : "value") + ".format";
    if (payloads == null) {
      throw new ConfigException(option, format, "must be one of " + FORMATS.keySet());
    }
    return new RegistryConverter(format, payloads.apply(registry), registry, isKey);
  }

  /** The format name that reads schemas of the registry's {@code schemaType}. */
  static String formatOf(String schemaType) {
    return FORMAT_OF_SCHEMA_TYPE.getOrDefault(schemaType, "a format that reads " + schemaType);
  }
}
