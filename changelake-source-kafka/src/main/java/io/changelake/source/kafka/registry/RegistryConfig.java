package io.changelake.source.kafka.registry;

import io.changelake.api.config.Config;
import io.changelake.api.config.ConfigDef;
import io.changelake.api.config.ConfigException;
import io.changelake.api.config.ConfigOption;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every option of the schema registry client, declared once; the names follow Confluent's
 * ({@code schema.registry.url}, {@code basic.auth.user.info}, {@code bearer.auth.token}) under the
 * {@code schema.registry.} prefix. Component name {@value #COMPONENT}. Immutable; {@link #toString()}
 * never shows a credential.
 */
public final class RegistryConfig {
  public static final String COMPONENT = "schema-registry";

  public static final ConfigOption<String> URL = ConfigOption.string("schema.registry.url")
      .check(RegistryConfig::isHttpUrl, "must be an http:// or https:// URL without credentials in it, e.g."
          + " http://registry:8081 (credentials go in schema.registry.basic.auth.user.info)")
      .doc("Base URL of a registry speaking the Confluent Schema Registry REST API (Confluent, Apicurio's"
          + " /apis/ccompat/v7, Karapace, Redpanda). Required when a key or value format is read through a"
          + " registry.").build();
  public static final ConfigOption<String> BASIC_AUTH = ConfigOption.string("schema.registry.basic.auth.user.info")
      .secret().check(s -> s.indexOf(':') > 0, "must be user:password")
      .doc("HTTP basic credentials user:password for the registry.").build();
  public static final ConfigOption<String> BEARER_TOKEN = ConfigOption.string("schema.registry.bearer.auth.token")
      .secret().doc("Bearer token for the registry (instead of basic credentials).").build();
  public static final ConfigOption<Duration> REQUEST_TIMEOUT = ConfigOption.duration("schema.registry.request.timeout")
      .defaultValue(Duration.ofSeconds(10)).check(d -> d.toMillis() >= 100 && d.toMinutes() <= 5,
          "must be between 100ms and 5m")
      .doc("Time one registry request may take, connecting included.").build();
  public static final ConfigOption<Integer> RETRIES = ConfigOption.integer("schema.registry.retries")
      .defaultValue(3).check(n -> n >= 0 && n <= 10, "must be in [0, 10]")
      .doc("Retries of a registry request that failed to connect or got a 5xx answer, with back-off doubling"
          + " from 200ms; then the registry counts as unreachable.").build();

  /** Every option above, for a source config to declare as its own. */
  public static final List<ConfigOption<?>> OPTIONS = List.of(URL, BASIC_AUTH, BEARER_TOKEN, REQUEST_TIMEOUT, RETRIES);

  public static final ConfigDef DEFINITION = define(new ConfigDef(COMPONENT));

  private final URI url;
  private final String authorization;
  private final Duration requestTimeout;
  private final int retries;

  private RegistryConfig(URI url, String authorization, Duration requestTimeout, int retries) {
    this.url = url;
    this.authorization = authorization;
    this.requestTimeout = requestTimeout;
    this.retries = retries;
  }

  /** Declares {@link #OPTIONS} in {@code definition}; returns it. */
  public static ConfigDef define(ConfigDef definition) {
    OPTIONS.forEach(definition::define);
    return definition;
  }

  /** Validates {@code values} (keys of {@link #DEFINITION}). */
  public static RegistryConfig parse(Map<String, String> values) {
    return from(DEFINITION.parse(values));
  }

  /**
   * The registry settings in {@code config}, which declares this class's options (its own
   * {@link #DEFINITION} or a source config that {@link #define}s them too). Call it only when a format
   * reads through a registry: the URL is required then.
   *
   * @throws ConfigException when the URL is missing or both kinds of credentials are set
   */
  public static RegistryConfig from(Config config) {
    if (!config.contains(URL)) {
      throw new ConfigException("Missing option '" + URL.name() + "': a key or value format ("
          + String.join(", ", RegistryConverters.formats()) + ") reads schemas from a registry. "
          + URL.doc());
    }
    if (config.contains(BASIC_AUTH) && config.contains(BEARER_TOKEN)) {
      throw new ConfigException("Options '" + BASIC_AUTH.name() + "' and '" + BEARER_TOKEN.name()
          + "' are both set: the registry takes one kind of credentials; remove one of them.");
    }
    String authorization = null;
    if (config.contains(BASIC_AUTH)) {
      authorization = "Basic " + Base64.getEncoder()
          .encodeToString(config.get(BASIC_AUTH).getBytes(StandardCharsets.UTF_8));
    } else if (config.contains(BEARER_TOKEN)) {
      authorization = "Bearer " + config.get(BEARER_TOKEN);
    }
    String url = config.get(URL);
    return new RegistryConfig(URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url),
        authorization, config.get(REQUEST_TIMEOUT), config.get(RETRIES));
  }

  private static boolean isHttpUrl(String text) {
    try {
      URI uri = URI.create(text);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
          && uri.getUserInfo() == null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Base URL, without a trailing slash. */
  public URI url() {
    return url;
  }

  /** The value of the {@code Authorization} header, when credentials are set. Never log it. */
  Optional<String> authorization() {
    return Optional.ofNullable(authorization);
  }

  public Duration requestTimeout() {
    return requestTimeout;
  }

  public int retries() {
    return retries;
  }

  @Override
  public String toString() {
    return COMPONENT + "{url=" + url + ", credentials=" + (authorization == null ? "none" : "******")
        + ", requestTimeout=" + requestTimeout + ", retries=" + retries + "}";
  }
}
