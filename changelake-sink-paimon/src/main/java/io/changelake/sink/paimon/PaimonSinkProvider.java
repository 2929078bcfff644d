package io.changelake.sink.paimon;

import io.changelake.api.config.ConfigDef;
import io.changelake.api.spi.SinkProvider;
import io.changelake.api.spi.TableSink;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code paimon} format, found through {@link java.util.ServiceLoader}. */
public final class PaimonSinkProvider implements SinkProvider {
  static final String FORMAT = "paimon";

  @Override
  public String format() {
    return FORMAT;
  }

  @Override
  public ConfigDef catalogConfigDef() {
    return PaimonSinkConfig.DEFINITION;
  }

  @Override
  public TableSink open(String warehouse, Map<String, String> catalogOptions, Map<String, String> tableProperties) {
    if (warehouse.contains("://")) {
      Map<String, String> options = new LinkedHashMap<>(catalogOptions);
      options.putIfAbsent(PaimonSinkConfig.WAREHOUSE.name(), warehouse);
      return PaimonSink.create(PaimonSinkConfig.parse(options, tableProperties));
    }
    return PaimonSink.create(PaimonSinkConfig.local(Path.of(warehouse), catalogOptions, tableProperties));
  }
}
