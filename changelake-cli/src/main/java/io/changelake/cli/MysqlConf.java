package io.changelake.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --mysql_conf} of Paimon's mysql_sync_table / mysql_sync_database (MySQL and MariaDB). */
final class MysqlConf implements ActionSourceConf {
  @Option(names = "--mysql_conf", paramLabel = "KEY=VALUE", mapFallbackValue = "",
      description = "MySQL / MariaDB option (repeatable): hostname, port, username, password, database-name,"
          + " table-name, server-id, server-time-zone, scan.startup.mode, scan.incremental.snapshot.chunk.size,"
          + " jdbc.properties.*. A value @FILE is the file's content, $${env:NAME} an environment variable.")
  Map<String, String> conf = new LinkedHashMap<>();

  @Option(names = "--mysql_conf_file", paramLabel = "FILE",
      description = "(changelake) A properties file of MySQL options (key=value lines), e.g. the credentials;"
          + " --mysql_conf options override its entries.")
  Path file;

  @Override
  public String source() {
    return "mysql";
  }

  @Override
  public String flag() {
    return "--mysql_conf";
  }

  @Override
  public Map<String, String> options() {
    return SourceConfFile.merge(file, "--mysql_conf_file", conf);
  }
}
