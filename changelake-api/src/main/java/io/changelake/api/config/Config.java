package io.changelake.api.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Validated option values of one component; typed access through its {@link ConfigDef}'s options. */
public final class Config {
  private final ConfigDef definition;
  private final Map<String, String> values;

  Config(ConfigDef definition, Map<String, String> values) {
    this.definition = definition;
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** The value of {@code option}, or its default. */
  public <T> T get(ConfigOption<T> option) {
    String text = values.get(option.name());
    return text == null ? option.defaultValue() : option.parse(text);
  }

  public boolean contains(ConfigOption<?> option) {
    return values.containsKey(option.name());
  }

  /** The passthrough entries under {@code prefix}, with the prefix removed. */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> result = new LinkedHashMap<>();
    values.forEach((key, value) -> {
      if (key.startsWith(prefix)) {
        result.put(key.substring(prefix.length()), value);
      }
    });
    return result;
  }

  /** All values as given, secrets masked: safe to print. */
  public Map<String, String> masked() {
    return ConfigMasking.mask(values, definition.secretKeys());
  }

  @Override
  public String toString() {
    return definition.component() + masked();
  }
}
