package io.changelake.cli;

import io.changelake.query.QueryEngine;
import io.changelake.query.QueryResult;
import java.util.HashMap;
import java.util.Map;

/**
 * The statements of one {@code changelake query} run, over one warehouse at a time: {@code --warehouse}, until
 * {@code USE CATALOG} chooses one that {@code CREATE CATALOG} declared (as Flink's SQL client sessions do). A
 * warehouse is opened when a statement first needs it.
 */
final class QuerySession implements AutoCloseable {
  private final Map<String, CatalogStatement> catalogs = new HashMap<>();
  private final Map<String, String> catalogConf;
  private CatalogStatement current;
  private String database;
  private OpenWarehouse lakes;
  private QueryEngine engine;

  /** A session over {@code warehouse} ({@code format} null for every format) starting in {@code database}. */
  QuerySession(String warehouse, String format, Map<String, String> catalogConf, String database) {
    this.current = new CatalogStatement(true, "warehouse", warehouse, format);
    this.catalogConf = Map.copyOf(catalogConf);
    this.database = database;
  }

  /** Runs one statement. */
  QueryResult execute(String statement) {
    CatalogStatement catalog = CatalogStatement.parse(statement);
    if (catalog == null) {
      return engine().execute(statement);
    }
    if (catalog.create()) {
      catalogs.put(catalog.name(), catalog);
    } else {
      CatalogStatement chosen = catalogs.get(catalog.name());
      if (chosen == null) {
        throw new IllegalArgumentException("No catalog " + catalog.name() + ": declare it first with CREATE CATALOG "
            + catalog.name() + " WITH ('type' = 'paimon', 'warehouse' = '<folder>')");
      }
      closeWarehouse();
      current = chosen;
      database = null;
    }
    return QueryResult.none();
  }

  /** The current database, or null when none is chosen (or the warehouse is not open yet). */
  String database() {
    return engine == null ? database : engine.database();
  }

  private QueryEngine engine() {
    if (engine == null) {
      lakes = WarehouseOptions.open(current.warehouse(), current.format(), catalogConf);
      engine = new QueryEngine(lakes.formats().stream().map(LakeFormats.Opened::sink).toList());
      if (database != null) {
        engine.execute("USE `" + database + "`").close();
      }
    }
    return engine;
  }

  private void closeWarehouse() {
    if (engine != null) {
      engine.close();
      lakes.close();
      engine = null;
      lakes = null;
    }
  }

  @Override
  public void close() {
    closeWarehouse();
  }
}
