package io.changelake.sink.paimon;

import io.changelake.api.config.ConfigException;
import io.changelake.api.spi.WriteMode;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.paimon.CoreOptions;
import org.apache.paimon.options.ConfigOption;
import org.apache.paimon.options.FallbackKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.paimon.options.Options;

/**
 * The Paimon table options changelake sets, defaults and accepts.
 *
 * <p>Primary-key tables default to {@code bucket=4}: fixed buckets are the mode every Paimon engine
 * can write and compact, a key lookup reads one bucket per partition, and four buckets give readers
 * parallelism without many small files. Everything else is Paimon's default: merge-on-read (readers
 * merge at most {@code num-sorted-run.compaction-trigger} sorted runs per bucket), Parquet with zstd,
 * {@code snapshot.num-retained.min=10}. {@code deletion-vectors.enabled=true} trades about ten times
 * slower commits (a lookup compaction each) for merge-free reads; measured in the module README.
 * Append tables keep Paimon's defaults (unaware-bucket, no key).
 */
final class TableOptions {

  /** Table option recording the table's {@link WriteMode}. */
  static final String MODE = "changelake.mode";
  /** Table option: changelake's primary key (Paimon's may also hold partition columns), comma separated. */
  static final String PRIMARY_KEY = "changelake.primary-key";

  static final String BUCKET = CoreOptions.BUCKET.key();

  private static final Map<String, ConfigOption<?>> KNOWN = known();

  /**
   * Keys of older Paimon versions (and the guide's Performance Tuning) that Paimon 1.4 dropped, with
   * what to use instead: accepted and left out of the table, with a warning, as Paimon 1.x ignores them.
   */
  private static final Map<String, String> RETIRED = Map.of(
      "compaction.max.file-num", "compaction.min.file-num and num-sorted-run.compaction-trigger decide when"
          + " to compact",
      "compaction.early-max.file-num", "use compaction.min.file-num");
  private static final Logger LOG = LoggerFactory.getLogger(TableOptions.class);

  private TableOptions() { }

  /**
   * Dynamic options for a writer in a JVM whose heap is {@code maxHeapBytes}: Paimon's write buffer
   * (256 MiB by default, filled before it spills sorted runs to files) capped at a quarter of the heap,
   * unless the table sets {@code write-buffer-size} itself. A 384 MiB heap ran out of memory with the
   * default buffer when a 4M-row snapshot was committed.
   */
  static Map<String, String> heapBounded(Map<String, String> tableOptions, long maxHeapBytes) {
    String key = CoreOptions.WRITE_BUFFER_SIZE.key();
    long cap = maxHeapBytes / 4;
    if (tableOptions.containsKey(key) || CoreOptions.WRITE_BUFFER_SIZE.defaultValue().getBytes() <= cap) {
      return Map.of();
    }
    return Map.of(key, Long.toString(cap));
  }

  /** Options of a new table in {@code mode}: changelake's defaults, then the user's. */
  static Map<String, String> forNewTable(WriteMode mode, Map<String, String> user) {
    Map<String, String> options = new LinkedHashMap<>();
    if (mode == WriteMode.UPSERT) {
      options.put(BUCKET, "4");
    }
    options.putAll(user);
    options.keySet().removeAll(RETIRED.keySet());
    options.put(MODE, mode.id());
    return options;
  }

  /** Why {@code options} cannot make a {@code mode} table changelake can write, if they cannot. */
  static Optional<String> bucketProblem(WriteMode mode, Map<String, String> options) {
    int bucket = Integer.parseInt(options.getOrDefault(BUCKET, "-1"));
    if (mode == WriteMode.UPSERT && bucket < 1) {
      return Optional.of("bucket=" + bucket + " asks for Paimon's dynamic or postponed buckets, which need a"
          + " bucket assigner that only Paimon's Flink and Spark writers have; set --table-conf bucket=<n> with n >= 1"
          + " or leave it out (default 4)");
    }
    if (mode == WriteMode.APPEND && bucket > 0 && !options.containsKey(CoreOptions.BUCKET_KEY.key())) {
      return Optional.of("bucket=" + bucket + " makes it a bucketed append table, which needs"
          + " --table-conf bucket-key=<columns>; add it, or leave bucket out (append tables default to"
          + " unaware-bucket)");
    }
    return Optional.empty();
  }

  /**
   * Checks one {@code --table-conf} entry.
   *
   * @throws ConfigException when the key is not a Paimon table option, is set by changelake, or its
   *     value does not parse
   */
  static void check(String key, String value) {
    if (key.startsWith("changelake.")) {
      throw new ConfigException(key, value, "is set by changelake itself; choose the mode with --mode");
    }
    if (key.equals(CoreOptions.PRIMARY_KEY.key())) {
      throw new ConfigException(key, value, "the key comes from the source table; use --primary-keys instead");
    }
    if (key.equals(CoreOptions.PARTITION.key())) {
      throw new ConfigException(key, value, "use --table-conf " + PaimonSinkConfig.PARTITION_KEYS + "=" + value
          + " (or --partition_keys) instead");
    }
    if (key.equals(CoreOptions.MERGE_ENGINE.key()) && !"deduplicate".equals(value)) {
      throw new ConfigException(key, value, "changelake's upsert tables keep the latest row per key, which is"
          + " merge-engine=deduplicate; remove the option");
    }
    if (key.equals(CoreOptions.SNAPSHOT_IGNORE_EMPTY_COMMIT.key()) && !"false".equals(value)) {
      throw new ConfigException(key, value, "changelake records the source position in every commit, empty or"
          + " not; remove the option");
    }
    if (RETIRED.containsKey(key)) {
      LOG.warn("Ignoring table option {}={}: Paimon 1.x no longer has it ({})", key, value, RETIRED.get(key));
      return;
    }
    if (key.startsWith("fields.")) {
      return;  // per-column options: fields.<column>.<option>
    }
    ConfigOption<?> option = KNOWN.get(key);
    if (option == null) {
      throw new ConfigException("Unknown paimon table option '" + key + "'." + suggestion(key)
          + " --table-conf takes Paimon 1.4 table options (bucket, compaction.min.file-num,"
          + " snapshot.num-retained.min, ...; see https://paimon.apache.org/docs/1.4/maintenance/configurations/)"
          + " and " + PaimonSinkConfig.PARTITION_KEYS + ". Flink-only options have no effect here.");
    }
    try {
      Options.fromMap(Map.of(key, value)).get(option);
    } catch (RuntimeException e) {
      throw new ConfigException(key, value, "not a valid " + key + " (" + e.getMessage() + ")");
    }
  }

  private static String suggestion(String key) {
    return KNOWN.keySet().stream()
        .min(Comparator.comparingInt(known -> EditDistance.between(key, known)))
        .filter(closest -> EditDistance.between(key, closest) <= Math.max(2, key.length() / 4))
        .map(closest -> " Did you mean '" + closest + "'?")
        .orElse("");
  }

  private static Map<String, ConfigOption<?>> known() {
    Map<String, ConfigOption<?>> known = new TreeMap<>();
    for (ConfigOption<?> option : CoreOptions.getOptions()) {
      known.put(option.key(), option);
      for (FallbackKey fallback : option.fallbackKeys()) {
        known.put(fallback.getKey(), option);
      }
    }
    return known;
  }
}
