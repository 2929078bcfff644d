package io.changelake.cli;

import io.changelake.core.config.Durations;
import io.changelake.core.spi.TableFilter;
import io.changelake.core.spi.WriteMode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** The flags sync-table and sync-database share. */
final class SyncOptions {
  static final String DEFAULT_WAREHOUSE = "changelake-warehouse";
  static final int DEFAULT_MAX_PENDING = 200_000;

  @Option(names = "--source", defaultValue = "postgres", description = "Source kind. Default: ${DEFAULT-VALUE}.")
  String source;

  @Option(names = "--source-conf", paramLabel = "KEY=VALUE", mapFallbackValue = "",
      description = "A source option (repeatable), e.g. hostname=db, table-name='a|b'. See the list below.")
  Map<String, String> sourceConf = new LinkedHashMap<>();

  @Option(names = "--warehouse", defaultValue = DEFAULT_WAREHOUSE,
      description = "Warehouse folder (or URI) of the lake tables. Default: ./${DEFAULT-VALUE}.")
  String warehouse;

  @Option(names = "--database", defaultValue = "default",
      description = "Lake database (namespace) the tables go to. Default: ${DEFAULT-VALUE}.")
  String database;

  @Option(names = "--catalog-conf", paramLabel = "KEY=VALUE", description = "An Iceberg catalog property (repeatable).")
  Map<String, String> catalogConf = new LinkedHashMap<>();

  @Option(names = "--table-conf", paramLabel = "KEY=VALUE", description = "A table property for new tables (repeatable).")
  Map<String, String> tableConf = new LinkedHashMap<>();

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
      description = "Commit early once this many changes are pending (bounds memory). Default: ${DEFAULT-VALUE}.")
  int maxPendingChanges;

  SyncRequest toRequest(TableFilter filter, String table) {
    return new SyncRequest(source, sourceConf, filter, warehouse, database, table, catalogConf, tableConf, mode,
        primaryKeys, commitInterval, maxPendingChanges);
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
