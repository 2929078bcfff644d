package io.changelake.source.mysql;

import io.changelake.testkit.MariaDbServer;
import java.util.LinkedHashMap;
import java.util.Map;

/** Source options for a test server, as the test kit's replication user. */
final class SourceConfigs {
  private SourceConfigs() { }

  /**
   * The options reading {@code tables} (a {@code table-name} pattern) of {@code database} on {@code db}.
   *
   * @param extra further {@code key=value} options, which win over the defaults
   */
  static MysqlSourceConfig of(MariaDbServer db, String database, String tables, String... extra) {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("hostname", db.host());
    options.put("port", String.valueOf(db.port()));
    options.put("username", MariaDbServer.REPLICATOR);
    options.put("password", MariaDbServer.REPLICATOR_PASSWORD);
    options.put("database-name", database);
    options.put("table-name", tables);
    for (String kv : extra) {
      options.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
    }
    return MysqlSourceConfig.parse(options);
  }
}
