package io.changelake.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --postgres_conf} of Paimon's postgres_sync_table / postgres_sync_database. */
final class PostgresConf implements ActionSourceConf {
  @Option(names = "--postgres_conf", paramLabel = "KEY=VALUE", mapFallbackValue = "",
      description = "PostgreSQL option (repeatable): hostname, port, username, password, database-name, schema-name,"
          + " table-name, slot.name, decoding.plugin.name, scan.startup.mode, debezium.*. A value @FILE is the"
          + " file's content, $${env:NAME} an environment variable.")
  Map<String, String> conf = new LinkedHashMap<>();

  @Option(names = "--postgres_conf_file", paramLabel = "FILE",
      description = "(changelake) A properties file of PostgreSQL options (key=value lines), e.g. the credentials;"
          + " --postgres_conf options override its entries.")
  Path file;

  @Override
  public String source() {
    return "postgres";
  }

  @Override
  public String flag() {
    return "--postgres_conf";
  }

  @Override
  public Map<String, String> options() {
    return SourceConfFile.merge(file, "--postgres_conf_file", conf);
  }
}
