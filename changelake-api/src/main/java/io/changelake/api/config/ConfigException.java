package io.changelake.api.config;

/** An invalid or missing option. The message names the key, the value given and what is allowed. */
public class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String key, String value, String rule) {
    super("Invalid value '" + value + "' for option '" + key + "': " + rule);
  }
}
