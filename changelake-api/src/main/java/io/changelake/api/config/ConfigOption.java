package io.changelake.api.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * One declared option: name, type, default, allowed values, documentation and whether it is a
 * secret. Declared once in a component's {@code *Config} class; drives help text and error messages.
 *
 * @param <T> the parsed value type
 */
public final class ConfigOption<T> {
  private final String name;
  private final String typeName;
  private final Function<String, T> parser;
  private final T defaultValue;
  private final boolean required;
  private final boolean secret;
  private final List<String> allowed;
  private final String doc;

  private ConfigOption(Builder<T> builder) {
    this.name = builder.name;
    this.typeName = builder.typeName;
    this.parser = builder.parser;
    this.defaultValue = builder.defaultValue;
    this.required = builder.required;
    this.secret = builder.secret;
    this.allowed = List.copyOf(builder.allowed);
    this.doc = Objects.requireNonNull(builder.doc, "doc of " + builder.name);
  }

  public static Builder<String> string(String name) {
    return new Builder<>(name, "string", s -> s);
  }

  public static Builder<Integer> integer(String name) {
    return new Builder<>(name, "int", Integer::valueOf);
  }

  public static Builder<Long> longValue(String name) {
    return new Builder<>(name, "long", Long::valueOf);
  }

  public static Builder<Boolean> bool(String name) {
    return new Builder<>(name, "boolean", ConfigOption::parseBoolean);
  }

  public static Builder<Duration> duration(String name) {
    return new Builder<>(name, "duration", Durations::parse);
  }

  private static Boolean parseBoolean(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      default -> throw new IllegalArgumentException("expected true or false");
    };
  }

  public String name() {
    return name;
  }

  public String typeName() {
    return typeName;
  }

  public T defaultValue() {
    return defaultValue;
  }

  public boolean required() {
    return required;
  }

  public boolean secret() {
    return secret;
  }

  public List<String> allowed() {
    return allowed;
  }

  public String doc() {
    return doc;
  }

  /**
   * Parses and validates {@code text}.
   *
   * @throws ConfigException naming the key, the value (masked if secret) and what is allowed
   */
  public T parse(String text) {
    if (!allowed.isEmpty() && !allowed.contains(text)) {
      throw new ConfigException(name, secret ? ConfigMasking.MASK : text, "must be one of " + allowed);
    }
    try {
      return parser.apply(text);
    } catch (RuntimeException e) {
      String reason = e.getMessage() == null || e instanceof NumberFormatException
          ? "must be a " + typeName : e.getMessage();
      throw new ConfigException(name, secret ? ConfigMasking.MASK : text, reason);
    }
  }

  /** One line for help output: name, type, default and doc. */
  public String describe() {
    StringBuilder line = new StringBuilder(doc);
    if (!allowed.isEmpty()) {
      line.append(" One of: ").append(String.join(", ", allowed)).append('.');
    }
    if (required) {
      line.append(" Required.");
    } else if (defaultValue != null && !"".equals(defaultValue)) {
      line.append(" Default: ").append(defaultValue instanceof Duration d ? Durations.format(d) : defaultValue)
          .append('.');
    }
    if (secret) {
      line.append(" Secret: never printed.");
    }
    return line.toString();
  }

  /** Fluent declaration of an option. */
  public static final class Builder<T> {
    private final String name;
    private final String typeName;
    private Function<String, T> parser;
    private T defaultValue;
    private boolean required;
    private boolean secret;
    private List<String> allowed = List.of();
    private String doc;

    private Builder(String name, String typeName, Function<String, T> parser) {
      this.name = name;
      this.typeName = typeName;
      this.parser = parser;
    }

    public Builder<T> defaultValue(T value) {
      this.defaultValue = value;
      return this;
    }

    public Builder<T> required() {
      this.required = true;
      return this;
    }

    public Builder<T> secret() {
      this.secret = true;
      return this;
    }

    public Builder<T> oneOf(String... values) {
      this.allowed = List.of(values);
      return this;
    }

    /** Adds a check on the parsed value; {@code rule} describes what is allowed, e.g. "must be > 0". */
    public Builder<T> check(java.util.function.Predicate<T> test, String rule) {
      Function<String, T> previous = parser;
      this.parser = text -> {
        T value = previous.apply(text);
        if (!test.test(value)) {
          throw new IllegalArgumentException(rule);
        }
        return value;
      };
      return this;
    }

    public Builder<T> doc(String text) {
      this.doc = text;
      return this;
    }

    public ConfigOption<T> build() {
      return new ConfigOption<>(this);
    }
  }
}
