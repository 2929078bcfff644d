package io.changelake.source.kafka;

import io.changelake.api.config.ConfigException;
import java.util.Map;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.Converter;

/** The Kafka Connect {@link Converter} that reads records of one {@code key.format} / {@code value.format}. */
final class KafkaFormats {
  private KafkaFormats() { }

  /**
   * A configured converter for {@code format}.
   *
   * @throws ConfigException when no converter reads {@code format}
   */
  static Converter converter(String format, boolean forKeys) {
    Converter converter = switch (format) {
      case "json" -> new JsonConverter();
      default -> throw new ConfigException("Unknown kafka " + (forKeys ? "key" : "value") + ".format '" + format
          + "'. Accepted: json.");
    };
    converter.configure(Map.of("schemas.enable", "true", "decimal.format", "NUMERIC"), forKeys);
    return converter;
  }
}
