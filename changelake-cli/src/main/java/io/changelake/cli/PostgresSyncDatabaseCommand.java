package io.changelake.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "postgres_sync_database",
    mixinStandardHelpOptions = true,
    description = {
        "Paimon's postgres_sync_database action with its flags verbatim (see postgres_sync_table).",
        PaimonSyncTableCommand.DESCRIPTION
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
final class PostgresSyncDatabaseCommand extends PaimonSyncDatabaseCommand {
  @Mixin
  PostgresConf conf;

  @Override
  ActionSourceConf conf() {
    return conf;
  }
}
