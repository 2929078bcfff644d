package io.changelake.source.kafka.registry;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks that a topic's registry subject ({@code <topic>-key} / {@code <topic>-value}, Confluent's
 * TopicNameStrategy) only accepts schema changes that can be read in both directions across every
 * version (FULL_TRANSITIVE). With anything weaker a producer may register a version that older or newer
 * records no longer decode against the table's columns; this is a warning with the fix, not an error.
 */
public final class SubjectCompatibility {
  public static final String REQUIRED = "FULL_TRANSITIVE";
  private static final Logger LOG = LoggerFactory.getLogger(SubjectCompatibility.class);

  private final SchemaRegistryClient registry;

  public SubjectCompatibility(SchemaRegistryClient registry) {
    this.registry = registry;
  }

  /** The subject of a topic's keys ({@code isKey}) or values. */
  public static String subject(String topic, boolean isKey) {
    return topic + (isKey ? "-key" : "-value");
  }

  /**
   * Asks the registry for the compatibility of {@code topic}'s key or value subject and, when it is weaker
   * than {@value #REQUIRED}, logs and returns a warning that says how to fix it.
   *
   * @throws RegistryUnavailableException when the registry cannot be asked
   */
  public Optional<String> check(String topic, boolean isKey) {
    String subject = subject(topic, isKey);
    String level = registry.compatibility(subject);
    if (REQUIRED.equals(level)) {
      return Optional.empty();
    }
    String warning = "Schema registry subject '" + subject + "' has compatibility " + level + ", weaker than "
        + REQUIRED + ": a schema version registered later may not read older records (or the other way round)."
        + " Fix: curl -X PUT -H 'Content-Type: application/vnd.schemaregistry.v1+json' --data"
        + " '{\"compatibility\":\"" + REQUIRED + "\"}' " + registry.url() + "/config/" + subject;
    LOG.warn(warning);
    return Optional.of(warning);
  }
}
