package io.changelake.sink.iceberg;

import io.changelake.api.config.ConfigDef;
import io.changelake.api.spi.SinkProvider;
import io.changelake.api.spi.TableSink;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code iceberg} format, found through {@link java.util.ServiceLoader}. */
public final class IcebergSinkProvider implements SinkProvider {

  @Override
  public String format() {
    return "iceberg";
  }

  @Override
  public ConfigDef catalogConfigDef() {
    return IcebergSinkConfig.DEFINITION;
  }

  @Override
  public TableSink open(String warehouse, Map<String, String> catalogOptions, Map<String, String> tableProperties) {
    if (warehouse.contains("://")) {
      Map<String, String> options = new LinkedHashMap<>(catalogOptions);
      options.putIfAbsent(IcebergSinkConfig.WAREHOUSE.name(), warehouse);
      return IcebergSink.create(IcebergSinkConfig.parse(options, tableProperties));
    }
    return IcebergSink.create(IcebergSinkConfig.local(Path.of(warehouse), catalogOptions, tableProperties));
  }
}
