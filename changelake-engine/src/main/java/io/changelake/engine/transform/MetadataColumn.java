package io.changelake.engine.transform;

import io.changelake.api.config.ConfigException;
import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.DataType;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * A column that records something about the change rather than the row (Paimon's
 * {@code --metadata_column}). Timestamps are the source's commit time, as
 * {@link io.changelake.engine.mirror.ChangeLog}'s {@code _change_time} records it.
 */
public enum MetadataColumn {
  /**
   * What happened: {@code INSERT}, {@code UPDATE}, {@code DELETE}, or {@code SNAPSHOT} for a row read
   * by the initial snapshot. Paimon records these as row kinds: {@code +I} (insert and snapshot
   * rows), {@code -U}/{@code +U} (the before and after image of an update) and {@code -D} (delete).
   */
  OP_TYPE("_op_type", DataType.STRING, (event, context) -> event.operation().name()),
  /** When the source committed the change. */
  EVENT_TIMESTAMP("_event_timestamp", DataType.TIMESTAMPTZ, (event, context) -> commitTime(event)),
  /** The source table's name. */
  TABLE_NAME("table_name", DataType.STRING, (event, context) -> event.table().name()),
  /** The source database, from the {@link TransformContext}. */
  DATABASE_NAME("database_name", DataType.STRING, (event, context) -> context.databaseName()),
  /** The source table's namespace (PostgreSQL schema); null when it has none. */
  SCHEMA_NAME("schema_name", DataType.STRING,
      (event, context) -> event.table().namespace().isEmpty() ? null : event.table().namespace()),
  /**
   * Paimon's name for the source commit time. Paimon writes 0 for snapshot rows; changelake writes
   * the time the source gives them.
   */
  OP_TS("op_ts", DataType.TIMESTAMPTZ, (event, context) -> commitTime(event)),
  /** The change's source position in the source's notation ({@code SourcePosition#describe()}). */
  SOURCE_POSITION("_source_position", DataType.STRING, (event, context) -> event.position().describe());

  private final String columnName;
  private final DataType type;
  private final BiFunction<ChangeEvent, TransformContext, Object> value;

  MetadataColumn(String columnName, DataType type, BiFunction<ChangeEvent, TransformContext, Object> value) {
    this.columnName = columnName;
    this.type = type;
    this.value = value;
  }

  /**
   * The metadata column called {@code name} (any case).
   *
   * @throws ConfigException naming the valid names when there is none
   */
  public static MetadataColumn named(String name) {
    for (MetadataColumn column : values()) {
      if (column.columnName.equalsIgnoreCase(name.trim())) {
        return column;
      }
    }
    throw new ConfigException(ColumnTransforms.METADATA_COLUMN, name, "must be one of "
        + Arrays.stream(values()).map(MetadataColumn::columnName).collect(Collectors.joining(", ")));
  }

  /** The column's name in the lake table. */
  public String columnName() {
    return columnName;
  }

  public DataType type() {
    return type;
  }

  /** The value for a row of {@code event}: null or an instance of {@link #type()}'s value class. */
  public Object valueOf(ChangeEvent event, TransformContext context) {
    return value.apply(event, context);
  }

  private static OffsetDateTime commitTime(ChangeEvent event) {
    return event.sourceTime().atOffset(ZoneOffset.UTC);
  }
}
