package io.changelake.source.mysql;

import io.changelake.api.config.ConfigDef;
import io.changelake.api.spi.Source;
import io.changelake.api.spi.SourceProvider;
import io.changelake.api.spi.TableFilter;
import java.util.Map;

/** The {@code mysql} source, found through {@link java.util.ServiceLoader}. */
public class MysqlSourceProvider implements SourceProvider {
  private final String id;

  public MysqlSourceProvider() {
    this("mysql");
  }

  /** A provider of the same source under another name ({@link MariaDbSourceProvider}). */
  protected MysqlSourceProvider(String id) {
    this.id = id;
  }

  @Override
  public final String id() {
    return id;
  }

  @Override
  public final ConfigDef configDef() {
    return MysqlSourceConfig.DEFINITION;
  }

  @Override
  public final Source create(Map<String, String> options, TableFilter filter) {
    return new MysqlSource(MysqlSourceConfig.parse(options), filter);
  }

  /** {@code <database-name>-<server-id>}: the binlog reader's id is unique per running pipeline. */
  @Override
  public final String pipelineName(Map<String, String> options) {
    MysqlSourceConfig config = MysqlSourceConfig.parse(options);
    return config.database() + "-" + config.serverId();
  }
}
