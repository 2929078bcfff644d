package io.changelake.source.kafka;

import io.changelake.api.config.ConfigDef;
import io.changelake.api.config.ConfigException;
import io.changelake.api.spi.Source;
import io.changelake.api.spi.SourceProvider;
import io.changelake.api.spi.TableFilter;
import io.changelake.debezium.ChangeRecordDecoder;
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
    return new KafkaSource(config, filter, () -> decoder(config.envelope()));
  }

  /** The {@code name} option, or a name derived from the topics: also the mirroring consumer group. */
  @Override
  public String pipelineName(Map<String, String> options) {
    return KafkaSourceConfig.parse(options).name();
  }

  private static ChangeRecordDecoder decoder(String envelope) {
    return switch (envelope) {
      case "upsert" -> new UpsertDecoder();
      case "append" -> new AppendDecoder();
      default -> throw new ConfigException("envelope=" + envelope + " needs changelake-debezium's decoder, which"
          + " this build does not have yet; use envelope=upsert or envelope=append.");
    };
  }
}
