package io.changelake.cli;

import io.changelake.api.spi.TableFilter;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Paimon's {@code <source>_sync_table} action with its flags verbatim; each source's command adds its
 * {@code --<source>_conf} flags ({@link #conf()}).
 */
abstract class PaimonSyncTableCommand extends SyncCommand {
  static final String DESCRIPTION = "The tables are Apache Paimon primary-key tables under --warehouse, readable by"
      + " Paimon's own readers; --format adds or replaces formats (iceberg, delta).";

  @Mixin
  PaimonFlags flags;

  @Option(names = "--table", description = "Lake table name when table-name selects one table.")
  String table;

  /** The source flags of this action. */
  abstract ActionSourceConf conf();

  @Override
  SyncRequest request() {
    return PaimonRequests.of(flags, conf(), TableFilter.ALL, table);
  }

  @Override
  List<String> notices() {
    return flags.flink.notices();
  }
}
