package io.changelake.sink.delta;

import io.changelake.api.config.Config;
import io.changelake.api.config.ConfigDef;
import io.changelake.api.config.ConfigException;
import io.changelake.api.config.ConfigOption;
import io.changelake.hadoop.HadoopConf;
import io.changelake.hadoop.S3Options;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * Options of the Delta sink ({@code --catalog-conf key=value}) and the table properties applied
 * when a table is created ({@code --table-conf key=value}).
 *
 * <p>Delta has no catalog here: the warehouse is a folder (or a Hadoop file system URI) and table
 * {@code db.t} lives at {@code <warehouse>/db/t}, which Spark, Trino, DuckDB and Flink open by path.
 * An {@code s3://} warehouse is read and written through Hadoop's S3A with the {@link S3Options};
 * {@code hadoop.*} keys go to the Hadoop configuration without the prefix, after them. Table options must be Delta table properties ({@code delta.*});
 * anything else is refused.
 *
 * <p>Defaults for new tables: column mapping by name (Kernel evolves schemas only with it) and the
 * {@code domainMetadata} writer feature (where each commit records its source position).
 */
public final class DeltaSinkConfig {

  /** Table property recording the table's {@link io.changelake.api.spi.WriteMode}. */
  public static final String MODE_PROPERTY = "changelake.mode";

  static final String COLUMN_MAPPING_MODE = "delta.columnMapping.mode";

  public static final ConfigOption<String> WAREHOUSE = ConfigOption.string("warehouse")
      .required()
      .doc("Warehouse folder or file system URI; table db.t lives at <warehouse>/db/t.")
      .build();

  public static final ConfigOption<Long> TARGET_FILE_SIZE = ConfigOption.longValue("target-file-size")
      .defaultValue(128L * 1024 * 1024)
      .check(size -> size >= 1024 * 1024, "must be at least 1048576 (1 MB)")
      .doc("Size in bytes at which a Parquet data file is closed and the next one started. Smaller files make"
          + " copy-on-write upserts rewrite less.")
      .build();

  public static final ConfigOption<Long> ROW_GROUP_SIZE = ConfigOption.longValue("row-group-size")
      .defaultValue(32L * 1024 * 1024)
      .check(size -> size >= 1024 * 1024, "must be at least 1048576 (1 MB)")
      .doc("Size in bytes of a Parquet row group: what a writer buffers before it writes it, and what a"
          + " copy-on-write rewrite reads at once (it holds one of each). Raise it (e.g. 134217728) for scan-heavy"
          + " readers when the heap allows.")
      .build();

  public static final ConfigOption<String> COMPRESSION = ConfigOption.string("compression")
      .defaultValue("zstd")
      .oneOf("zstd", "snappy", "gzip", "uncompressed")
      .doc("Parquet compression codec of data files.")
      .build();

  public static final ConfigOption<Integer> WRITE_THREADS = ConfigOption.integer("write-threads")
      .defaultValue(1)
      .check(threads -> threads >= 1, "must be at least 1")
      .doc("Threads that write a commit's rows into Parquet files at once, each its own files and row group in"
          + " memory; a further one starts only for a large commit (an initial snapshot) whose rows wait for the"
          + " first. On 2 cores a second cost more GC than it saved (4M-row snapshot: 40 against 37 CPU-seconds);"
          + " raise it where cores are free.")
      .build();

  /** How upserts and deletes remove the rows they replace. */
  public static final ConfigOption<String> DELETE_MODE = ConfigOption.string("delete-mode")
      .defaultValue(DeleteMode.COPY_ON_WRITE.id())
      .oneOf(DeleteMode.COPY_ON_WRITE.id(), DeleteMode.DELETION_VECTORS.id())
      .doc("How a commit removes the old rows of upserted and deleted keys: copy-on-write rewrites every file"
          + " holding one (plain tables every Delta reader reads); deletion-vectors marks their positions in"
          + " deletion vectors (merge-on-read: commits cost a read of the key columns instead of a rewrite;"
          + " turns on delta.enableDeletionVectors, which readers need Delta 2.3+/Trino 420+ for; compact"
          + " applies them).")
      .build();

  /** Every catalog option. */
  public static final ConfigDef DEFINITION = S3Options.declare(new ConfigDef("delta catalog")
      .define(WAREHOUSE)
      .define(TARGET_FILE_SIZE)
      .define(ROW_GROUP_SIZE)
      .define(COMPRESSION)
      .define(DELETE_MODE)
      .define(WRITE_THREADS)
      .passthrough("hadoop.", "Hadoop configuration key without the prefix (file system settings, e.g."
          + " hadoop.fs.s3a.connection.maximum)."));

  /** What {@code --table-conf} accepts. */
  public static final ConfigDef TABLE_DEFINITION = new ConfigDef("delta table")
      .passthrough("delta.", "Delta table property set when a table is created (e.g. delta.logRetentionDuration,"
          + " delta.checkpointInterval, delta.enableTypeWidening).");

  /** Table properties every new table gets unless {@code --table-conf} overrides them. */
  static final Map<String, String> DEFAULT_TABLE_PROPERTIES = Map.of(
      COLUMN_MAPPING_MODE, "name",
      "delta.feature.domainMetadata", "supported");

  private final Config catalog;
  private final Map<String, String> tableProperties;

  private DeltaSinkConfig(Config catalog, Map<String, String> tableProperties) {
    this.catalog = catalog;
    this.tableProperties = tableProperties;
  }

  /**
   * Parses and validates the options.
   *
   * @param catalogConf {@code --catalog-conf} pairs, {@code warehouse} included
   * @param tableConf {@code --table-conf} pairs: Delta table properties applied on create
   * @throws ConfigException naming the key, the value and the fix
   */
  public static DeltaSinkConfig parse(Map<String, String> catalogConf, Map<String, String> tableConf) {
    Config catalog = DEFINITION.parse(catalogConf);
    if (catalog.get(WAREHOUSE).isBlank()) {
      throw new ConfigException(WAREHOUSE.name(), "", "pass --catalog-conf warehouse=/path/to/lake (a folder)");
    }
    TABLE_DEFINITION.parse(tableConf);
    String mapping = tableConf.get(COLUMN_MAPPING_MODE);
    if (mapping != null && !"name".equals(mapping.toLowerCase(Locale.ROOT))) {
      throw new ConfigException(COLUMN_MAPPING_MODE, mapping,
          "changelake needs column mapping 'name' to add and widen columns; remove it or set name");
    }
    Map<String, String> table = new LinkedHashMap<>(DEFAULT_TABLE_PROPERTIES);
    if (DeleteMode.fromId(catalog.get(DELETE_MODE)) == DeleteMode.DELETION_VECTORS) {
      String enabled = tableConf.getOrDefault(DeleteMode.ENABLE_PROPERTY, "true");
      if (!"true".equalsIgnoreCase(enabled)) {
        throw new ConfigException(DeleteMode.ENABLE_PROPERTY, enabled, "delete-mode=deletion-vectors needs it true;"
            + " remove it, or set --catalog-conf delete-mode=copy-on-write");
      }
      table.put(DeleteMode.ENABLE_PROPERTY, "true");
    }
    table.putAll(tableConf);
    return new DeltaSinkConfig(catalog, Collections.unmodifiableMap(table));
  }

  /** A sink over the local folder {@code warehouse}, with optional further options. */
  public static DeltaSinkConfig local(Path warehouse, Map<String, String> catalogConf, Map<String, String> tableConf) {
    Map<String, String> conf = new LinkedHashMap<>(catalogConf);
    conf.putIfAbsent(WAREHOUSE.name(), warehouse.toAbsolutePath().toString());
    return parse(conf, tableConf);
  }

  /** A sink over {@code warehouse} with every default. */
  public static DeltaSinkConfig local(Path warehouse) {
    return local(warehouse, Map.of(), Map.of());
  }

  /** The warehouse folder or URI. */
  public String warehouse() {
    return catalog.get(WAREHOUSE);
  }

  /** Size in bytes at which data files are rolled; compaction merges files under half of it. */
  public long targetFileSize() {
    return catalog.get(TARGET_FILE_SIZE);
  }

  /** The most threads a commit's writer writes Parquet files with at once. */
  public int writeThreads() {
    return catalog.get(WRITE_THREADS);
  }

  /** How writers remove replaced and deleted rows. */
  public DeleteMode deleteMode() {
    return DeleteMode.fromId(catalog.get(DELETE_MODE));
  }

  /** Properties of a table created now: defaults, then {@code --table-conf}. */
  public Map<String, String> tableProperties() {
    return tableProperties;
  }

  /**
   * The Hadoop configuration Kernel's default engine reads and writes with; an S3 warehouse is checked
   * to be reachable with it.
   */
  Configuration hadoopConfiguration() {
    Configuration conf = HadoopConf.create(catalog);
    catalog.withPrefix("hadoop.").forEach(conf::set);
    conf.setLong("delta.kernel.default.parquet.writer.targetMaxFileSize", catalog.get(TARGET_FILE_SIZE));
    conf.setLong("parquet.block.size", catalog.get(ROW_GROUP_SIZE));
    conf.set("parquet.compression", catalog.get(COMPRESSION).toUpperCase(Locale.ROOT));
    HadoopConf.requireReachable(warehouse(), conf);
    return conf;
  }

  @Override
  public String toString() {
    return "delta catalog " + catalog.masked() + ", table properties " + tableProperties;
  }
}
