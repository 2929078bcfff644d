package io.changelake.source.kafka.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.changelake.api.config.ConfigException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every registry option's default and parsing, and the cross-option rules. */
class RegistryConfigTest {

  @Test
  void defaults() {
    RegistryConfig config = RegistryConfig.parse(Map.of("schema.registry.url", "http://registry:8081/"));

    assertEquals(URI.create("http://registry:8081"), config.url());
    assertEquals(Optional.empty(), config.authorization());
    assertEquals(Duration.ofSeconds(10), config.requestTimeout());
    assertEquals(3, config.retries());
  }

  @Test
  void everyOption() {
    RegistryConfig config = RegistryConfig.parse(Map.of("schema.registry.url", "https://registry",
        "schema.registry.bearer.auth.token", "t0k3n", "schema.registry.request.timeout", "2s",
        "schema.registry.retries", "0"));

    assertEquals(Optional.of("Bearer t0k3n"), config.authorization());
    assertEquals(Duration.ofSeconds(2), config.requestTimeout());
    assertEquals(0, config.retries());
    assertEquals("schema-registry{url=https://registry, credentials=******, requestTimeout=PT2S, retries=0}",
        config.toString());
  }

  @Test
  void aMissingUrlSaysWhyItIsNeeded() {
    ConfigException e = assertThrows(ConfigException.class, () -> RegistryConfig.parse(Map.of()));

    assertEquals("Missing option 'schema.registry.url': a key or value format (avro, json-schema, protobuf) reads"
        + " schemas from a registry. " + RegistryConfig.URL.doc(), e.getMessage());
  }

  @Test
  void oneKindOfCredentials() {
    ConfigException e = assertThrows(ConfigException.class, () -> RegistryConfig.parse(Map.of(
        "schema.registry.url", "http://r", "schema.registry.bearer.auth.token", "t",
        "schema.registry.basic.auth.user.info", "u:p")));

    assertEquals("Options 'schema.registry.basic.auth.user.info' and 'schema.registry.bearer.auth.token' are both"
        + " set: the registry takes one kind of credentials; remove one of them.", e.getMessage());
  }

  @Test
  void aUrlIsHttpAndHoldsNoCredentials() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> RegistryConfig.parse(Map.of("schema.registry.url", "registry:8081")));

    assertEquals("Invalid value 'registry:8081' for option 'schema.registry.url': must be an http:// or https://"
        + " URL without credentials in it, e.g. http://registry:8081 (credentials go in"
        + " schema.registry.basic.auth.user.info)", e.getMessage());
  }
}
