package io.changelake.source.postgres;

import io.changelake.testkit.PostgresServer;
import java.util.HashMap;
import java.util.Map;

/** Source options for tests against a private PostgreSQL. */
final class SourceConfigs {
  private SourceConfigs() { }

  /**
   * A source reading {@code tables} of {@code pg}'s database through slot {@code slot} (and publication
   * {@code <slot>_pub}); {@code extra} holds more key, value pairs, which win over these.
   */
  static PostgresSourceConfig of(PostgresServer pg, String slot, String tables, String... extra) {
    Map<String, String> values =
        options(pg, "table-name", tables, "slot.name", slot, "publication.name", slot + "_pub");
    values.putAll(options(pg, extra));
    return PostgresSourceConfig.parse(values);
  }

  /** The options that connect to {@code pg}'s database, then {@code extra} key, value pairs, which win over them. */
  static Map<String, String> options(PostgresServer pg, String... extra) {
    Map<String, String> values = new HashMap<>();
    values.put("hostname", pg.host());
    values.put("port", String.valueOf(pg.port()));
    values.put("username", pg.username());
    values.put("password", pg.password());
    values.put("database-name", pg.database());
    for (int i = 0; i < extra.length; i += 2) {
      values.put(extra[i], extra[i + 1]);
    }
    return values;
  }
}
