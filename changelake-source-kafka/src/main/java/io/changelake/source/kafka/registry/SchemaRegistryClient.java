package io.changelake.source.kafka.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.changelake.api.spi.SourceException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads schemas and compatibility settings from a registry through the Confluent Schema Registry REST
 * API. Schemas are immutable under their id (and under a subject's version), so each is fetched once
 * and cached for the client's life. Requests time out after {@link RegistryConfig#requestTimeout()}; a failed connection or a 5xx
 * answer is retried {@link RegistryConfig#retries()} times with doubling back-off. Credentials are
 * sent as an {@code Authorization} header and appear in no message. Thread-safe.
 */
public final class SchemaRegistryClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACCEPT = "application/vnd.schemaregistry.v1+json, application/json";
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);

  private final RegistryConfig config;
  private final HttpClient http;
  private final Map<Integer, RegisteredSchema> schemas = new ConcurrentHashMap<>();
  private final Map<String, RegisteredSchema> versions = new ConcurrentHashMap<>();

  public SchemaRegistryClient(RegistryConfig config) {
    this.config = config;
    this.http = HttpClient.newBuilder().connectTimeout(config.requestTimeout()).build();
  }

  public URI url() {
    return config.url();
  }

  /**
   * The schema registered under {@code id}, or empty when the registry has none.
   *
   * @throws RegistryUnavailableException when the registry cannot be reached or refuses the credentials
   */
  public Optional<RegisteredSchema> schema(int id) {
    RegisteredSchema cached = schemas.get(id);
    if (cached != null) {
      return Optional.of(cached);
    }
    Optional<JsonNode> body = get("/schemas/ids/" + id);
    if (body.isEmpty()) {
      return Optional.empty();
    }
    RegisteredSchema schema = parse(id, body.get());
    schemas.put(id, schema);
    return Optional.of(schema);
  }

  /**
   * The schema registered under {@code subject} at {@code version} (a reference's target), or empty when
   * the registry has none.
   *
   * @throws RegistryUnavailableException when the registry cannot be reached or refuses the credentials
   */
  public Optional<RegisteredSchema> schema(String subject, int version) {
    RegisteredSchema cached = versions.get(subject + "/" + version);
    if (cached != null) {
      return Optional.of(cached);
    }
    Optional<JsonNode> body = get("/subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20")
        + "/versions/" + version);
    if (body.isEmpty()) {
      return Optional.empty();
    }
    RegisteredSchema schema = parse(body.get().path("id").asInt(), body.get());
    versions.put(subject + "/" + version, schema);
    return Optional.of(schema);
  }

  private static RegisteredSchema parse(int id, JsonNode body) {
    List<RegisteredSchema.Reference> references = new ArrayList<>();
    body.path("references").forEach(r -> references.add(new RegisteredSchema.Reference(r.path("name").asText(),
        r.path("subject").asText(), r.path("version").asInt())));
    return new RegisteredSchema(id, body.path("schemaType").asText("AVRO"), body.path("schema").asText(), references);
  }

  /**
   * The compatibility level in force for {@code subject}: its own, else the registry's global one
   * (e.g. {@code BACKWARD}, {@code FULL_TRANSITIVE}, {@code NONE}).
   */
  public String compatibility(String subject) {
    Optional<JsonNode> own = get("/config/" + URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20")
        + "?defaultToGlobal=true");
    JsonNode level = own.isPresent() ? own.get() : get("/config").orElseThrow(
        () -> new SourceException("Schema registry at " + url() + " has no global compatibility (GET /config"
            + " answered 404): is " + url() + " a Confluent-compatible registry API?"));
    return level.path(level.has("compatibilityLevel") ? "compatibilityLevel" : "compatibility").asText();
  }

  /** The JSON answer to {@code GET path}, or empty on 404. */
  private Optional<JsonNode> get(String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url() + path)).GET()
        .timeout(config.requestTimeout()).header("Accept", ACCEPT);
    config.authorization().ifPresent(value -> request.header("Authorization", value));
    Duration backoff = FIRST_BACKOFF;
    for (int attempt = 0; ; attempt++) {
      String failure;
      Exception cause = null;
      try {
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        int status = response.statusCode();
        if (status == 200) {
          return Optional.of(json(response.body(), path));
        }
        if (status == 404) {
          return Optional.empty();
        }
        if (status == 401 || status == 403) {
          throw new RegistryUnavailableException("Schema registry at " + url() + " refused the request (HTTP "
              + status + "): set or correct " + RegistryConfig.BASIC_AUTH.name() + " or "
              + RegistryConfig.BEARER_TOKEN.name() + ".", null);
        }
        if (status < 500) {
          throw new SourceException("Schema registry at " + url() + " answered HTTP " + status + " to GET " + path
              + ": " + errorMessage(response.body()));
        }
        failure = "HTTP " + status + " " + errorMessage(response.body());
      } catch (IOException e) {
        failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        cause = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SourceException("Interrupted while asking the schema registry at " + url(), e);
      }
      if (attempt >= config.retries()) {
        throw new RegistryUnavailableException("Schema registry at " + url() + " is unreachable (" + failure
            + ", " + (attempt + 1) + " attempts): check " + RegistryConfig.URL.name()
            + " and that the registry is up.", cause);
      }
      sleep(backoff);
      backoff = backoff.multipliedBy(2);
    }
  }

  private JsonNode json(byte[] body, String path) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new SourceException("Schema registry at " + url() + " answered GET " + path + " with a body that is not"
          + " JSON: is " + RegistryConfig.URL.name() + " the base URL of a Confluent-compatible registry API?", e);
    }
  }

  private static String errorMessage(byte[] body) {
    try {
      return JSON.readTree(body).path("message").asText("");
    } catch (IOException e) {
      return "";
    }
  }

  private void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SourceException("Interrupted while asking the schema registry at " + url(), e);
    }
  }
}
