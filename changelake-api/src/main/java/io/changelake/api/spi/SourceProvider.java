package io.changelake.api.spi;

import io.changelake.api.config.ConfigDef;
import java.util.Map;

/**
 * Creates {@link Source}s of one kind (e.g. {@code postgres}); found through
 * {@link java.util.ServiceLoader} by {@link #id()}.
 */
public interface SourceProvider {

  /** The name users give to {@code --source}, e.g. {@code postgres}. */
  String id();

  /** Every option {@code --source-conf} accepts; drives help text and errors. */
  ConfigDef configDef();

  /**
   * Creates a source over {@code options} (validated against {@link #configDef()}), capturing the
   * tables {@code filter} accepts among those the options select.
   */
  Source create(Map<String, String> options, TableFilter filter);

  /**
   * The name of the pipeline these options describe, unique per source database (e.g. the
   * replication slot's name); recorded in table commits and status.
   */
  String pipelineName(Map<String, String> options);
}
