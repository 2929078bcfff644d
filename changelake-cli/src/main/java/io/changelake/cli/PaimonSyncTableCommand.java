package io.changelake.cli;

import io.changelake.api.spi.TableFilter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "postgres_sync_table",
    mixinStandardHelpOptions = true,
    description = {
        "Paimon's postgres_sync_table action with its flags verbatim: every command line of the Flink CDC -> Paimon"
            + " guide runs with 'changelake' in place of '$FLINK_HOME/bin/flink run .../paimon-flink-action.jar'.",
        "The tables are Apache Paimon primary-key tables under --warehouse, readable by Paimon's own readers;"
            + " --format adds or replaces formats (iceberg, delta)."
    },
    footer = {
        "",
        "Example:",
        "  changelake postgres_sync_table --warehouse /tmp/paimon --database lakehouse --table products \\",
        "      --postgres_conf hostname=localhost --postgres_conf port=5432 --postgres_conf username=postgres \\",
        "      --postgres_conf password=postgres --postgres_conf database-name=ecommerce \\",
        "      --postgres_conf schema-name=public --postgres_conf table-name=products \\",
        "      --postgres_conf slot.name=flink_products_slot --catalog_conf metastore=filesystem \\",
        "      --catalog_conf warehouse=/tmp/paimon",
        "  changelake postgres_sync_table ... --postgres_conf_file cdc-credentials.properties \\",
        "      --checkpointing-interval 30000 --parallelism 2"
    })
final class PaimonSyncTableCommand extends SyncCommand {
  @Mixin
  PaimonFlags flags;

  @Option(names = "--table", description = "Lake table name when table-name selects one table.")
  String table;

  @Override
  SyncRequest request() {
    return PaimonRequests.of(flags, TableFilter.ALL, table);
  }

  @Override
  List<String> notices() {
    return flags.flink.notices();
  }
}
