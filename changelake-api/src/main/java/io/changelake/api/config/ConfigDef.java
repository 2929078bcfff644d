package io.changelake.api.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * The options a component accepts, plus key prefixes passed through unchecked (e.g.
 * {@code debezium.}). Validates a user's key/value pairs into a {@link Config}.
 */
public final class ConfigDef {
  private final String component;
  private final Map<String, ConfigOption<?>> options = new LinkedHashMap<>();
  private final Map<String, String> passthroughPrefixes = new LinkedHashMap<>();

  public ConfigDef(String component) {
    this.component = component;
  }

  public ConfigDef define(ConfigOption<?> option) {
    if (options.put(option.name(), option) != null) {
      throw new IllegalStateException("Option declared twice: " + option.name());
    }
    return this;
  }

  /** Keys starting with {@code prefix} are accepted as they are; {@code doc} says where they go. */
  public ConfigDef passthrough(String prefix, String doc) {
    passthroughPrefixes.put(prefix, doc);
    return this;
  }

  public String component() {
    return component;
  }

  public List<ConfigOption<?>> options() {
    return List.copyOf(options.values());
  }

  public Map<String, String> passthroughPrefixes() {
    return Collections.unmodifiableMap(passthroughPrefixes);
  }

  /** Names of the declared secret options. */
  public Set<String> secretKeys() {
    Set<String> keys = new TreeSet<>();
    options.values().stream().filter(ConfigOption::secret).forEach(o -> keys.add(o.name()));
    return keys;
  }

  /**
   * Checks every key is known, resolves the values ({@code @FILE}, {@code ${env:NAME}}: see
   * {@link ConfigValues}), then checks every required option is present and every value parses.
   *
   * @throws ConfigException for the first problem, naming the key and the fix
   */
  public Config parse(Map<String, String> values) {
    return parse(values, System::getenv);
  }

  /** {@link #parse(Map)} with {@code environment} in place of the process's environment variables. */
  Config parse(Map<String, String> given, UnaryOperator<String> environment) {
    for (String key : given.keySet()) {
      if (!options.containsKey(key) && passthroughPrefixes.keySet().stream().noneMatch(key::startsWith)) {
        throw new ConfigException(unknownKeyMessage(key));
      }
    }
    Map<String, String> values = ConfigValues.resolve(component, given, environment);
    values.forEach((key, value) -> {
      ConfigOption<?> option = options.get(key);
      if (option != null) {
        option.parse(value);
      }
    });
    for (ConfigOption<?> option : options.values()) {
      if (option.required() && !values.containsKey(option.name())) {
        throw new ConfigException("Missing required " + component + " option '" + option.name() + "': "
            + option.doc());
      }
    }
    return new Config(this, values);
  }

  private String unknownKeyMessage(String key) {
    String closest = null;
    int best = Integer.MAX_VALUE;
    for (String known : options.keySet()) {
      int distance = editDistance(key, known);
      if (distance < best) {
        best = distance;
        closest = known;
      }
    }
    StringBuilder message = new StringBuilder("Unknown ").append(component).append(" option '").append(key).append("'.");
    if (closest != null && best <= Math.max(2, key.length() / 3)) {
      message.append(" Did you mean '").append(closest).append("'?");
    }
    List<String> accepted = new ArrayList<>(options.keySet());
    passthroughPrefixes.keySet().forEach(p -> accepted.add(p + "*"));
    message.append(" Accepted: ").append(String.join(", ", accepted)).append('.');
    return message.toString();
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  /** Help text: one entry per option and passthrough prefix. */
  public String help() {
    StringBuilder out = new StringBuilder();
    for (ConfigOption<?> option : options.values()) {
      out.append(String.format("  %-28s %s%n", option.name(), option.describe()));
    }
    passthroughPrefixes.forEach((prefix, doc) -> out.append(String.format("  %-28s %s%n", prefix + "*", doc)));
    return out.toString();
  }
}
