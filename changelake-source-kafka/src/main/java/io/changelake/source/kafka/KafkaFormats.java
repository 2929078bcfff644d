package io.changelake.source.kafka;

import io.changelake.api.config.ConfigException;
import io.changelake.source.kafka.registry.RegistryConverters;
import io.changelake.source.kafka.registry.SchemaRegistryClient;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.connect.storage.Converter;

/** The Kafka Connect {@link Converter} that reads records of one {@code key.format} / {@code value.format}. */
final class KafkaFormats {
  private KafkaFormats() { }

  /**
   * A configured converter for {@code format}; registry formats share the client {@code registry} gives.
   *
   * @throws ConfigException when no converter reads {@code format}
   */
  static Converter converter(String format, boolean forKeys, Supplier<SchemaRegistryClient> registry) {
    if (RegistryConverters.formats().contains(format)) {
      return RegistryConverters.create(format, forKeys, registry.get());
    }
    if (!"json".equals(format)) {
      throw new ConfigException("Unknown kafka " + (forKeys ? "key" : "value") + ".format '" + format
          + "'. Accepted: json, " + String.join(", ", RegistryConverters.formats()) + ".");
    }
    return new EmbeddedSchemaJsonConverter(Map.of("schemas.enable", "true", "decimal.format", "NUMERIC"), forKeys);
  }

  /** Whether {@code format} reads its schemas from a registry. */
  static boolean usesRegistry(String format) {
    return RegistryConverters.formats().contains(format);
  }
}
