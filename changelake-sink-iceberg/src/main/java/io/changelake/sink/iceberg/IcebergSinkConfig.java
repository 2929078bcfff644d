package io.changelake.sink.iceberg;

import io.changelake.api.config.Config;
import io.changelake.api.config.ConfigDef;
import io.changelake.api.config.ConfigException;
import io.changelake.api.config.ConfigMasking;
import io.changelake.api.config.ConfigOption;
import io.changelake.api.spi.WriteMode;
import io.changelake.hadoop.HadoopConf;
import io.changelake.hadoop.S3Options;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.TableProperties;

/**
 * Options of the Iceberg catalog ({@code --catalog-conf key=value}) and the table properties
 * applied when a table is created ({@code --table-conf key=value}).
 *
 * <p>The declared options below are checked, the {@link S3Options} among them (an {@code s3://}
 * warehouse is read and written through Hadoop's S3A); every other catalog key is handed to Iceberg as it
 * is ({@code io-impl}, {@code jdbc.user}, {@code header.*}, ...), except a key
 * that is one typo away from a declared option, which is refused with a suggestion. Secret-looking
 * keys are masked whenever the configuration is printed.
 *
 * <p>Defaults: a {@code hadoop} (directory) catalog over the warehouse folder, which Spark, Flink,
 * Trino and DuckDB open without a server; format v2 Parquet tables with zstd, 128 MB files and
 * old metadata files cleaned up after each commit.
 */
public final class IcebergSinkConfig {

  /** Table property recording the table's {@link WriteMode}. */
  public static final String MODE_PROPERTY = "changelake.mode";

  public static final ConfigOption<String> TYPE = ConfigOption.string(CatalogUtil.ICEBERG_CATALOG_TYPE)
      .defaultValue(CatalogUtil.ICEBERG_CATALOG_TYPE_HADOOP)
      .doc("Iceberg catalog type: hadoop (a warehouse folder, no server), jdbc, rest, hive, glue, nessie."
          + " Use catalog-impl instead for another catalog class.")
      .build();

  public static final ConfigOption<String> WAREHOUSE = ConfigOption.string(CatalogProperties.WAREHOUSE_LOCATION)
      .doc("Warehouse location: a folder or URI where table files are written. Required for the hadoop catalog.")
      .build();

  public static final ConfigOption<String> URI = ConfigOption.string(CatalogProperties.URI)
      .doc("Catalog service URI (jdbc:..., http://... for rest, thrift://... for hive).")
      .build();

  public static final ConfigOption<String> NAME = ConfigOption.string("name")
      .defaultValue("changelake")
      .doc("Catalog name, as engines reading the same catalog refer to it.")
      .build();

  public static final ConfigOption<String> CATALOG_IMPL = ConfigOption.string(CatalogProperties.CATALOG_IMPL)
      .doc("Fully qualified Catalog class, for catalogs without a type. Do not combine with type.")
      .build();

  public static final ConfigOption<String> CREDENTIAL = ConfigOption.string("credential")
      .secret()
      .doc("OAuth2 client credential (client_id:client_secret) for a rest catalog.")
      .build();

  public static final ConfigOption<String> TOKEN = ConfigOption.string("token")
      .secret()
      .doc("Bearer token for a rest catalog.")
      .build();

  public static final ConfigOption<String> JDBC_PASSWORD = ConfigOption.string("jdbc.password")
      .secret()
      .doc("Password of a jdbc catalog's database.")
      .build();

  public static final ConfigOption<String> TIME_TYPE = ConfigOption.string("time-type")
      .defaultValue("long")
      .oneOf("long", "time")
      .doc("How new columns store a TIME: long (microseconds of the day, as Delta and Paimon store it; every engine"
          + " reads it) or time (Iceberg's own type, which Spark 3.5 refuses to read: the whole table fails)."
          + " Existing columns keep the type they were created with.")
      .build();

  public static final ConfigOption<String> DELETE_MODE = ConfigOption.string("delete-mode")
      .defaultValue("equality")
      .oneOf("equality", "position")
      .doc("How upserts and deletes remove a key's earlier row: equality (equality deletes on the key: nothing"
          + " kept by the writer, but every reader joins them against older files until `changelake compact`;"
          + " DuckDB cannot apply them) or position (position deletes, found through an index"
          + " of key -> data file and row position that the writer loads from the table's key columns on start and"
          + " keeps in memory, about 30 bytes per row for a bigint key; readers apply them per file, DuckDB too)."
          + " A compaction and a sync commit that touch the same files then conflict: the later one fails and"
          + " is run again. Tables written either way can switch at any time.")
      .build();

  public static final ConfigOption<Integer> WRITE_THREADS = ConfigOption.integer("write-threads")
      .defaultValue(2)
      .check(threads -> threads >= 1, "must be at least 1")
      .doc("Threads that write a commit's inserted rows into Parquet files at once, each its own files and row"
          + " group in memory; a second starts only for a large commit (an initial snapshot) whose rows wait for the"
          + " first. Rows of upserts, and inserts of a delete-mode=position table, are written in order by the"
          + " commit's own thread. 1 writes one file at a time.")
      .build();

  /** Every declared catalog option; other keys pass through to Iceberg. */
  public static final ConfigDef DEFINITION = S3Options.declare(new ConfigDef("iceberg catalog")
      .define(TYPE)
      .define(WAREHOUSE)
      .define(URI)
      .define(NAME)
      .define(CATALOG_IMPL)
      .define(CREDENTIAL)
      .define(TOKEN)
      .define(JDBC_PASSWORD)
      .define(TIME_TYPE)
      .define(DELETE_MODE)
      .define(WRITE_THREADS)
      .passthrough("", "Any other Iceberg catalog property, passed as is (io-impl, jdbc.*, header.*, ...)."));

  /** Table properties every new table gets unless {@code --table-conf} overrides them. */
  static final Map<String, String> DEFAULT_TABLE_PROPERTIES = defaults();

  private final Config catalog;
  private final Map<String, String> tableProperties;

  private IcebergSinkConfig(Config catalog, Map<String, String> tableProperties) {
    this.catalog = catalog;
    this.tableProperties = tableProperties;
  }

  /**
   * Parses and validates the options.
   *
   * @param catalogConf {@code --catalog-conf} pairs
   * @param tableConf {@code --table-conf} pairs: Iceberg table properties applied on create
   * @throws ConfigException naming the key, the value and the fix
   */
  public static IcebergSinkConfig parse(Map<String, String> catalogConf, Map<String, String> tableConf) {
    for (String key : catalogConf.keySet()) {
      rejectNearMiss(key);
    }
    Config catalog = DEFINITION.parse(catalogConf);
    if (catalog.contains(TYPE) && catalog.contains(CATALOG_IMPL)) {
      throw new ConfigException("Iceberg catalog options 'type' and 'catalog-impl' cannot both be set:"
          + " keep type for a built-in catalog or catalog-impl for a custom class.");
    }
    boolean hadoop = !catalog.contains(CATALOG_IMPL)
        && CatalogUtil.ICEBERG_CATALOG_TYPE_HADOOP.equalsIgnoreCase(catalog.get(TYPE));
    if (hadoop && blank(catalog.get(WAREHOUSE))) {
      throw new ConfigException("Missing required iceberg catalog option 'warehouse' for the hadoop catalog:"
          + " pass --catalog-conf warehouse=/path/to/lake (a folder, created if missing).");
    }
    for (Map.Entry<String, String> entry : tableConf.entrySet()) {
      checkTableProperty(entry.getKey(), entry.getValue());
    }
    Map<String, String> table = new LinkedHashMap<>(DEFAULT_TABLE_PROPERTIES);
    table.putAll(tableConf);
    return new IcebergSinkConfig(catalog, Collections.unmodifiableMap(table));
  }

  /**
   * A hadoop catalog over {@code warehouse} (a local folder), with optional further options. The folder is
   * given as a {@code file:} URI, so every location the tables record (metadata, manifest lists, manifests,
   * data files) carries its scheme: Trino's file systems refuse a path without one.
   */
  public static IcebergSinkConfig local(Path warehouse, Map<String, String> catalogConf, Map<String, String> tableConf) {
    Map<String, String> conf = new LinkedHashMap<>(catalogConf);
    conf.putIfAbsent(WAREHOUSE.name(), warehouse.toAbsolutePath().toUri().toString());
    return parse(conf, tableConf);
  }

  /** A hadoop catalog over {@code warehouse} with every default. */
  public static IcebergSinkConfig local(Path warehouse) {
    return local(warehouse, Map.of(), Map.of());
  }

  /** The catalog name. */
  public String catalogName() {
    return catalog.get(NAME);
  }

  /** The properties handed to {@link CatalogUtil#buildIcebergCatalog}. */
  Map<String, String> catalogProperties() {
    Map<String, String> properties = new LinkedHashMap<>(catalog.withPrefix(""));
    properties.remove(NAME.name());
    properties.remove(TIME_TYPE.name());
    properties.remove(DELETE_MODE.name());
    properties.remove(WRITE_THREADS.name());
    if (!properties.containsKey(CATALOG_IMPL.name())) {
      properties.putIfAbsent(TYPE.name(), TYPE.defaultValue());
    }
    return properties;
  }

  /**
   * The Hadoop configuration the catalog's files are read and written with: the {@code s3.*} options as
   * S3A settings; an S3 warehouse is checked to be reachable.
   */
  Configuration hadoopConfiguration() {
    return HadoopConf.forWarehouse(catalog.get(WAREHOUSE), catalog);
  }

  /** How new columns store a TIME. */
  TimeType timeType() {
    return TimeType.parse(catalog.get(TIME_TYPE));
  }

  /** How upserts and deletes remove a key's earlier row. */
  DeleteMode deleteMode() {
    return DeleteMode.parse(catalog.get(DELETE_MODE));
  }

  /** The most threads a commit's writer writes inserted rows with at once. */
  int writeThreads() {
    return catalog.get(WRITE_THREADS);
  }

  /** Properties of a table created now: defaults, then {@code --table-conf}. */
  public Map<String, String> tableProperties() {
    return tableProperties;
  }

  /** The catalog options, secrets masked: safe to print. */
  public Map<String, String> masked() {
    return catalog.masked();
  }

  @Override
  public String toString() {
    return "iceberg catalog " + masked() + ", table properties "
        + ConfigMasking.mask(tableProperties, java.util.Set.of());
  }

  private static void rejectNearMiss(String key) {
    if (DEFINITION.options().stream().anyMatch(o -> o.name().equals(key))) {
      return;
    }
    for (ConfigOption<?> option : DEFINITION.options()) {
      String lower = key.toLowerCase(Locale.ROOT);
      if (lower.equals(option.name()) || (option.name().length() > 3 && closeTo(lower, option.name()))) {
        throw new ConfigException("Unknown iceberg catalog option '" + key + "'. Did you mean '" + option.name()
            + "'? Other keys are passed to Iceberg as they are, so a misspelt option would be ignored.");
      }
    }
  }

  /** Whether {@code a} and {@code b} differ by one edit (substitution, insertion or deletion). */
  private static boolean closeTo(String a, String b) {
    if (Math.abs(a.length() - b.length()) > 1 || a.equals(b)) {
      return false;
    }
    int i = 0;
    while (i < Math.min(a.length(), b.length()) && a.charAt(i) == b.charAt(i)) {
      i++;
    }
    if (a.length() == b.length()) {
      return a.substring(i + 1).equals(b.substring(i + 1));
    }
    return a.length() > b.length() ? a.substring(i + 1).equals(b.substring(i)) : a.substring(i).equals(b.substring(i + 1));
  }

  private static void checkTableProperty(String key, String value) {
    if (key.equals(TableProperties.FORMAT_VERSION) && !"2".equals(value)) {
      throw new ConfigException(key, value, "changelake writes Iceberg format v2 tables for now; remove it or set 2");
    }
    if (key.equals(MODE_PROPERTY) || key.equals(SchemaMapping.KEY_FIELD_IDS) || key.equals(SchemaMapping.TIME_FIELD_IDS)) {
      throw new ConfigException(key, value, "is set by changelake itself; choose the mode with --mode");
    }
    if (key.equals(TableProperties.DEFAULT_FILE_FORMAT) && !"parquet".equalsIgnoreCase(value)) {
      throw new ConfigException(key, value, "changelake writes Parquet data files; remove it or set parquet");
    }
  }

  private static boolean blank(String text) {
    return text == null || text.isBlank();
  }

  private static Map<String, String> defaults() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put(TableProperties.FORMAT_VERSION, "2");
    p.put(TableProperties.DEFAULT_FILE_FORMAT, "parquet");
    p.put(TableProperties.DELETE_DEFAULT_FILE_FORMAT, "parquet");
    p.put(TableProperties.PARQUET_COMPRESSION, "zstd");
    p.put(TableProperties.DELETE_PARQUET_COMPRESSION, "zstd");
    p.put(TableProperties.WRITE_TARGET_FILE_SIZE_BYTES, String.valueOf(128L * 1024 * 1024));
    p.put(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true");
    p.put(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "100");
    // Engines that update these tables themselves (Spark, Flink) should also write deletes, not rewrite files.
    p.put(TableProperties.DELETE_MODE, "merge-on-read");
    p.put(TableProperties.UPDATE_MODE, "merge-on-read");
    p.put(TableProperties.MERGE_MODE, "merge-on-read");
    return Collections.unmodifiableMap(p);
  }
}
