package io.changelake.source.kafka.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.config.ConfigException;
import io.changelake.testkit.SchemaRegistryServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The registry client against the test registry: credentials, an unreachable registry, compatibility. */
class SchemaRegistryClientTest {
  private static final String PASSWORD = "s3cr3t-Pa55";
  private static SchemaRegistryServer server;

  @BeforeAll
  static void startRegistry() {
    server = SchemaRegistryServer.start();
    server.requireBasicAuth("lake", PASSWORD);
  }

  @AfterAll
  static void stopRegistry() {
    server.close();
  }

  @Test
  void readsASchemaByIdWithBasicCredentials() {
    int id = server.register("users-value", "JSON", "{\"type\":\"string\"}");

    Optional<RegisteredSchema> schema = client("lake:" + PASSWORD).schema(id);

    assertEquals(Optional.of(new RegisteredSchema(id, "JSON", "{\"type\":\"string\"}", List.of())), schema);
    assertEquals(Optional.empty(), client("lake:" + PASSWORD).schema(424242));
  }

  @Test
  void refusedCredentialsAreNamedButNeverShown() {
    RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class,
        () -> client("lake:wrong-" + PASSWORD).schema(1));

    assertEquals("Schema registry at " + server.url() + " refused the request (HTTP 401): set or correct"
        + " schema.registry.basic.auth.user.info or schema.registry.bearer.auth.token.", e.getMessage());
    RegistryConfig config = RegistryConfig.parse(Map.of("schema.registry.url", server.url().toString(),
        "schema.registry.basic.auth.user.info", "lake:" + PASSWORD));
    assertFalse(config.toString().contains(PASSWORD), config.toString());
    ConfigException invalid = assertThrows(ConfigException.class, () -> RegistryConfig.parse(Map.of(
        "schema.registry.url", server.url().toString(), "schema.registry.basic.auth.user.info", PASSWORD)));
    assertFalse(invalid.getMessage().contains(PASSWORD), invalid.getMessage());
  }

  @Test
  void aRegistryThatIsDownIsUnreachableAfterTheRetries() {
    SchemaRegistryServer stopped = SchemaRegistryServer.start();
    URI url = stopped.url();
    stopped.close();
    SchemaRegistryClient client = new SchemaRegistryClient(RegistryConfig.parse(Map.of(
        "schema.registry.url", url.toString(), "schema.registry.retries", "1",
        "schema.registry.request.timeout", "2s")));

    RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class, () -> client.schema(1));

    assertTrue(e.getMessage().startsWith("Schema registry at " + url + " is unreachable (ConnectException"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith(", 2 attempts): check schema.registry.url and that the registry is up."),
        e.getMessage());
  }

  @Test
  void aSubjectWeakerThanFullTransitiveIsAWarningWithTheFixAndTheFixWorks() throws Exception {
    SubjectCompatibility compatibility = new SubjectCompatibility(client("lake:" + PASSWORD));

    Optional<String> warning = compatibility.check("orders", false);

    String fix = "curl -X PUT -H 'Content-Type: application/vnd.schemaregistry.v1+json' --data"
        + " '{\"compatibility\":\"FULL_TRANSITIVE\"}' " + server.url() + "/config/orders-value";
    assertEquals(Optional.of("Schema registry subject 'orders-value' has compatibility BACKWARD, weaker than"
        + " FULL_TRANSITIVE: a schema version registered later may not read older records (or the other way"
        + " round). Fix: " + fix), warning);

    put(server.url() + "/config/orders-value", "{\"compatibility\":\"FULL_TRANSITIVE\"}");
    assertEquals(Optional.empty(), compatibility.check("orders", false));
    assertTrue(compatibility.check("orders", true).orElseThrow().startsWith(
        "Schema registry subject 'orders-key' has compatibility BACKWARD"));
  }

  @Test
  void aSubjectWithoutItsOwnLevelFollowsTheGlobalOne() throws Exception {
    SchemaRegistryClient client = client("lake:" + PASSWORD);
    assertEquals("BACKWARD", client.compatibility("fresh-value"));

    put(server.url() + "/config/pinned-value", "{\"compatibility\":\"NONE\"}");

    assertEquals("NONE", client.compatibility("pinned-value"));
    assertEquals("BACKWARD", client.compatibility("fresh-value"));
  }

  private static SchemaRegistryClient client(String userInfo) {
    return new SchemaRegistryClient(RegistryConfig.parse(Map.of("schema.registry.url", server.url().toString(),
        "schema.registry.basic.auth.user.info", userInfo)));
  }

  private static void put(String url, String body) throws IOException, InterruptedException {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("lake:" + PASSWORD)
            .getBytes(StandardCharsets.UTF_8)))
        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
        .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
  }
}
