package io.changelake.cli;

import io.changelake.api.spi.TableFilter;
import io.changelake.api.spi.WriteMode;
import io.changelake.engine.maintenance.MaintenanceConfig;
import io.changelake.engine.maintenance.MaintenanceSettings;
import io.changelake.engine.transform.FunctionDialect;
import io.changelake.engine.transform.TypeMapping;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a sync command asks for, whatever flag style it was given in.
 *
 * @param source source identifier, e.g. postgres
 * @param sourceOptions the source's options
 * @param filter extra table selection (sync-database's include/exclude)
 * @param warehouse warehouse folder or URI
 * @param database lake database (namespace) the tables go to
 * @param table lake table name for a single-table sync, or null to keep source names
 * @param catalogOptions catalog properties
 * @param tableProperties properties for new tables
 * @param mode how tables take changes
 * @param primaryKeys key columns replacing the source's, or empty
 * @param commitInterval how often tables are committed
 * @param maxPendingChanges pending changes that trigger an early commit
 * @param formats the table formats every table is written in
 * @param computedColumns {@code name=expression} columns added to every table
 * @param metadataColumns metadata columns added to every table
 * @param functionDialect whose definition the computed columns' functions follow where SQL and Paimon
 *     differ ({@code substring}): {@link FunctionDialect#PAIMON} for the Paimon-style commands,
 *     {@link FunctionDialect#SQL} for changelake's own
 * @param typeMapping lake types other than the default ones for the source columns
 * @param health the metrics endpoint and warning threshold
 * @param maintenance how the tables are maintained between commits ({@code --maintenance-conf})
 */
record SyncRequest(
    String source,
    Map<String, String> sourceOptions,
    TableFilter filter,
    String warehouse,
    String database,
    String table,
    Map<String, String> catalogOptions,
    Map<String, String> tableProperties,
    WriteMode mode,
    List<String> primaryKeys,
    Duration commitInterval,
    int maxPendingChanges,
    List<String> formats,
    List<String> computedColumns,
    List<String> metadataColumns,
    FunctionDialect functionDialect,
    TypeMapping typeMapping,
    HealthSettings health,
    MaintenanceSettings maintenance) {

  SyncRequest {
    sourceOptions = Map.copyOf(sourceOptions);
    catalogOptions = Map.copyOf(catalogOptions);
    tableProperties = Map.copyOf(tableProperties);
    primaryKeys = List.copyOf(primaryKeys);
    formats = List.copyOf(formats);
    computedColumns = List.copyOf(computedColumns);
    metadataColumns = List.copyOf(metadataColumns);
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(maintenance, "maintenance");
  }

  /** A request with the default types, health and maintenance settings. */
  SyncRequest(String source, Map<String, String> sourceOptions, TableFilter filter, String warehouse, String database,
      String table, Map<String, String> catalogOptions, Map<String, String> tableProperties, WriteMode mode,
      List<String> primaryKeys, Duration commitInterval, int maxPendingChanges, List<String> formats,
      List<String> computedColumns, List<String> metadataColumns, FunctionDialect functionDialect) {
    this(source, sourceOptions, filter, warehouse, database, table, catalogOptions, tableProperties, mode, primaryKeys,
        commitInterval, maxPendingChanges, formats, computedColumns, metadataColumns, functionDialect,
        TypeMapping.NONE, HealthSettings.DEFAULT, MaintenanceConfig.parse(Map.of()));
  }

  /** This request with the source columns' types mapped by {@code mapping}. */
  SyncRequest withTypeMapping(TypeMapping mapping) {
    return new SyncRequest(source, sourceOptions, filter, warehouse, database, table, catalogOptions, tableProperties,
        mode, primaryKeys, commitInterval, maxPendingChanges, formats, computedColumns, metadataColumns,
        functionDialect, mapping, health, maintenance);
  }

  /** This request with {@code settings} for its metrics endpoint and warnings. */
  SyncRequest withHealth(HealthSettings settings) {
    return new SyncRequest(source, sourceOptions, filter, warehouse, database, table, catalogOptions, tableProperties,
        mode, primaryKeys, commitInterval, maxPendingChanges, formats, computedColumns, metadataColumns,
        functionDialect, typeMapping, settings, maintenance);
  }

  /** This request with {@code settings} for the maintenance of its tables between commits. */
  SyncRequest withMaintenance(MaintenanceSettings settings) {
    return new SyncRequest(source, sourceOptions, filter, warehouse, database, table, catalogOptions, tableProperties,
        mode, primaryKeys, commitInterval, maxPendingChanges, formats, computedColumns, metadataColumns,
        functionDialect, typeMapping, health, settings);
  }
}
