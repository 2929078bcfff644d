package io.changelake.source.kafka;

import io.changelake.api.config.ConfigDef;
import io.changelake.api.config.ConfigException;
import io.changelake.api.spi.Source;
import io.changelake.api.spi.SourceProvider;
import io.changelake.api.spi.TableFilter;
import io.changelake.debezium.ChangeRecordDecoder;
import io.changelake.debezium.DebeziumDecoder;
import io.changelake.debezium.DynamoDbDecoder;
import io.changelake.debezium.FlattenedDecoder;
import java.util.Map;

/** The {@code kafka} source, found through {@link java.util.ServiceLoader}. */
public final class KafkaSourceProvider implements SourceProvider {

  @Override
  public String id() {
    return KafkaSourceConfig.COMPONENT;
  }

  @Override
  public ConfigDef configDef() {
    return KafkaSourceConfig.DEFINITION;
  }

  @Override
  public Source create(Map<String, String> options, TableFilter filter) {
    KafkaSourceConfig config = KafkaSourceConfig.parse(options);
    return new KafkaSource(config, filter, () -> decoder(config));
  }

  /** The {@code name} option, or a name derived from the topics: also the mirroring consumer group. */
  @Override
  public String pipelineName(Map<String, String> options) {
    return KafkaSourceConfig.parse(options).name();
  }

  private static ChangeRecordDecoder decoder(KafkaSourceConfig config) {
    String envelope = config.envelope();
    return switch (envelope) {
      case "debezium" -> new DebeziumDecoder();
      case "flattened" -> new FlattenedDecoder();
      case "upsert" -> new UpsertDecoder();
      case "append" -> new AppendDecoder();
      case "dynamodb" -> new DynamoDbDecoder(config.dynamoDbNumbersAsText());
      default -> throw new ConfigException("Unknown envelope '" + envelope + "'");
    };
  }
}
