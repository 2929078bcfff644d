package io.changelake.sink.paimon;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableSink;
import io.changelake.api.spi.WriteMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.catalog.CatalogContext;
import org.apache.paimon.catalog.CatalogFactory;
import org.apache.paimon.catalog.Identifier;
import org.apache.paimon.options.Options;
import org.apache.paimon.schema.Schema;
import org.apache.paimon.table.FileStoreTable;
import org.apache.paimon.table.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Paimon tables in one catalog: by default a {@code filesystem} catalog over a local warehouse
 * folder, or any catalog Paimon builds from options ({@code metastore=jdbc|hive|rest}).
 *
 * <p>A table id {@code db.orders} is table {@code orders} in database {@code db}, created when
 * missing. Upsert tables are primary-key tables with fixed buckets; append tables have no key (see
 * {@link TableOptions}). The {@link WriteMode} is recorded in the table option
 * {@link TableOptions#MODE}; partition columns come from {@link PaimonSinkConfig#PARTITION_KEYS}.
 *
 * <pre>{@code
 * try (PaimonSink sink = PaimonSink.create(PaimonSinkConfig.local(Path.of("lake")))) {
 *   SinkTable orders = sink.open(TableId.parse("shop.orders"), schema, WriteMode.UPSERT);
 *   ...
 * }
 * }</pre>
 */
public final class PaimonSink implements TableSink {
  private static final Logger LOG = LoggerFactory.getLogger(PaimonSink.class);

  static {
    // Hadoop warns about native libraries on every start; keep it to errors unless configured
    // (only affects slf4j-simple, which reads per-logger levels from system properties).
    System.getProperties().putIfAbsent("org.slf4j.simpleLogger.log.org.apache.hadoop", "error");
  }

  private final PaimonSinkConfig config;
  private final Catalog catalog;
  /** Tables that keep a write open between commits: {@link #close()} closes those writes. */
  private final Set<PaimonTable> keeping = new LinkedHashSet<>();

  private PaimonSink(PaimonSinkConfig config, Catalog catalog) {
    this.config = config;
    this.catalog = catalog;
  }

  /** Opens the catalog {@code config} describes. */
  public static PaimonSink create(PaimonSinkConfig config) {
    Configuration hadoop = config.hadoopConfiguration();
    try {
      CatalogContext context = CatalogContext.create(Options.fromMap(config.catalogOptions()), hadoop);
      Catalog catalog = CatalogFactory.createCatalog(context);
      LOG.debug("Opened Paimon catalog {}", config.masked());
      return new PaimonSink(config, catalog);
    } catch (RuntimeException e) {
      throw new SinkException("Cannot open Paimon catalog " + config.masked() + ": " + e.getMessage()
          + ". Check --catalog-conf (metastore, uri, warehouse and credentials).", e);
    }
  }

  /** A filesystem catalog over the local folder {@code warehouse}, created when missing. */
  public static PaimonSink local(Path warehouse) {
    return create(PaimonSinkConfig.local(warehouse));
  }

  /** The Paimon catalog, for maintenance and tests. */
  public Catalog catalog() {
    return catalog;
  }

  @Override
  public String format() {
    return PaimonSinkProvider.FORMAT;
  }

  @Override
  public SinkTable open(TableId id, TableSchema schema, WriteMode mode) {
    Identifier identifier = identifier(id);
    Optional<FileStoreTable> existing = load(id, identifier);
    if (existing.isEmpty()) {
      create(id, identifier, schema, mode);
      existing = load(id, identifier);
    }
    FileStoreTable table = existing.orElseThrow(() -> new SinkException("Table " + id + " vanished right after"
        + " it was created; is another process dropping it?"));
    WriteMode recorded = recordedMode(id, table).orElseThrow(() -> new SinkException("Table " + id
        + " was not created by changelake (it has no '" + TableOptions.MODE + "' option), so this pipeline will not"
        + " write to it in " + mode.id() + " mode. Choose another --table, drop it, or set the option to upsert or"
        + " append if you know its rows follow that mode."));
    if (recorded != mode) {
      throw new SinkException("Table " + id + " was created in " + recorded.id() + " mode; this pipeline writes "
          + mode.id() + " mode. A table's mode never changes: to reset, drop the lake table " + id
          + " (its data is rebuilt by a new initial snapshot), or choose another --table.");
    }
    return new PaimonTable(id, catalog, table, recorded, config.tmpDir(), this::keepsWrite);
  }

  private synchronized void keepsWrite(PaimonTable table) {
    keeping.add(table);
  }

  private void create(TableId id, Identifier identifier, TableSchema schema, WriteMode mode) {
    if (mode == WriteMode.UPSERT && !schema.hasPrimaryKey()) {
      throw new SinkException("Table " + id + " has no primary key, so it cannot be an upsert table. Use"
          + " --mode append to record every change as a row, or --primary-keys to name a unique key.");
    }
    List<String> partitionKeys = config.partitionKeys();
    checkPartitionKeys(id, schema, mode, partitionKeys);
    Map<String, String> options = TableOptions.forNewTable(mode, config.tableOptions());
    TableOptions.bucketProblem(mode, options).ifPresent(problem -> {
      throw new SinkException("Cannot create Paimon table " + id + ": " + problem + ".");
    });
    Schema paimonSchema = SchemaMapping.toPaimon(schema, mode, partitionKeys, options);
    try {
      catalog.createDatabase(identifier.getDatabaseName(), true);
      catalog.createTable(identifier, paimonSchema, true);
      LOG.info("Created Paimon table {} ({} mode{})", id, mode.id(),
          partitionKeys.isEmpty() ? "" : ", partitioned by " + partitionKeys);
    } catch (Catalog.DatabaseAlreadyExistException | Catalog.TableAlreadyExistException e) {
      throw new IllegalStateException("unreachable with ignoreIfExists", e);
    } catch (Catalog.DatabaseNotExistException | RuntimeException e) {
      if (load(id, identifier).isPresent()) {
        // two creates at once: the second finds the first's schema file ("Schema in filesystem exists")
        LOG.debug("Table {} was created concurrently; opening it", id);
        return;
      }
      throw new SinkException("Cannot create Paimon table " + id + " from " + schema + ": " + e.getMessage()
          + ". Check the --table-conf options.", e);
    }
  }

  private static void checkPartitionKeys(TableId id, TableSchema schema, WriteMode mode, List<String> keys) {
    for (String key : keys) {
      Column column = schema.column(key).orElseThrow(() -> new SinkException("Partition column '" + key
          + "' is not a column of table " + id + " " + schema.columnNames() + ". Fix --partition_keys"
          + " (--table-conf " + PaimonSinkConfig.PARTITION_KEYS + ")."));
      if (mode == WriteMode.UPSERT && column.nullable()) {
        throw new SinkException("Partition column '" + key + "' of table " + id + " accepts nulls, but the columns"
            + " of a Paimon primary key (which holds the partition columns) cannot. Partition by a NOT NULL column,"
            + " or leave '" + key + "' out of --partition_keys.");
      }
      if (column.type().kind() == DataType.Kind.LIST) {
        throw new SinkException("Partition column '" + key + "' of table " + id + " is a list; partition by a"
            + " scalar column.");
      }
    }
  }

  private static Optional<WriteMode> recordedMode(TableId id, FileStoreTable table) {
    String recorded = table.options().get(TableOptions.MODE);
    if (recorded == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(WriteMode.fromId(recorded));
    } catch (IllegalArgumentException e) {
      throw new SinkException("Table " + id + " records an unknown mode '" + recorded + "' in '"
          + TableOptions.MODE + "'. Set it to upsert or append, or drop the table.", e);
    }
  }

  @Override
  public Optional<SinkTable> find(TableId id) {
    return load(id, identifier(id)).map(table -> {
      WriteMode mode = recordedMode(id, table)
          .orElse(table.primaryKeys().isEmpty() ? WriteMode.APPEND : WriteMode.UPSERT);
      return new PaimonTable(id, catalog, table, mode, config.tmpDir(), this::keepsWrite);
    });
  }

  @Override
  public List<TableId> listTables() {
    List<TableId> tables = new ArrayList<>();
    for (String database : catalog.listDatabases()) {
      try {
        catalog.listTables(database).forEach(name -> tables.add(new TableId(database, name)));
      } catch (Catalog.DatabaseNotExistException e) {
        LOG.debug("Database {} was dropped while listing", database);
      }
    }
    Collections.sort(tables);
    return tables;
  }

  /** Drops the table from the catalog, which deletes its folder (data, manifests, snapshots). */
  @Override
  public synchronized boolean drop(TableId id) {
    Identifier identifier = identifier(id);
    keeping.removeIf(table -> {
      if (table.id().equals(id)) {
        table.releaseWrite();
        return true;
      }
      return false;
    });
    try {
      catalog.dropTable(identifier, false);
      LOG.info("Dropped Paimon table {} with its files", id);
      return true;
    } catch (Catalog.TableNotExistException e) {
      return false;
    } catch (RuntimeException e) {
      throw new SinkException("Dropping Paimon table " + id + " failed: " + e.getMessage()
          + ". Check the catalog's permissions and drop it again.", e);
    }
  }

  @Override
  public synchronized void close() {
    keeping.forEach(PaimonTable::releaseWrite);
    keeping.clear();
    try {
      catalog.close();
    } catch (Exception e) {
      LOG.warn("Closing Paimon catalog {} failed: {}", config.masked(), e.toString());
    }
  }

  private Optional<FileStoreTable> load(TableId id, Identifier identifier) {
    Table table;
    try {
      table = catalog.getTable(identifier);
    } catch (Catalog.TableNotExistException e) {
      return Optional.empty();
    }
    if (!(table instanceof FileStoreTable fileStoreTable)) {
      throw new SinkException("Table " + id + " is a Paimon " + table.getClass().getSimpleName()
          + ", not a primary-key or append table; changelake cannot write it. Choose another --table.");
    }
    return Optional.of(fileStoreTable);
  }

  static Identifier identifier(TableId id) {
    if (id.namespace().isEmpty() || id.namespace().contains(".")) {
      throw new SinkException("Table '" + id + "' needs exactly one database name before the table name, e.g."
          + " --database lakehouse --table " + id.name() + " (Paimon databases have no nested levels).");
    }
    return Identifier.create(id.namespace(), id.name());
  }
}
