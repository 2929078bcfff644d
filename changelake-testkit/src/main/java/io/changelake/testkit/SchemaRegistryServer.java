package io.changelake.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test stand-in for a schema registry speaking the Confluent Schema Registry REST API, not a product:
 * it implements only the subset changelake's Kafka source uses, keeps everything in memory, and serves
 * on a free loopback port. Confluent's registry is not on Maven Central and Apicurio's needs a Quarkus
 * build, so tests run against this one.
 *
 * <p>Served: {@code POST /subjects/{subject}/versions} (register; the same text in a subject keeps its
 * id; references only through {@link #register(String, String, String, List)}), {@code GET /schemas/ids/{id}}
 * and {@code GET /subjects/{subject}/versions/{version}} ({@code schema}, {@code schemaType} unless AVRO,
 * {@code references}), {@code GET/PUT /config} and
 * {@code GET/PUT /config/{subject}} ({@code defaultToGlobal=true} honoured). Errors carry Confluent's
 * {@code error_code} (40403 schema, 40402 version, 40408 subject config) and
 * {@code message}. With {@link #requireBasicAuth} every request must carry those credentials (401
 * otherwise). Start one per test class; {@link #close()} stops it.
 */
public final class SchemaRegistryServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern VERSIONS = Pattern.compile("/subjects/([^/]+)/versions");
  private static final Pattern VERSION = Pattern.compile("/subjects/([^/]+)/versions/(\\d+)");
  private static final Pattern SCHEMA_BY_ID = Pattern.compile("/schemas/ids/(\\d+)");
  private static final Pattern SUBJECT_CONFIG = Pattern.compile("/config/([^/]+)");

  /** A schema as registered: its id, text, type (AVRO, JSON, PROTOBUF) and the schemas it references. */
  private record Stored(int id, String schema, String schemaType, List<Reference> references) { }

  /**
   * A schema reference as the Confluent API carries it: the name the schema imports it by (for Protobuf
   * the import path), and the subject and version registered under it.
   */
  public record Reference(String name, String subject, int version) { }

  private final HttpServer server;
  private final AtomicInteger nextId = new AtomicInteger(1);
  private final AtomicInteger requests = new AtomicInteger();
  private final List<Stored> schemas = new ArrayList<>();
  private final Map<String, List<Stored>> subjects = new HashMap<>();
  private final Map<String, String> subjectCompatibility = new HashMap<>();
  private String globalCompatibility = "BACKWARD";
  private String requiredAuthorization;

  private SchemaRegistryServer(HttpServer server) {
    this.server = server;
  }

  /** Starts a registry with no schemas and global compatibility BACKWARD (Confluent's default). */
  public static SchemaRegistryServer start() {
    try {
      HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      SchemaRegistryServer registry = new SchemaRegistryServer(http);
      http.createContext("/", registry::handle);
      http.start();
      return registry;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the test schema registry on loopback", e);
    }
  }

  /** The base URL, e.g. {@code http://127.0.0.1:41234}. */
  public URI url() {
    InetSocketAddress address = server.getAddress();
    return URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort());
  }

  /** From now on, every request must carry HTTP basic credentials {@code user:password}. */
  public synchronized void requireBasicAuth(String user, String password) {
    requiredAuthorization = "Basic " + Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** Requests answered so far (to check a client's cache). */
  public int requestCount() {
    return requests.get();
  }

  /**
   * Registers {@code schema} of {@code schemaType} (AVRO, JSON, PROTOBUF) under {@code subject}, as
   * {@code POST /subjects/{subject}/versions} does, and returns its id.
   */
  public synchronized int register(String subject, String schemaType, String schema) {
    return register(subject, schemaType, schema, List.of());
  }

  /**
   * Registers {@code schema} with the schemas it {@code references} (registered before under their
   * subjects), as {@code POST /subjects/{subject}/versions} with {@code references} does; returns its id.
   */
  public synchronized int register(String subject, String schemaType, String schema, List<Reference> references) {
    List<Stored> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
    for (Stored stored : versions) {
      if (stored.schema().equals(schema) && stored.schemaType().equals(schemaType)
          && stored.references().equals(references)) {
        return stored.id();
      }
    }
    Stored stored = schemas.stream()
        .filter(s -> s.schema().equals(schema) && s.schemaType().equals(schemaType)
            && s.references().equals(references))
        .findFirst()
        .orElseGet(() -> {
          Stored created = new Stored(nextId.getAndIncrement(), schema, schemaType, List.copyOf(references));
          schemas.add(created);
          return created;
        });
    versions.add(stored);
    return stored.id();
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    try (exchange) {
      synchronized (this) {
        if (requiredAuthorization != null
            && !requiredAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
          respond(exchange, 401, error(401, "Unauthorized"));
          return;
        }
        route(exchange);
      }
    } catch (RuntimeException e) {
      respond(exchange, 500, error(50001, String.valueOf(e.getMessage())));
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    String query = Optional.ofNullable(exchange.getRequestURI().getQuery()).orElse("");
    Matcher m;
    if ((m = SCHEMA_BY_ID.matcher(path)).matches() && method.equals("GET")) {
      int id = Integer.parseInt(m.group(1));
      Optional<Stored> stored = schemas.stream().filter(s -> s.id() == id).findFirst();
      if (stored.isEmpty()) {
        respond(exchange, 404, error(40403, "Schema " + id + " not found"));
      } else {
        respond(exchange, 200, describe(stored.get()));
      }
    } else if ((m = VERSION.matcher(path)).matches() && method.equals("GET")) {
      List<Stored> versions = subjects.getOrDefault(decode(m.group(1)), List.of());
      int version = Integer.parseInt(m.group(2));
      if (version < 1 || version > versions.size()) {
        respond(exchange, 404, error(40402, "Version " + version + " not found"));
      } else {
        respond(exchange, 200, describe(versions.get(version - 1)).put("subject", decode(m.group(1)))
            .put("version", version));
      }
    } else if ((m = VERSIONS.matcher(path)).matches() && method.equals("POST")) {
      JsonNode body = JSON.readTree(exchange.getRequestBody());
      String type = body.path("schemaType").asText("AVRO");
      int id = register(decode(m.group(1)), type, body.path("schema").asText());
      respond(exchange, 200, JSON.createObjectNode().put("id", id));
    } else if (path.equals("/config")) {
      if (method.equals("PUT")) {
        globalCompatibility = JSON.readTree(exchange.getRequestBody()).path("compatibility").asText();
        respond(exchange, 200, JSON.createObjectNode().put("compatibility", globalCompatibility));
      } else {
        respond(exchange, 200, JSON.createObjectNode().put("compatibilityLevel", globalCompatibility));
      }
    } else if ((m = SUBJECT_CONFIG.matcher(path)).matches()) {
      String subject = decode(m.group(1));
      if (method.equals("PUT")) {
        String level = JSON.readTree(exchange.getRequestBody()).path("compatibility").asText();
        subjectCompatibility.put(subject, level);
        respond(exchange, 200, JSON.createObjectNode().put("compatibility", level));
      } else if (subjectCompatibility.containsKey(subject)) {
        respond(exchange, 200, JSON.createObjectNode().put("compatibilityLevel", subjectCompatibility.get(subject)));
      } else if (query.contains("defaultToGlobal=true")) {
        respond(exchange, 200, JSON.createObjectNode().put("compatibilityLevel", globalCompatibility));
      } else {
        respond(exchange, 404, error(40408, "Subject '" + subject + "' does not have subject-level compatibility"
            + " configured"));
      }
    } else {
      respond(exchange, 404, error(404, "Not served by this test registry: " + method + " " + path));
    }
  }

  private static ObjectNode describe(Stored stored) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", stored.id());
    if (!stored.schemaType().equals("AVRO")) {
      node.put("schemaType", stored.schemaType());
    }
    var references = node.putArray("references");
    stored.references().forEach(r -> references.addObject().put("name", r.name()).put("subject", r.subject())
        .put("version", r.version()));
    node.put("schema", stored.schema());
    return node;
  }

  private static ObjectNode error(int code, String message) {
    return JSON.createObjectNode().put("error_code", code).put("message", message);
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Stops the server at once; a client then finds the registry unreachable. */
  @Override
  public void close() {
    server.stop(0);
  }
}
