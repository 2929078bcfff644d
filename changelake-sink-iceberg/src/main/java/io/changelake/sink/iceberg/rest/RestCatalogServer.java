package io.changelake.sink.iceberg.rest;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.exceptions.NotAuthorizedException;
import org.apache.iceberg.rest.RESTSerializers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Iceberg REST catalog (the protocol published by the Iceberg project) over one Iceberg
 * catalog, read-only: engines list namespaces and tables and load a table's metadata, then read
 * its files directly from the warehouse. Every table load reads the catalog afresh, so commits a
 * running sync makes are seen by the next load.
 *
 * <p>When a token is configured every request must carry {@code Authorization: Bearer <token>};
 * others get 401. The token is never logged.
 *
 * <pre>{@code
 * try (RestCatalogServer server = RestCatalogServer.start(sink.catalog(), RestCatalogConfig.parse(Map.of()))) {
 *   // clients connect to server.uri()
 * }
 * }</pre>
 */
public final class RestCatalogServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RestCatalogServer.class);
  private static final int THREADS = 8;

  private final HttpServer http;
  private final ExecutorService executor;
  private final List<Route> routes;
  private final Optional<byte[]> token;
  private final ObjectMapper mapper;

  private RestCatalogServer(HttpServer http, ExecutorService executor, List<Route> routes, Optional<String> token) {
    this.http = http;
    this.executor = executor;
    this.routes = routes;
    this.token = token.map(t -> ("Bearer " + t).getBytes(StandardCharsets.UTF_8));
    this.mapper = mapper();
  }

  /**
   * Starts serving {@code catalog} as {@code config} says.
   *
   * @throws IOException when the address cannot be bound (port in use, unknown address)
   */
  public static RestCatalogServer start(Catalog catalog, RestCatalogConfig config) throws IOException {
    CatalogRoutes routes = new CatalogRoutes(catalog);
    InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(config.bind()), config.port());
    HttpServer http = HttpServer.create(address, 0);
    ExecutorService executor = Executors.newFixedThreadPool(THREADS, r -> {
      Thread thread = new Thread(r, "changelake-serve");
      thread.setDaemon(true);
      return thread;
    });
    RestCatalogServer server = new RestCatalogServer(http, executor, routes.routes(), config.token());
    http.createContext("/", server::handle);
    http.setExecutor(executor);
    http.start();
    if (config.token().isEmpty() && !address.getAddress().isLoopbackAddress()) {
      LOG.warn("Serving {} on {} without a token: anyone who reaches this address can read every table."
          + " Set a token, or bind 127.0.0.1.", catalog.name(), address);
    }
    return server;
  }

  /** The base URI clients use as their {@code uri} property, e.g. {@code http://127.0.0.1:8181}. */
  public URI uri() {
    InetSocketAddress address = http.getAddress();
    String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getAddress().getHostAddress();
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort());
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getRawPath();
    int code;
    Object body;
    try {
      authorize(exchange.getRequestHeaders().getFirst("Authorization"));
      body = route(method, path, exchange.getRequestURI().getRawQuery());
      code = body == null ? 204 : 200;
    } catch (RuntimeException e) {
      code = RestErrors.code(e);
      body = RestErrors.response(e);
      if (code == 500) {
        LOG.warn("{} {} failed", method, path, e);
      }
    }
    LOG.debug("{} {} -> {}", method, path, code);
    try (exchange) {
      byte[] json = body == null || "HEAD".equalsIgnoreCase(method) ? null : mapper.writeValueAsBytes(body);
      if (json != null) {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
      }
      exchange.sendResponseHeaders(code, json == null ? -1 : json.length);
      if (json != null) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(json);
        }
      }
    }
  }

  private void authorize(String authorization) {
    if (token.isPresent() && (authorization == null
        || !MessageDigest.isEqual(token.get(), authorization.getBytes(StandardCharsets.UTF_8)))) {
      throw new NotAuthorizedException("%s", authorization == null
          ? "This catalog needs a bearer token: set the client's token property (Authorization: Bearer ...)"
          : "The bearer token is not this catalog's token");
    }
  }

  private Object route(String method, String path, String rawQuery) {
    List<String> segments = Route.segments(path);
    boolean pathKnown = false;
    for (Route route : routes) {
      Optional<Map<String, String>> variables = route.variables(segments);
      if (variables.isPresent()) {
        pathKnown = true;
        if (route.accepts(method)) {
          return route.handler().answer(variables.get(), query(rawQuery));
        }
      }
    }
    throw new BadRequestException("%s", pathKnown ? "Method " + method + " is not allowed on " + path
        : "No endpoint " + method + " " + path + " in this catalog; GET /v1/config lists its endpoints");
  }

  private static Map<String, String> query(String rawQuery) {
    Map<String, String> query = new LinkedHashMap<>();
    if (rawQuery != null) {
      for (String pair : rawQuery.split("&")) {
        int equals = pair.indexOf('=');
        String key = equals < 0 ? pair : pair.substring(0, equals);
        String value = equals < 0 ? "" : pair.substring(equals + 1);
        query.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
      }
    }
    return query;
  }

  /** JSON as Iceberg's REST classes expect it (the settings of Iceberg's own RESTObjectMapper). */
  private static ObjectMapper mapper() {
    ObjectMapper mapper = new ObjectMapper();
    mapper.setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);
    mapper.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    mapper.configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false);
    mapper.setPropertyNamingStrategy(new PropertyNamingStrategies.KebabCaseStrategy());
    RESTSerializers.registerAll(mapper);
    return mapper;
  }
}
