package io.changelake.sink.paimon;

import io.changelake.api.config.Config;
import io.changelake.api.config.ConfigDef;
import io.changelake.api.config.ConfigException;
import io.changelake.api.config.ConfigMasking;
import io.changelake.api.config.ConfigOption;
import io.changelake.hadoop.HadoopConf;
import io.changelake.hadoop.S3Options;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;

/**
 * Options of the Paimon catalog ({@code --catalog-conf key=value}) and the table options new
 * tables get ({@code --table-conf key=value}).
 *
 * <p>Catalog: the declared options below are checked, the {@link S3Options} among them (an
 * {@code s3://} warehouse is read and written through Hadoop's S3A, Paimon's Hadoop fallback); every
 * other key is handed to Paimon's {@code CatalogFactory} as it is ({@code fs.*}, {@code jdbc.*}, ...). The default is a
 * {@code filesystem} catalog over the warehouse folder, which Flink, Spark, Trino, StarRocks and
 * Doris open without a server. Secret-looking keys are masked whenever the configuration is printed.
 *
 * <p>Tables: every {@code --table-conf} key must be a Paimon 1.4 table option (see
 * {@link TableOptions}) or {@link #PARTITION_KEYS}; anything else is refused, since Paimon would
 * store a misspelt key silently and ignore it.
 */
public final class PaimonSinkConfig {

  /** Table option (changelake's, not Paimon's): comma-separated partition columns of new tables. */
  public static final String PARTITION_KEYS = "partition-keys";

  public static final ConfigOption<String> METASTORE = ConfigOption.string("metastore")
      .defaultValue("filesystem")
      .doc("Paimon catalog type: filesystem (the warehouse folder, no server), jdbc, hive or rest.")
      .build();

  public static final ConfigOption<String> WAREHOUSE = ConfigOption.string("warehouse")
      .doc("Warehouse location: a folder or URI (file:, s3://, hdfs://, oss://) holding the tables.")
      .build();

  public static final ConfigOption<String> URI = ConfigOption.string("uri")
      .doc("Catalog service URI (jdbc:... for jdbc, thrift://... for hive, http://... for rest).")
      .build();

  public static final ConfigOption<String> TOKEN = ConfigOption.string("token")
      .secret()
      .doc("Bearer token for a rest catalog.")
      .build();

  public static final ConfigOption<String> JDBC_PASSWORD = ConfigOption.string("jdbc.password")
      .secret()
      .doc("Password of a jdbc catalog's database.")
      .build();

  public static final ConfigOption<String> TMP_DIR = ConfigOption.string("tmp-dir")
      .defaultValue(System.getProperty("java.io.tmpdir"))
      .doc("Local folder where writers spill sort buffers and build deletion-vector lookups.")
      .build();

  /** Every declared catalog option; other keys pass through to Paimon. */
  public static final ConfigDef DEFINITION = S3Options.declare(new ConfigDef("paimon catalog")
      .define(METASTORE)
      .define(WAREHOUSE)
      .define(URI)
      .define(TOKEN)
      .define(JDBC_PASSWORD)
      .define(TMP_DIR)
      .passthrough("", "Any other Paimon catalog option, passed as is (fs.*, jdbc.*, lock.*, ...)."));

  private final Config catalog;
  private final Map<String, String> tableOptions;
  private final List<String> partitionKeys;

  private PaimonSinkConfig(Config catalog, Map<String, String> tableOptions, List<String> partitionKeys) {
    this.catalog = catalog;
    this.tableOptions = tableOptions;
    this.partitionKeys = partitionKeys;
  }

  /**
   * Parses and validates the options.
   *
   * @param catalogConf {@code --catalog-conf} pairs
   * @param tableConf {@code --table-conf} pairs: Paimon table options of new tables, plus
   *     {@link #PARTITION_KEYS}
   * @throws ConfigException naming the key, the value and the fix
   */
  public static PaimonSinkConfig parse(Map<String, String> catalogConf, Map<String, String> tableConf) {
    Config catalog = DEFINITION.parse(catalogConf);
    if (blank(catalog.get(WAREHOUSE))) {
      throw new ConfigException("Missing required paimon catalog option 'warehouse':"
          + " pass --catalog-conf warehouse=/path/to/lake (a folder, created if missing).");
    }
    Map<String, String> table = new LinkedHashMap<>();
    List<String> partitions = List.of();
    for (Map.Entry<String, String> entry : tableConf.entrySet()) {
      if (entry.getKey().equals(PARTITION_KEYS)) {
        partitions = partitionKeys(entry.getValue());
      } else {
        TableOptions.check(entry.getKey(), entry.getValue());
        table.put(entry.getKey(), entry.getValue());
      }
    }
    return new PaimonSinkConfig(catalog, Collections.unmodifiableMap(table), partitions);
  }

  /** A catalog over {@code warehouse} (a local folder), with optional further options. */
  public static PaimonSinkConfig local(Path warehouse, Map<String, String> catalogConf, Map<String, String> tableConf) {
    Map<String, String> conf = new LinkedHashMap<>(catalogConf);
    conf.putIfAbsent(WAREHOUSE.name(), warehouse.toAbsolutePath().toString());
    return parse(conf, tableConf);
  }

  /** A filesystem catalog over {@code warehouse} with every default. */
  public static PaimonSinkConfig local(Path warehouse) {
    return local(warehouse, Map.of(), Map.of());
  }

  private static List<String> partitionKeys(String text) {
    List<String> keys = Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    if (keys.isEmpty() || Set.copyOf(keys).size() != keys.size()) {
      throw new ConfigException(PARTITION_KEYS, text, "must be distinct column names separated by commas,"
          + " e.g. region,day");
    }
    return keys;
  }

  /** The options handed to Paimon's {@code CatalogFactory}. */
  Map<String, String> catalogOptions() {
    Map<String, String> options = new LinkedHashMap<>(catalog.withPrefix(""));
    options.remove(TMP_DIR.name());
    options.putIfAbsent(METASTORE.name(), METASTORE.defaultValue());
    return options;
  }

  /**
   * The Hadoop configuration of paths no Paimon file system serves (an {@code s3://} warehouse goes to
   * Hadoop's S3A with the {@code s3.*} options); an S3 warehouse is checked to be reachable.
   */
  Configuration hadoopConfiguration() {
    return HadoopConf.forWarehouse(catalog.get(WAREHOUSE), catalog);
  }

  /** Where writers spill to disk. */
  String tmpDir() {
    return catalog.get(TMP_DIR);
  }

  /** The Paimon options given with {@code --table-conf} (before changelake's defaults). */
  public Map<String, String> tableOptions() {
    return tableOptions;
  }

  /** Partition columns of new tables; empty for unpartitioned tables. */
  public List<String> partitionKeys() {
    return partitionKeys;
  }

  /** The catalog options, secrets masked: safe to print. */
  public Map<String, String> masked() {
    return catalog.masked();
  }

  @Override
  public String toString() {
    return "paimon catalog " + masked() + ", table options " + ConfigMasking.mask(tableOptions, Set.of())
        + (partitionKeys.isEmpty() ? "" : ", partitioned by " + partitionKeys);
  }

  private static boolean blank(String text) {
    return text == null || text.isBlank();
  }
}
