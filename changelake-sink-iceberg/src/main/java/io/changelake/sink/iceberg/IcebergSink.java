package io.changelake.sink.iceberg;

import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableSink;
import io.changelake.api.spi.WriteMode;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Iceberg tables in one catalog: by default a {@code HadoopCatalog} over a local warehouse folder
 * (a directory catalog that Spark, Flink, Trino and DuckDB open without a server), or any catalog
 * Iceberg builds from properties ({@code type=jdbc}, {@code rest}, ...).
 *
 * <p>A table id {@code db.orders} is table {@code orders} in namespace {@code db}; the namespace is
 * created when missing. New tables are format v2, unpartitioned, Parquet; the primary key becomes
 * their identifier fields and the {@link WriteMode} is recorded in {@link IcebergSinkConfig#MODE_PROPERTY}.
 *
 * <pre>{@code
 * try (IcebergSink sink = IcebergSink.create(IcebergSinkConfig.local(Path.of("lake")))) {
 *   SinkTable orders = sink.open(TableId.parse("shop.orders"), schema, WriteMode.UPSERT);
 *   ...
 * }
 * }</pre>
 */
public final class IcebergSink implements TableSink {
  private static final Logger LOG = LoggerFactory.getLogger(IcebergSink.class);

  static {
    // Hadoop warns about native libraries and the like on every start; keep it to errors unless the
    // user configured it (only affects slf4j-simple, which reads per-logger levels from properties).
    System.getProperties().putIfAbsent("org.slf4j.simpleLogger.log.org.apache.hadoop", "error");
  }

  private final IcebergSinkConfig config;
  private final Catalog catalog;

  private IcebergSink(IcebergSinkConfig config, Catalog catalog) {
    this.config = config;
    this.catalog = catalog;
  }

  /** Opens the catalog {@code config} describes. */
  public static IcebergSink create(IcebergSinkConfig config) {
    Configuration hadoop = config.hadoopConfiguration();
    Map<String, String> properties = config.catalogProperties();
    try {
      Catalog catalog = CatalogUtil.buildIcebergCatalog(config.catalogName(), properties, hadoop);
      LOG.debug("Opened Iceberg catalog {} {}", config.catalogName(), config.masked());
      return new IcebergSink(config, catalog);
    } catch (RuntimeException e) {
      throw new SinkException("Cannot open Iceberg catalog " + config.masked() + ": " + e.getMessage()
          + ". Check --catalog-conf (type, uri, warehouse and credentials).", e);
    }
  }

  /** A directory catalog over the local folder {@code warehouse}, created when missing. */
  public static IcebergSink local(Path warehouse) {
    return create(IcebergSinkConfig.local(warehouse));
  }

  /** The Iceberg catalog, for maintenance (compaction, snapshot expiry) and tests. */
  public Catalog catalog() {
    return catalog;
  }

  @Override
  public String format() {
    return "iceberg";
  }

  @Override
  public SinkTable open(TableId id, TableSchema schema, WriteMode mode) {
    TableIdentifier identifier = identifier(id);
    Optional<Table> existing = load(identifier);
    if (existing.isPresent()) {
      return existing(id, existing.get(), mode);
    }
    if (mode == WriteMode.UPSERT && !schema.hasPrimaryKey()) {
      throw new SinkException("Table " + id + " has no primary key, so it cannot be an upsert table."
          + " Use --mode append, or declare the key columns.");
    }
    createNamespace(identifier.namespace());
    Schema icebergSchema = SchemaMapping.toIceberg(schema, config.timeType());
    Map<String, String> properties = new LinkedHashMap<>(config.tableProperties());
    properties.put(IcebergSinkConfig.MODE_PROPERTY, mode.id());
    try {
      Transaction create = catalog.newCreateTableTransaction(identifier, icebergSchema,
          PartitionSpec.unpartitioned(), properties);
      Schema created = create.table().schema();
      create.updateProperties()
          .set(SchemaMapping.KEY_FIELD_IDS, SchemaMapping.keyFieldIds(created, schema.primaryKey()))
          .set(SchemaMapping.TIME_FIELD_IDS, SchemaMapping.timeFieldIds(created, Set.of(), SchemaMapping.timeColumns(schema)))
          .commit();
      create.commitTransaction();
      LOG.info("Created Iceberg table {} ({} mode)", id, mode.id());
    } catch (AlreadyExistsException e) {
      LOG.debug("Table {} was created concurrently; opening it", id);
    } catch (CommitFailedException e) {
      // two creates at once: a catalog without an exclusive create (Hadoop's) fails the second commit of version 1
      if (!catalog.tableExists(identifier)) {
        throw new SinkException("Cannot create Iceberg table " + id + ": " + e.getMessage() + ". Another writer"
            + " changed the catalog meanwhile; start again.", e);
      }
      LOG.debug("Table {} was created concurrently; opening it", id);
    } catch (IllegalArgumentException | org.apache.iceberg.exceptions.ValidationException e) {
      // the other create landed between our look and our transaction's start ("table already exists")
      if (!catalog.tableExists(identifier)) {
        throw new SinkException("Cannot create Iceberg table " + id + " from " + schema + ": " + e.getMessage(), e);
      }
      LOG.debug("Table {} was created concurrently; opening it", id);
    }
    return existing(id, catalog.loadTable(identifier), mode);
  }

  private SinkTable existing(TableId id, Table table, WriteMode mode) {
    String recorded = table.properties().get(IcebergSinkConfig.MODE_PROPERTY);
    if (recorded == null) {
      throw new SinkException("Table " + id + " was not created by changelake (it has no '"
          + IcebergSinkConfig.MODE_PROPERTY + "' property), so this pipeline will not write to it in "
          + mode.id() + " mode. Choose another --table, drop it, or set the property to upsert or append"
          + " if you know its rows follow that mode.");
    }
    WriteMode tableMode;
    try {
      tableMode = WriteMode.fromId(recorded);
    } catch (IllegalArgumentException e) {
      throw new SinkException("Table " + id + " records an unknown mode '" + recorded + "' in '"
          + IcebergSinkConfig.MODE_PROPERTY + "'. Set it to upsert or append, or drop the table.", e);
    }
    if (tableMode != mode) {
      throw new SinkException("Table " + id + " was created in " + tableMode.id() + " mode; this pipeline writes "
          + mode.id() + " mode. A table's mode never changes: to reset, drop the lake table " + id
          + " (its data is rebuilt by a new initial snapshot), or choose another --table.");
    }
    return new IcebergTable(id, table, tableMode, config.timeType(), config.deleteMode(), config.writeThreads());
  }

  @Override
  public Optional<SinkTable> find(TableId id) {
    return load(identifier(id)).map(table -> {
      String recorded = table.properties().get(IcebergSinkConfig.MODE_PROPERTY);
      WriteMode mode = recorded != null ? WriteMode.fromId(recorded)
          : table.schema().identifierFieldIds().isEmpty() ? WriteMode.APPEND : WriteMode.UPSERT;
      return new IcebergTable(id, table, mode, config.timeType(), config.deleteMode(), config.writeThreads());
    });
  }

  @Override
  public List<TableId> listTables() {
    List<TableId> tables = new ArrayList<>();
    if (catalog instanceof SupportsNamespaces namespaces) {
      collect(namespaces, Namespace.empty(), tables);
    }
    Collections.sort(tables);
    return tables;
  }

  private void collect(SupportsNamespaces namespaces, Namespace parent, List<TableId> tables) {
    for (Namespace namespace : namespaces.listNamespaces(parent)) {
      for (TableIdentifier table : catalog.listTables(namespace)) {
        tables.add(new TableId(String.join(".", table.namespace().levels()), table.name()));
      }
      collect(namespaces, namespace, tables);
    }
  }

  /** Drops the table from the catalog and purges its data and metadata files. */
  @Override
  public boolean drop(TableId id) {
    TableIdentifier identifier = identifier(id);
    try {
      boolean dropped = catalog.dropTable(identifier, true);
      if (dropped) {
        LOG.info("Dropped Iceberg table {} with its files", id);
      }
      return dropped;
    } catch (RuntimeException e) {
      throw new SinkException("Dropping Iceberg table " + id + " failed: " + e.getMessage()
          + ". Check the catalog's permissions and drop it again.", e);
    }
  }

  @Override
  public void close() {
    if (catalog instanceof Closeable closeable) {
      try {
        closeable.close();
      } catch (IOException e) {
        LOG.warn("Closing Iceberg catalog {} failed: {}", config.catalogName(), e.toString());
      }
    }
  }

  private Optional<Table> load(TableIdentifier identifier) {
    try {
      return Optional.of(catalog.loadTable(identifier));
    } catch (NoSuchTableException e) {
      return Optional.empty();
    }
  }

  private void createNamespace(Namespace namespace) {
    if (catalog instanceof SupportsNamespaces namespaces && !namespaces.namespaceExists(namespace)) {
      try {
        namespaces.createNamespace(namespace);
      } catch (AlreadyExistsException e) {
        LOG.debug("Namespace {} was created concurrently", namespace);
      }
    }
  }

  static TableIdentifier identifier(TableId id) {
    if (id.namespace().isEmpty()) {
      throw new SinkException("Table '" + id + "' needs a database (Iceberg namespace): name it db.table,"
          + " e.g. --table public." + id.name());
    }
    return TableIdentifier.of(Namespace.of(id.namespace().split("\\.")), id.name());
  }
}
