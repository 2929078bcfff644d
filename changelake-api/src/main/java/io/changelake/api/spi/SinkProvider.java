package io.changelake.api.spi;

import io.changelake.api.config.ConfigDef;
import java.util.Map;

/**
 * Opens {@link TableSink}s of one table format; found through {@link java.util.ServiceLoader} by
 * {@link #format()}.
 */
public interface SinkProvider {

  /** The format's name, e.g. {@code iceberg}. */
  String format();

  /** Every option {@code --catalog-conf} accepts; drives help text and errors. */
  ConfigDef catalogConfigDef();

  /**
   * Opens the catalog at {@code warehouse} (a local folder or URI) with catalog options and the
   * table properties new tables get.
   */
  TableSink open(String warehouse, Map<String, String> catalogOptions, Map<String, String> tableProperties);
}
