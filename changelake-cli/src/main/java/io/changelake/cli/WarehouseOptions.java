package io.changelake.cli;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the lake tables are, for the commands that read them. */
final class WarehouseOptions {
  @Option(names = "--warehouse", defaultValue = SyncOptions.DEFAULT_WAREHOUSE,
      description = "Warehouse folder (or URI). Default: ./${DEFAULT-VALUE}.")
  String warehouse;

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "Only this table format (iceberg, paimon or delta). Default: every format found in the warehouse.")
  String format;

  @Option(names = "--catalog-conf", paramLabel = "KEY=VALUE",
      description = "A catalog property (repeatable); <format>:key=value reaches one format only.")
  Map<String, String> catalogConf = new LinkedHashMap<>();

  /**
   * Opens every format present in the warehouse (or only {@code --format}).
   *
   * @throws IllegalArgumentException when the warehouse is a local folder that does not exist
   */
  OpenWarehouse open() {
    return open(warehouse, format, catalogConf);
  }

  /** Opens every format present in {@code warehouse} (or only {@code format} when not null). */
  static OpenWarehouse open(String warehouse, String format, Map<String, String> catalogConf) {
    requireExisting(warehouse);
    return new OpenWarehouse(LakeFormats.openPresent(warehouse, format, catalogConf));
  }

  /** @throws IllegalArgumentException when {@code warehouse} is a local folder that does not exist */
  static void requireExisting(String warehouse) {
    if (LakeFormats.localFolder(warehouse).filter(folder -> !Files.isDirectory(folder)).isPresent()) {
      throw new IllegalArgumentException("No warehouse at " + warehouse + ": the folder does not exist. Pass"
          + " --warehouse the folder a sync writes to (default ./" + SyncOptions.DEFAULT_WAREHOUSE + ").");
    }
  }
}
