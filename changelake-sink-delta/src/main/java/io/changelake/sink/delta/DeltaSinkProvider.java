package io.changelake.sink.delta;

import io.changelake.api.config.ConfigDef;
import io.changelake.api.spi.SinkProvider;
import io.changelake.api.spi.TableSink;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code delta} format, found through {@link java.util.ServiceLoader}. */
public final class DeltaSinkProvider implements SinkProvider {

  @Override
  public String format() {
    return DeltaSink.FORMAT;
  }

  @Override
  public ConfigDef catalogConfigDef() {
    return DeltaSinkConfig.DEFINITION;
  }

  @Override
  public TableSink open(String warehouse, Map<String, String> catalogOptions, Map<String, String> tableProperties) {
    Map<String, String> options = new LinkedHashMap<>(catalogOptions);
    options.putIfAbsent(DeltaSinkConfig.WAREHOUSE.name(), warehouse);
    return DeltaSink.create(DeltaSinkConfig.parse(options, tableProperties));
  }
}
