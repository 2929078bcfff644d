package io.changelake.sink.delta;

import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableSink;
import io.changelake.api.spi.WriteMode;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.defaults.engine.hadoopio.HadoopFileIO;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.ConcurrentWriteException;
import io.delta.kernel.exceptions.TableAlreadyExistsException;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.utils.CloseableIterable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delta tables under one warehouse folder, written with Delta Kernel's default engine: table
 * {@code db.orders} lives at {@code <warehouse>/db/orders}, a plain Delta table that Spark, Trino,
 * DuckDB and Flink open by path.
 *
 * <p>New tables are unpartitioned, with column mapping by name; the primary key and the changelake
 * types are recorded in the columns' metadata (see {@link SchemaMapping}) and the {@link WriteMode}
 * in the table property {@link DeltaSinkConfig#MODE_PROPERTY}.
 *
 * <pre>{@code
 * try (DeltaSink sink = DeltaSink.local(Path.of("lake"))) {
 *   SinkTable orders = sink.open(TableId.parse("shop.orders"), schema, WriteMode.UPSERT);
 * }
 * }</pre>
 */
public final class DeltaSink implements TableSink {
  private static final Logger LOG = LoggerFactory.getLogger(DeltaSink.class);
  static final String FORMAT = "delta";
  /** How commits name their writer in {@code commitInfo.engineInfo}. */
  static final String ENGINE_INFO = "changelake";

  static {
    // Hadoop warns about native libraries on every start; keep it to errors unless configured.
    System.getProperties().putIfAbsent("org.slf4j.simpleLogger.log.org.apache.hadoop", "error");
  }

  private final DeltaSinkConfig config;
  private final Configuration hadoop;
  private final Engine engine;
  private final String warehouse;

  private DeltaSink(DeltaSinkConfig config, Configuration hadoop, Engine engine) {
    this.config = config;
    this.hadoop = hadoop;
    this.engine = engine;
    String root = config.warehouse();
    this.warehouse = stripSlash(root.contains(":") ? root : Path.of(root).toAbsolutePath().toString());
  }

  /** Opens the warehouse {@code config} describes. */
  public static DeltaSink create(DeltaSinkConfig config) {
    Configuration hadoop = config.hadoopConfiguration();
    return new DeltaSink(config, hadoop, DefaultEngine.create(new CalendarFileIO(new HadoopFileIO(hadoop))));
  }

  /** A sink whose reads and writes go through {@code engine} (tests inject failures this way). */
  static DeltaSink create(DeltaSinkConfig config, Engine engine) {
    return new DeltaSink(config, config.hadoopConfiguration(), engine);
  }

  /** A sink over the local folder {@code warehouse}, created when missing. */
  public static DeltaSink local(Path warehouse) {
    return create(DeltaSinkConfig.local(warehouse));
  }

  @Override
  public String format() {
    return FORMAT;
  }

  /** Where table {@code id} lives. */
  public String tablePath(TableId id) {
    if (id.namespace().isEmpty()) {
      throw new SinkException("Table '" + id + "' needs a database (a folder in the warehouse): name it db.table,"
          + " e.g. --table public." + id.name());
    }
    return warehouse + "/" + id.namespace() + "/" + id.name();
  }

  @Override
  public SinkTable open(TableId id, TableSchema schema, WriteMode mode) {
    String path = tablePath(id);
    Optional<Snapshot> existing = load(path);
    if (existing.isPresent()) {
      return existing(id, path, existing.get(), mode);
    }
    if (mode == WriteMode.UPSERT && !schema.hasPrimaryKey()) {
      throw new SinkException("Table " + id + " has no primary key, so it cannot be an upsert table."
          + " Use --mode append, or declare the key columns.");
    }
    Map<String, String> properties = new LinkedHashMap<>(config.tableProperties());
    properties.put(DeltaSinkConfig.MODE_PROPERTY, mode.id());
    try {
      TableManager.buildCreateTableTransaction(path, SchemaMapping.toDelta(schema), ENGINE_INFO)
          .withTableProperties(properties)
          .build(engine)
          .commit(engine, CloseableIterable.emptyIterable());
      LOG.info("Created Delta table {} at {} ({} mode)", id, path, mode.id());
    } catch (TableAlreadyExistsException e) {
      LOG.debug("Table {} was created concurrently; opening it", id);
    } catch (ConcurrentWriteException e) {
      // two creates at once: Kernel refuses the second commit of version 0 as a conflict
      if (load(path).isEmpty()) {
        throw new SinkException("Cannot create Delta table " + id + " at " + path + ": " + e.getMessage()
            + ". Another writer changed the folder meanwhile; start again.", e);
      }
      LOG.debug("Table {} was created concurrently; opening it", id);
    } catch (RuntimeException e) {
      throw new SinkException("Cannot create Delta table " + id + " at " + path + " from " + schema + ": "
          + e.getMessage() + ". Check the --table-conf Delta properties.", e);
    }
    return existing(id, path, load(path).orElseThrow(), mode);
  }

  private SinkTable existing(TableId id, String path, Snapshot snapshot, WriteMode mode) {
    String recorded = snapshot.getTableProperties().get(DeltaSinkConfig.MODE_PROPERTY);
    if (recorded == null) {
      throw new SinkException("Table " + id + " at " + path + " was not created by changelake (it has no '"
          + DeltaSinkConfig.MODE_PROPERTY + "' property), so this pipeline will not write to it in " + mode.id()
          + " mode. Choose another --table, drop it, or set the property to upsert or append"
          + " (ALTER TABLE ... SET TBLPROPERTIES) if you know its rows follow that mode.");
    }
    WriteMode tableMode;
    try {
      tableMode = WriteMode.fromId(recorded);
    } catch (IllegalArgumentException e) {
      throw new SinkException("Table " + id + " records an unknown mode '" + recorded + "' in '"
          + DeltaSinkConfig.MODE_PROPERTY + "'. Set it to upsert or append, or drop the table.", e);
    }
    if (tableMode != mode) {
      throw new SinkException("Table " + id + " was created in " + tableMode.id() + " mode; this pipeline writes "
          + mode.id() + " mode. A table's mode never changes: to reset, drop the lake table " + id + " (delete "
          + path + "; its data is rebuilt by a new initial snapshot), or choose another --table.");
    }
    return new DeltaTable(engine, hadoop, id, path, tableMode, config, snapshot);
  }

  @Override
  public Optional<SinkTable> find(TableId id) {
    String path = tablePath(id);
    return load(path).map(snapshot -> {
      String recorded = snapshot.getTableProperties().get(DeltaSinkConfig.MODE_PROPERTY);
      WriteMode mode = recorded != null ? WriteMode.fromId(recorded)
          : SchemaMapping.toTableSchema(snapshot.getSchema()).hasPrimaryKey() ? WriteMode.UPSERT : WriteMode.APPEND;
      return new DeltaTable(engine, hadoop, id, path, mode, config, snapshot);
    });
  }

  @Override
  public List<TableId> listTables() {
    List<TableId> tables = new ArrayList<>();
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(warehouse);
    try {
      FileSystem fs = root.getFileSystem(hadoop);
      if (!fs.exists(root)) {
        return tables;
      }
      for (FileStatus namespace : fs.listStatus(root)) {
        if (!namespace.isDirectory()) {
          continue;
        }
        for (FileStatus table : fs.listStatus(namespace.getPath())) {
          if (table.isDirectory() && fs.exists(new org.apache.hadoop.fs.Path(table.getPath(), "_delta_log"))) {
            tables.add(new TableId(namespace.getPath().getName(), table.getPath().getName()));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Listing the tables of warehouse " + warehouse + " failed", e);
    }
    Collections.sort(tables);
    return tables;
  }

  /**
   * Deletes the table's folder (log, data and deletion vector files): a Delta table is its folder. Refuses a
   * folder without a Delta log, which is not a table this sink wrote.
   */
  @Override
  public boolean drop(TableId id) {
    String path = tablePath(id);
    org.apache.hadoop.fs.Path folder = new org.apache.hadoop.fs.Path(path);
    try {
      FileSystem fs = folder.getFileSystem(hadoop);
      if (!fs.exists(new org.apache.hadoop.fs.Path(folder, "_delta_log"))) {
        return false;
      }
      if (!fs.delete(folder, true)) {
        throw new IOException("the file system did not delete " + path);
      }
      LOG.info("Dropped Delta table {} (deleted {})", id, path);
      return true;
    } catch (IOException e) {
      throw new SinkException("Dropping Delta table " + id + " failed: " + e.getMessage() + ". Delete the folder "
          + path + " by hand.", e);
    }
  }

  @Override
  public void close() {
    // The default engine holds no open resources between calls.
  }

  private Optional<Snapshot> load(String path) {
    try {
      return Optional.of(TableManager.loadSnapshot(path).build(engine));
    } catch (TableNotFoundException e) {
      return Optional.empty();
    }
  }

  private static String stripSlash(String path) {
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
