package io.changelake.cli;

import io.changelake.core.model.TableId;
import io.changelake.core.spi.SinkException;
import io.changelake.core.spi.SinkTable;
import io.changelake.core.spi.TableSink;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the lake tables are, for the commands that read them. */
final class WarehouseOptions {
  @Option(names = "--warehouse", defaultValue = SyncOptions.DEFAULT_WAREHOUSE,
      description = "Warehouse folder (or URI). Default: ./${DEFAULT-VALUE}.")
  String warehouse;

  @Option(names = "--catalog-conf", paramLabel = "KEY=VALUE", description = "An Iceberg catalog property (repeatable).")
  Map<String, String> catalogConf = new LinkedHashMap<>();

  TableSink open() {
    return Providers.sink(Providers.DEFAULT_FORMAT).open(warehouse, catalogConf, Map.of());
  }

  /** Opens {@code db.table}, or fails naming the tables that exist. */
  static SinkTable table(TableSink sink, String name) {
    TableId id = TableId.parse(name);
    return sink.find(id).orElseThrow(() -> new SinkException("No table " + id + " in this warehouse. Tables: "
        + sink.listTables() + ". Run 'changelake tables' to list them."));
  }
}
