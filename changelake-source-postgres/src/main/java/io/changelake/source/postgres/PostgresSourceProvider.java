package io.changelake.source.postgres;

import io.changelake.api.config.ConfigDef;
import io.changelake.api.spi.Source;
import io.changelake.api.spi.SourceProvider;
import io.changelake.api.spi.TableFilter;
import java.util.Map;

/** The {@code postgres} source, found through {@link java.util.ServiceLoader}. */
public final class PostgresSourceProvider implements SourceProvider {

  @Override
  public String id() {
    return "postgres";
  }

  @Override
  public ConfigDef configDef() {
    return PostgresSourceConfig.DEFINITION;
  }

  @Override
  public Source create(Map<String, String> options, TableFilter filter) {
    return new PostgresSource(PostgresSourceConfig.parse(options), filter);
  }

  @Override
  public String pipelineName(Map<String, String> options) {
    return PostgresSourceConfig.parse(options).slotName();
  }
}
