package io.changelake.sink.iceberg.rest;

import io.changelake.api.config.Config;
import io.changelake.api.config.ConfigDef;
import io.changelake.api.config.ConfigException;
import io.changelake.api.config.ConfigOption;
import java.util.Map;
import java.util.Optional;

/**
 * Options of the Iceberg REST catalog server ({@code changelake serve}): where it listens and the
 * bearer token clients must present. The token is a secret: give it as {@code @FILE} or
 * {@code ${env:NAME}} (see {@link io.changelake.api.config.ConfigValues}); it is never printed.
 */
public final class RestCatalogConfig {

  public static final ConfigOption<Integer> PORT = ConfigOption.integer("port")
      .defaultValue(8181)
      .check(port -> port >= 0 && port <= 65535, "must be a TCP port from 0 to 65535 (0 picks a free one)")
      .doc("TCP port to listen on; 0 picks a free one.")
      .build();

  public static final ConfigOption<String> BIND = ConfigOption.string("bind")
      .defaultValue("127.0.0.1")
      .doc("Address to listen on: 127.0.0.1 serves this machine only, 0.0.0.0 every interface (set a token then).")
      .build();

  public static final ConfigOption<String> TOKEN = ConfigOption.string("token")
      .secret()
      .doc("Bearer token every request must carry (Authorization: Bearer ...). Without it, no authentication.")
      .build();

  /** Every option of the server. */
  public static final ConfigDef DEFINITION = new ConfigDef("serve")
      .define(PORT)
      .define(BIND)
      .define(TOKEN);

  private final Config config;

  private RestCatalogConfig(Config config) {
    this.config = config;
  }

  /**
   * Parses and validates the options; values may be {@code @FILE} or contain {@code ${env:NAME}}.
   *
   * @throws ConfigException naming the option and the fix
   */
  public static RestCatalogConfig parse(Map<String, String> options) {
    RestCatalogConfig parsed = new RestCatalogConfig(DEFINITION.parse(options));
    if (parsed.token().filter(String::isBlank).isPresent()) {
      throw new ConfigException("The serve option 'token' is empty. Give a non-empty"
          + " token, or leave the option out to serve without authentication.");
    }
    return parsed;
  }

  public int port() {
    return config.get(PORT);
  }

  public String bind() {
    return config.get(BIND);
  }

  /** The bearer token, if clients must authenticate. */
  public Optional<String> token() {
    return Optional.ofNullable(config.get(TOKEN));
  }

  /** The options with the token masked: safe to print. */
  public Map<String, String> masked() {
    return config.masked();
  }

  @Override
  public String toString() {
    return "serve " + masked();
  }
}
