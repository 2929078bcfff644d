package io.changelake.sink.delta;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.changelake.api.spi.CommitMetadata;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link CommitMetadata} as the configuration of the Delta domain {@link #DOMAIN}: a JSON object
 * with the {@link CommitMetadata} keys and {@code changelake.committed-at}. Each pipeline commit
 * writes it in its own commit file, and the table's state keeps the latest.
 */
final class CommitRecord {
  /** The user domain (Delta domain metadata) that pipeline commits write. */
  static final String DOMAIN = "changelake";
  static final String COMMITTED_AT = "changelake.committed-at";

  private static final ObjectMapper JSON = new ObjectMapper();

  private CommitRecord() { }

  static String toJson(CommitMetadata metadata, Instant committedAt) {
    ObjectNode node = JSON.createObjectNode();
    new TreeMap<>(metadata.properties()).forEach(node::put);
    node.put(COMMITTED_AT, committedAt.toString());
    return node.toString();
  }

  /** The recorded keys and values, as a commit's summary shows them. */
  static Map<String, String> properties(String json) {
    Map<String, String> properties = new LinkedHashMap<>();
    try {
      JsonNode node = JSON.readTree(json);
      node.properties().forEach(e -> properties.put(e.getKey(), e.getValue().asText()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("The '" + DOMAIN + "' domain metadata is not JSON: " + json, e);
    }
    return properties;
  }

  static CommitMetadata fromJson(String json) {
    Map<String, String> p = properties(json);
    String committedAt = p.get(COMMITTED_AT);
    return CommitMetadata.fromProperties(p, committedAt == null ? null : Instant.parse(committedAt));
  }
}
