package io.changelake.cli;

import io.changelake.engine.transform.TypeMapping;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The flags Paimon's {@code <source>_sync_table} / {@code <source>_sync_database} actions share, verbatim,
 * so a command line from the Flink CDC → Paimon guide runs with {@code changelake} in place of
 * {@code flink run ... paimon-flink-action.jar}; the source's own flags are an {@link ActionSourceConf}.
 */
final class PaimonFlags {
  @Option(names = "--warehouse", required = true, description = "Warehouse path.")
  String warehouse;

  @Option(names = "--database", required = true, description = "Lake database.")
  String database;

  @Option(names = "--catalog_conf", paramLabel = "KEY=VALUE",
      description = "Catalog option (repeatable). metastore=filesystem and warehouse=<the --warehouse path> are"
          + " accepted as the embedded default.")
  Map<String, String> catalogConf = new LinkedHashMap<>();

  @Option(names = "--table_conf", paramLabel = "KEY=VALUE", description = "Table property (repeatable).")
  Map<String, String> tableConf = new LinkedHashMap<>();

  @Option(names = "--primary_keys", split = ",", paramLabel = "COLUMN", description = "Key columns instead of the"
      + " source's primary key.")
  List<String> primaryKeys = List.of();

  @Option(names = "--partition_keys", split = ",", paramLabel = "COLUMN", description = "Partition columns.")
  List<String> partitionKeys = List.of();

  @Option(names = "--computed_column", paramLabel = "NAME=EXPRESSION", description = SyncOptions.COMPUTED_DOC
      + "substring(s, begin[, end]) is Paimon's: 0-based begin, exclusive end, both within the string.")
  List<String> computedColumns = List.of();

  @Option(names = "--metadata_column", paramLabel = "NAME", description = SyncOptions.METADATA_DOC)
  List<String> metadataColumns = List.of();

  @Option(names = "--type_mapping", paramLabel = "NAMES", description = TypeMapping.DOC)
  String typeMapping = "";

  @Option(names = "--format", split = ",", paramLabel = "FORMAT", defaultValue = "paimon",
      description = "(changelake) Table formats to write, any of paimon, iceberg, delta. Default: ${DEFAULT-VALUE}.")
  List<String> formats;

  @Mixin
  FlinkFlags flink = new FlinkFlags();

  @Mixin
  HealthOptions health = new HealthOptions();

  /** The source options: {@code conf}'s, then Flink's flags. */
  Map<String, String> sourceOptions(ActionSourceConf conf) {
    return flink.applyTo(conf.options(), conf.flag());
  }

  /** The catalog options without the keys that only restate the embedded default. */
  Map<String, String> catalogOptions() {
    Map<String, String> options = new LinkedHashMap<>(catalogConf);
    String metastore = options.remove("metastore");
    if (metastore != null && !metastore.equals("filesystem")) {
      throw new IllegalArgumentException("--catalog_conf metastore=" + metastore + " is not supported; use"
          + " metastore=filesystem (the embedded warehouse) or changelake sync-table --catalog-conf for another"
          + " catalog.");
    }
    String warehouseOption = options.remove("warehouse");
    if (warehouseOption != null && !warehouseOption.equals(warehouse)) {
      throw new IllegalArgumentException("--catalog_conf warehouse=" + warehouseOption + " differs from --warehouse "
          + warehouse + "; give the same path or leave one out.");
    }
    return options;
  }
}
