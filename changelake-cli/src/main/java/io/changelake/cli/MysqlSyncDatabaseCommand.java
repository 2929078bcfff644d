package io.changelake.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "mysql_sync_database",
    mixinStandardHelpOptions = true,
    description = {
        "Paimon's mysql_sync_database action with its flags verbatim, for MySQL and MariaDB (see mysql_sync_table).",
        PaimonSyncTableCommand.DESCRIPTION
    },
    footer = {
        "",
        "Example:",
        "  changelake mysql_sync_database --warehouse /tmp/paimon --database lakehouse \\",
        "      --mysql_conf hostname=localhost --mysql_conf username=cdc --mysql_conf password=secret \\",
        "      --mysql_conf database-name=shop --including_tables 'orders|customers' \\",
        "      --catalog_conf metastore=filesystem --catalog_conf warehouse=/tmp/paimon"
    })
final class MysqlSyncDatabaseCommand extends PaimonSyncDatabaseCommand {
  @Mixin
  MysqlConf conf;

  @Override
  ActionSourceConf conf() {
    return conf;
  }
}
