package io.changelake.cli;

import io.changelake.api.config.Durations;
import io.changelake.api.spi.TableFilter;
import io.changelake.api.spi.WriteMode;
import io.changelake.engine.maintenance.MaintenanceConfig;
import io.changelake.engine.transform.FunctionDialect;
import io.changelake.engine.transform.TypeMapping;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The flags sync-table and sync-database share. */
final class SyncOptions {
  static final String DEFAULT_WAREHOUSE = "changelake-warehouse";
  static final int DEFAULT_MAX_PENDING = 200_000;
  /** The computed column flag's help, but for substring, which each command style defines its own way. */
  static final String COMPUTED_DOC = "A column computed from the row with a SQL expression (repeatable), e.g."
      + " price_category=CASE WHEN price < 50 THEN 'budget' ELSE 'premium' END; functions: year, month, day, hour,"
      + " minute, second, date_format, substring, truncate, upper, lower, cast. ";
  static final String METADATA_DOC = "A metadata column (repeatable): _op_type, _event_timestamp, table_name,"
      + " database_name, schema_name, op_ts, _source_position.";

  @Option(names = "--source", defaultValue = "postgres", description = "Source kind: postgres, mysql or mariadb;"
      + " each takes the options listed below. Default: ${DEFAULT-VALUE}.")
  String source;

  @Option(names = "--source-conf", paramLabel = "KEY=VALUE", mapFallbackValue = "",
      description = "A source option (repeatable), e.g. hostname=db, table-name='a|b', password=@/run/secrets/pg"
          + " (a file's content), 'password=$${env:PGPASSWORD}' (an environment variable). See the list below.")
  Map<String, String> sourceConf = new LinkedHashMap<>();

  @Option(names = "--source-conf-file", paramLabel = "FILE",
      description = "A properties file of source options (key=value lines), e.g. the credentials;"
          + " --source-conf options override its entries.")
  Path sourceConfFile;

  @Option(names = "--warehouse", defaultValue = DEFAULT_WAREHOUSE,
      description = "Warehouse folder (or URI) of the lake tables. Default: ./${DEFAULT-VALUE}.")
  String warehouse;

  @Option(names = "--database", defaultValue = "default",
      description = "Lake database (namespace) the tables go to. Default: ${DEFAULT-VALUE}.")
  String database;

  @Option(names = "--format", split = ",", paramLabel = "FORMAT", defaultValue = "iceberg",
      description = "Table formats to write, any of iceberg, paimon, delta (comma-separated); with several, each"
          + " gets the folder <warehouse>/<format>. Default: ${DEFAULT-VALUE}.")
  List<String> formats;

  @Option(names = "--catalog-conf", paramLabel = "KEY=VALUE",
      description = "A catalog property (repeatable); <format>:key=value reaches one format only.")
  Map<String, String> catalogConf = new LinkedHashMap<>();

  @Option(names = "--table-conf", paramLabel = "KEY=VALUE",
      description = "A table property for new tables (repeatable); <format>:key=value reaches one format only.")
  Map<String, String> tableConf = new LinkedHashMap<>();

  @Option(names = "--partition-keys", split = ",", paramLabel = "COLUMN",
      description = "Partition columns of new tables (paimon format).")
  List<String> partitionKeys = List.of();

  @Option(names = "--computed-column", paramLabel = "NAME=EXPRESSION", description = COMPUTED_DOC
      + "substring(s, start[, length]) is SQL's: 1-based start, then a length, clipped to the string.")
  List<String> computedColumns = List.of();

  @Option(names = "--metadata-column", paramLabel = "NAME", description = METADATA_DOC)
  List<String> metadataColumns = List.of();

  @Option(names = "--mode", defaultValue = "upsert", converter = ModeConverter.class,
      description = "upsert: the latest row per key; append: every change as a row with _change_op,"
          + " _change_time and _change_position. Default: ${DEFAULT-VALUE}.")
  WriteMode mode;

  @Option(names = "--primary-keys", split = ",", paramLabel = "COLUMN",
      description = "Key columns to use instead of the source's primary key (comma-separated).")
  List<String> primaryKeys = List.of();

  @Option(names = "--commit-interval", defaultValue = "5s", converter = DurationConverter.class,
      description = "How often changes are committed (e.g. 500ms, 5s, 1m). Default: ${DEFAULT-VALUE}.")
  Duration commitInterval;

  @Option(names = "--max-pending-changes", defaultValue = "" + DEFAULT_MAX_PENDING,
      description = "Commit early once this many changes are pending, counting those of a commit still being written"
          + " (bounds memory). Default: ${DEFAULT-VALUE}.")
  int maxPendingChanges;

  @Option(names = "--type-mapping", paramLabel = "NAMES", description = TypeMapping.DOC)
  String typeMapping = "";

  @Option(names = "--maintenance-conf", paramLabel = "KEY=VALUE",
      description = "A maintenance option (repeatable): enabled, interval, snapshot-retention, retain-last,"
          + " orphan-age, compact.delete-percent, compact.files (see the README). Default: hourly, 7d, 10, 1d.")
  Map<String, String> maintenanceConf = new LinkedHashMap<>();

  @Mixin
  HealthOptions health = new HealthOptions();

  SyncRequest toRequest(TableFilter filter, String table) {
    return new SyncRequest(source, sourceOptions(), filter, warehouse, database, table, catalogConf,
        LakeFormats.withPartitionKeys(tableConf, partitionKeys), mode, primaryKeys, commitInterval, maxPendingChanges,
        formats, computedColumns, metadataColumns, FunctionDialect.SQL).withTypeMapping(TypeMapping.parse(typeMapping))
        .withHealth(health.settings()).withMaintenance(MaintenanceConfig.parse(maintenanceConf));
  }

  /** The source options: --source-conf-file's entries, overridden by --source-conf. */
  Map<String, String> sourceOptions() {
    return SourceConfFile.merge(sourceConfFile, "--source-conf-file", sourceConf);
  }

  static final class ModeConverter implements ITypeConverter<WriteMode> {
    @Override
    public WriteMode convert(String value) {
      return WriteMode.fromId(value);
    }
  }

  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return Durations.parse(value);
    }
  }
}
