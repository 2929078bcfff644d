package io.changelake.api.spi;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A figure a source reports about its capture for the pipeline, e.g. the WAL a replication slot retains;
 * runtimes publish it as a gauge ({@code changelake_source_<name>}) and show it in the status.
 *
 * @param name lower-case words joined by '_', ending in the unit where there is one ({@code _bytes},
 *     {@code _seconds}); no secret, no host name
 * @param description what it measures, one sentence
 * @param value the figure now
 */
public record SourceMetric(String name, String description, double value) {
  /**
   * The bytes the source keeps for the pipeline until they are acknowledged (PostgreSQL: the WAL its
   * replication slot retains). Runtimes warn when it passes a threshold, and when a suspended table holds it.
   */
  public static final String RETAINED_BYTES = "retained_bytes";

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");

  public SourceMetric {
    Objects.requireNonNull(description, "description");
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("A source metric name is lower-case words joined by '_', not " + name);
    }
  }
}
