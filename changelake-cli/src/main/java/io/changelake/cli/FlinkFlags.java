package io.changelake.cli;

import io.changelake.api.config.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * The Flink job flags that the Flink CDC → Paimon guide adds to an action's command line, taken by
 * the Paimon-style commands for what they mean here: {@code --checkpointing-interval} is the commit
 * interval (a commit is changelake's checkpoint: it holds the source position) and
 * {@code --parallelism} the snapshot connections. Flags with no meaning here are accepted and
 * reported by {@link #notices()}.
 */
final class FlinkFlags {
  private static final String PARALLELISM = "scan.snapshot.parallelism";
  private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
  private static final String STATE_BACKEND_EFFECT = "has no effect: changelake keeps no Flink state; each lake"
      + " commit holds its source position, so the tables are the state.";
  private static final String NETWORK_BUFFERS_EFFECT = "has no effect: changelake runs in one process, with no"
      + " network exchange between tasks.";

  @Option(names = {"-p", "--parallelism"}, paramLabel = "N",
      description = "(Flink) Connections reading the initial snapshot at once: sets the source option " + PARALLELISM
          + " (default 4). Changes stream through one connection (replication slot, binlog).")
  Integer parallelism;

  @Option(names = "--checkpointing-interval", paramLabel = "MS", converter = IntervalConverter.class,
      description = "(Flink) How often changes are committed: milliseconds as in Flink (30000), or 500ms, 30s, 1m."
          + " Each commit is a checkpoint: it holds the source position. Default: 5000.")
  Duration checkpointingInterval;

  @Option(names = "--state-backend", paramLabel = "BACKEND", description = "(Flink) Accepted; "
      + STATE_BACKEND_EFFECT)
  String stateBackend;

  @Option(names = "--network-buffer-count", paramLabel = "N", description = "(Flink) Accepted; "
      + NETWORK_BUFFERS_EFFECT)
  String networkBufferCount;

  /** The commit interval: --checkpointing-interval, or 5 s. */
  Duration commitInterval() {
    return checkpointingInterval == null ? DEFAULT_INTERVAL : checkpointingInterval;
  }

  /**
   * {@code sourceOptions} with --parallelism as the snapshot connections.
   *
   * @param confFlag the flag that gave {@code sourceOptions}, e.g. {@code --postgres_conf}
   * @throws IllegalArgumentException when {@code confFlag} gives a different number
   */
  Map<String, String> applyTo(Map<String, String> sourceOptions, String confFlag) {
    if (parallelism == null) {
      return sourceOptions;
    }
    String given = sourceOptions.get(PARALLELISM);
    if (given != null && !given.equals(parallelism.toString())) {
      throw new IllegalArgumentException("--parallelism " + parallelism + " and " + confFlag + " " + PARALLELISM + "="
          + given + " disagree: both set the snapshot connections; give one of them.");
    }
    Map<String, String> options = new LinkedHashMap<>(sourceOptions);
    options.put(PARALLELISM, parallelism.toString());
    return options;
  }

  /** One line per flag given that has no effect, saying why. */
  List<String> notices() {
    List<String> lines = new ArrayList<>();
    if (stateBackend != null) {
      lines.add("--state-backend " + stateBackend + " " + STATE_BACKEND_EFFECT);
    }
    if (networkBufferCount != null) {
      lines.add("--network-buffer-count " + networkBufferCount + " " + NETWORK_BUFFERS_EFFECT);
    }
    return lines;
  }

  /** Flink's interval: a number of milliseconds, or a duration with its unit. */
  static final class IntervalConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      Duration interval = value.trim().matches("\\d+") ? Duration.ofMillis(Long.parseLong(value.trim()))
          : Durations.parse(value);
      if (interval.isZero()) {
        throw new IllegalArgumentException("must be positive, e.g. 30000 (milliseconds) or 30s");
      }
      return interval;
    }
  }
}
