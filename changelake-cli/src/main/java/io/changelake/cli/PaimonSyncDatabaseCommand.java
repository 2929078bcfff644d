package io.changelake.cli;

import io.changelake.api.spi.TableFilter;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Paimon's {@code <source>_sync_database} action with its flags verbatim; each source's command adds its
 * {@code --<source>_conf} flags ({@link #conf()}).
 */
abstract class PaimonSyncDatabaseCommand extends SyncCommand {
  @Mixin
  PaimonFlags flags;

  @Option(names = "--including_tables", paramLabel = "REGEX", description = "Only tables whose names match.")
  String including;

  @Option(names = "--excluding_tables", paramLabel = "REGEX", description = "Leave out tables whose names match.")
  String excluding;

  /** The source flags of this action. */
  abstract ActionSourceConf conf();

  @Override
  SyncRequest request() {
    return PaimonRequests.of(flags, conf(), TableFilter.of(including, excluding), null);
  }

  @Override
  List<String> notices() {
    return flags.flink.notices();
  }
}
