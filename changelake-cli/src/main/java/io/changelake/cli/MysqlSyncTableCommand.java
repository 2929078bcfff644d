package io.changelake.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "mysql_sync_table",
    mixinStandardHelpOptions = true,
    description = {
        "Paimon's mysql_sync_table action with its flags verbatim, for MySQL and MariaDB: a command line of the"
            + " Flink CDC -> Paimon guide runs with 'changelake' in place of '$FLINK_HOME/bin/flink run"
            + " .../paimon-flink-action.jar'.",
        PaimonSyncTableCommand.DESCRIPTION
    },
    footer = {
        "",
        "Example:",
        "  changelake mysql_sync_table --warehouse /tmp/paimon --database lakehouse --table orders \\",
        "      --mysql_conf hostname=localhost --mysql_conf port=3306 --mysql_conf username=cdc \\",
        "      --mysql_conf password=secret --mysql_conf database-name=shop --mysql_conf table-name=orders \\",
        "      --mysql_conf server-id=5401 --catalog_conf metastore=filesystem --catalog_conf warehouse=/tmp/paimon"
    })
final class MysqlSyncTableCommand extends PaimonSyncTableCommand {
  @Mixin
  MysqlConf conf;

  @Override
  ActionSourceConf conf() {
    return conf;
  }
}
