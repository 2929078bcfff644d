package io.changelake.cli;

import io.changelake.api.spi.TableFilter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "postgres_sync_database",
    mixinStandardHelpOptions = true,
    description = {
        "Paimon's postgres_sync_database action with its flags verbatim (see postgres_sync_table).",
        "The tables are Apache Paimon primary-key tables under --warehouse, readable by Paimon's own readers;"
            + " --format adds or replaces formats (iceberg, delta)."
    },
    footer = {
        "",
        "Example:",
        "  changelake postgres_sync_database --warehouse /tmp/paimon --database lakehouse \\",
        "      --postgres_conf hostname=localhost --postgres_conf port=5432 --postgres_conf username=postgres \\",
        "      --postgres_conf password=postgres --postgres_conf database-name=ecommerce \\",
        "      --postgres_conf schema-name=public --postgres_conf slot.name=flink_db_slot \\",
        "      --catalog_conf metastore=filesystem --catalog_conf warehouse=/tmp/paimon"
    })
final class PaimonSyncDatabaseCommand extends SyncCommand {
  @Mixin
  PaimonFlags flags;

  @Option(names = "--including_tables", paramLabel = "REGEX", description = "Only tables whose names match.")
  String including;

  @Option(names = "--excluding_tables", paramLabel = "REGEX", description = "Leave out tables whose names match.")
  String excluding;

  @Override
  SyncRequest request() {
    return PaimonRequests.of(flags, TableFilter.of(including, excluding), null);
  }

  @Override
  List<String> notices() {
    return flags.flink.notices();
  }
}
