package io.changelake.sink.iceberg.rest;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.rest.Endpoint;

/**
 * One endpoint of the REST catalog protocol and what answers it. The path template is Iceberg's
 * ({@link Endpoint#path()}); this server has no {@code {prefix}}, so that segment is left out.
 */
record Route(Endpoint endpoint, Handler handler) {

  /** Answers a request that matched the route. */
  @FunctionalInterface
  interface Handler {
    /**
     * @param variables the path's {@code {name}} segments, still URL-encoded
     * @param query the decoded query parameters
     * @return the response body, or null for 204 No Content
     */
    Object answer(Map<String, String> variables, Map<String, String> query);
  }

  boolean accepts(String method) {
    return endpoint.httpMethod().equalsIgnoreCase(method);
  }

  /** The path variables when the raw {@code segments} match this route's path, whatever the method. */
  Optional<Map<String, String>> variables(List<String> segments) {
    List<String> template = segments(path(endpoint));
    if (template.size() != segments.size()) {
      return Optional.empty();
    }
    Map<String, String> variables = new LinkedHashMap<>();
    for (int i = 0; i < template.size(); i++) {
      String part = template.get(i);
      if (part.startsWith("{") && part.endsWith("}")) {
        variables.put(part.substring(1, part.length() - 1), segments.get(i));
      } else if (!part.equals(segments.get(i))) {
        return Optional.empty();
      }
    }
    return Optional.of(variables);
  }

  /** The method and path template of {@code endpoint} as this server has them, e.g. {@code POST /v1/namespaces}. */
  static String describe(Endpoint endpoint) {
    return endpoint.httpMethod() + " " + path(endpoint);
  }

  private static String path(Endpoint endpoint) {
    return endpoint.path().replace("/{prefix}", "");
  }

  /** The non-empty segments of a path. */
  static List<String> segments(String path) {
    return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
  }
}
