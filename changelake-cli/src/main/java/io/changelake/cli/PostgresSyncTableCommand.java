package io.changelake.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "postgres_sync_table",
    mixinStandardHelpOptions = true,
    description = {
        "Paimon's postgres_sync_table action with its flags verbatim: every command line of the Flink CDC -> Paimon"
            + " guide runs with 'changelake' in place of '$FLINK_HOME/bin/flink run .../paimon-flink-action.jar'.",
        PaimonSyncTableCommand.DESCRIPTION
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
final class PostgresSyncTableCommand extends PaimonSyncTableCommand {
  @Mixin
  PostgresConf conf;

  @Override
  ActionSourceConf conf() {
    return conf;
  }
}
