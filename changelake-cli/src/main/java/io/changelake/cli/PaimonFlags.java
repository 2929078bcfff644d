package io.changelake.cli;

import io.changelake.engine.transform.TypeMapping;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The flags of Paimon's {@code postgres_sync_table} / {@code postgres_sync_database} actions, verbatim,
 * so a command line from the Flink CDC → Paimon guide runs with {@code changelake} in place of
 * {@code flink run ... paimon-flink-action.jar}.
 */
final class PaimonFlags {
  @Option(names = "--warehouse", required = true, description = "Warehouse path.")
  String warehouse;

  @Option(names = "--database", required = true, description = "Lake database.")
  String database;

  @Option(names = "--postgres_conf", paramLabel = "KEY=VALUE", mapFallbackValue = "",
      description = "PostgreSQL option (repeatable): hostname, port, username, password, database-name, schema-name,"
          + " table-name, slot.name, decoding.plugin.name, scan.startup.mode, debezium.*. A value @FILE is the"
          + " file's content, $${env:NAME} an environment variable.")
  Map<String, String> postgresConf = new LinkedHashMap<>();

  @Option(names = "--postgres_conf_file", paramLabel = "FILE",
      description = "(changelake) A properties file of PostgreSQL options (key=value lines), e.g. the credentials;"
          + " --postgres_conf options override its entries.")
  Path postgresConfFile;

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

  /** The PostgreSQL options: --postgres_conf_file's entries, overridden by --postgres_conf, then Flink's flags. */
  Map<String, String> sourceOptions() {
    return flink.applyTo(SourceConfFile.merge(postgresConfFile, "--postgres_conf_file", postgresConf));
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
