package io.changelake.source.postgres;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.debezium.ConnectValues;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes Debezium PostgreSQL records into {@link ChangeEvent}s and {@link PostgresPosition}s, once.
 *
 * <p>Not thread-safe: used from the engine's thread only. Values follow the {@link DataType}
 * contract; Debezium's TOAST placeholder becomes {@link Row#UNAVAILABLE}; a numeric {@code NaN} in a
 * DECIMAL column becomes null with a warning naming table, column and key.
 */
final class PostgresRecordDecoder {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresRecordDecoder.class);

  static final String PLACEHOLDER = ConnectValues.UNAVAILABLE_PLACEHOLDER;
  private static final String TYPE_PARAM = "__debezium.source.column.type";
  private static final String LENGTH_PARAM = "__debezium.source.column.length";
  private static final String SCALE_PARAM = "__debezium.source.column.scale";

  private final Map<TableId, List<String>> knownKeys;
  private final long epoch;
  private final Map<Schema, TableSchema> schemaCache = new IdentityHashMap<>();
  private final Map<TableId, TableSchema> latestSchema = new HashMap<>();
  private long snapshotOrdinal;
  private long floor;
  private long lastMajor = -1;
  private long lastMinor = -1;
  private long lastSub;
  private Map<String, ?> previousOffset;

  /**
   * @param knownKeys primary keys from discovery, used when a record's columns still contain them
   * @param epoch orders this run's snapshot after any earlier one; e.g. the start time in millis
   * @param floor where the stream starts: it stands in for the last commit LSN until the stream sees one, and no
   *     change follows a commit before it (0 when unknown)
   */
  PostgresRecordDecoder(Map<TableId, List<String>> knownKeys, long epoch, long floor) {
    this.knownKeys = knownKeys;
    this.epoch = epoch;
    this.floor = floor;
  }

  /** Whether the record is a row change (as opposed to a heartbeat or a notification). */
  static boolean isChange(SourceRecord record) {
    return record.value() instanceof Struct value && value.schema().field("op") != null
        && value.schema().field("source") != null;
  }

  static boolean isSnapshotOffset(Map<String, ?> offset) {
    Object snapshot = offset.get("snapshot");
    return snapshot != null && !"false".equalsIgnoreCase(String.valueOf(snapshot));
  }

  /** Position of the end of the snapshot, from the offset Debezium gives its completion notice. */
  PostgresPosition snapshotDone(SourceRecord record) {
    Map<String, ?> offset = record.sourceOffset();
    long lsn = number(offset.get("lsn"), 0);
    floor = Math.max(floor, lsn);
    return new PostgresPosition(lsn, PostgresPosition.SNAPSHOT_DONE, 0, 0, floor, record.sourcePartition(), offset);
  }

  /** Position of a heartbeat: everything committed up to its last commit LSN has been emitted. */
  PostgresPosition heartbeat(SourceRecord record) {
    Map<String, ?> offset = record.sourceOffset();
    if (isSnapshotOffset(offset)) {
      return null;
    }
    long major = lastCommit(offset);
    return new PostgresPosition(major, PostgresPosition.STREAM, -1, 0, floor, record.sourcePartition(), offset);
  }

  /**
   * The last commit LSN before the change at {@code offset}: Debezium's, but not below the floor (Debezium keeps
   * the one of the offset it resumed from until it sees a commit, and the server may have started later).
   */
  private long lastCommit(Map<String, ?> offset) {
    Object commit = offset.get("lsn_commit");
    return commit == null ? floorFor(offset) : Math.max(number(commit, 0), floor);
  }

  private long floorFor(Map<String, ?> offset) {
    if (floor == 0) {
      floor = number(offset.get("lsn"), 0);
    }
    return floor;
  }

  /**
   * Decodes a row change.
   *
   * @param sharesLsnWithNext the next record has the same LSN (a key update's delete half): its
   *     position then resumes from the previous record so that both halves are re-read
   */
  ChangeEvent decode(SourceRecord record, boolean sharesLsnWithNext) {
    Struct value = (Struct) record.value();
    Struct source = value.getStruct("source");
    TableId table = new TableId(source.getString("schema"), source.getString("table"));
    Operation op = operation(value.getString("op"));
    Schema rowSchema = value.schema().field("after").schema();
    TableSchema schema = schemaFor(table, rowSchema, record.keySchema());
    Row before = row(table, schema, value.getStruct("before"));
    Row after = row(table, schema, value.getStruct("after"));
    Long tsUs = source.getInt64("ts_us");
    Instant time = tsUs != null ? Instant.EPOCH.plusNanos(tsUs * 1000) : Instant.ofEpochMilli(source.getInt64("ts_ms"));
    PostgresPosition position = position(record, op == Operation.SNAPSHOT, sharesLsnWithNext);
    return new ChangeEvent(table, op, schema, before, after, position, time);
  }

  private PostgresPosition position(SourceRecord record, boolean snapshotRead, boolean sharesLsnWithNext) {
    Map<String, ?> offset = record.sourceOffset();
    if (snapshotRead || isSnapshotOffset(offset)) {
      long lsn = number(offset.get("lsn"), 0);
      return new PostgresPosition(lsn, PostgresPosition.SNAPSHOT, epoch, snapshotOrdinal++, floor,
          record.sourcePartition(), offset);
    }
    long major = lastCommit(offset);
    long minor = number(offset.get("lsn"), 0);
    long sub = major == lastMajor && minor == lastMinor ? lastSub + 1 : 0;
    lastMajor = major;
    lastMinor = minor;
    lastSub = sub;
    Map<String, ?> resume = sharesLsnWithNext && previousOffset != null ? previousOffset : offset;
    previousOffset = offset;
    return new PostgresPosition(major, PostgresPosition.STREAM, minor, sub, floor, record.sourcePartition(), resume);
  }

  private static long number(Object value, long otherwise) {
    return value instanceof Number n ? n.longValue() : otherwise;
  }

  private static Operation operation(String code) {
    return switch (code) {
      case "r" -> Operation.SNAPSHOT;
      case "c" -> Operation.INSERT;
      case "u" -> Operation.UPDATE;
      case "d" -> Operation.DELETE;
      case "t" -> Operation.TRUNCATE;
      default -> throw new IllegalArgumentException("Unknown Debezium operation '" + code + "'");
    };
  }

  /** The table's schema for a Connect row schema; an unchanged schema gives the same instance. */
  TableSchema schemaFor(TableId table, Schema rowSchema, Schema keySchema) {
    TableSchema cached = schemaCache.get(rowSchema);
    if (cached != null) {
      return cached;
    }
    List<String> names = rowSchema.fields().stream().map(Field::name).toList();
    List<String> key = knownKeys.get(table);
    if (key == null || !names.containsAll(key)) {
      key = keySchema == null ? List.of() : keySchema.fields().stream().map(Field::name).toList();
    }
    List<Column> columns = new ArrayList<>(names.size());
    for (Field field : rowSchema.fields()) {
      columns.add(column(field, key.contains(field.name())));
    }
    TableSchema built = new TableSchema(columns, key);
    TableSchema previous = latestSchema.get(table);
    TableSchema result = built.equals(previous) ? previous : built;
    latestSchema.put(table, result);
    schemaCache.put(rowSchema, result);
    return result;
  }

  private static Column column(Field field, boolean key) {
    Schema schema = field.schema();
    Map<String, String> params = schema.parameters() == null ? Map.of() : schema.parameters();
    String typeName = params.get(TYPE_PARAM);
    if (typeName == null) {
      typeName = fallbackTypeName(schema);
    }
    int precision = params.containsKey(LENGTH_PARAM) ? Integer.parseInt(params.get(LENGTH_PARAM)) : 0;
    int scale = params.containsKey(SCALE_PARAM) ? Integer.parseInt(params.get(SCALE_PARAM)) : 0;
    if (PostgresTypes.isNumeric(typeName) && !params.containsKey(SCALE_PARAM)) {
      precision = 0; // Debezium leaves out the scale of an unconstrained numeric
    }
    return PostgresTypes.column(field.name(), typeName, precision, scale, schema.isOptional(), key);
  }

  private static String fallbackTypeName(Schema schema) {
    String logical = schema.name() == null ? "" : schema.name();
    return switch (logical) {
      case "io.debezium.time.MicroTimestamp", "io.debezium.time.Timestamp" -> "timestamp";
      case "io.debezium.time.ZonedTimestamp" -> "timestamptz";
      case "io.debezium.time.MicroTime", "io.debezium.time.Time" -> "time";
      case "io.debezium.time.Date" -> "date";
      case "io.debezium.data.Uuid" -> "uuid";
      default -> switch (schema.type()) {
        case BOOLEAN -> "bool";
        case INT8, INT16, INT32 -> "int4";
        case INT64 -> "int8";
        case FLOAT32 -> "float4";
        case FLOAT64 -> "float8";
        case BYTES -> "bytea";
        case ARRAY -> "_" + fallbackTypeName(schema.valueSchema());
        default -> "text";
      };
    };
  }

  private Row row(TableId table, TableSchema schema, Struct struct) {
    if (struct == null) {
      return null;
    }
    Object[] values = new Object[schema.size()];
    for (int i = 0; i < values.length; i++) {
      Column column = schema.column(i);
      Field field = struct.schema().field(column.name());
      Object raw = field == null ? null : struct.get(field);
      values[i] = convert(raw, column.type(), field == null ? null : field.schema(), column.sourceType());
    }
    return toRow(table, schema, values);
  }

  /**
   * The row of converted {@code values}: a {@link #NAN_DECIMAL} becomes null, with a warning naming
   * table, columns and key.
   */
  static Row toRow(TableId table, TableSchema schema, Object[] values) {
    List<String> nanColumns = null;
    for (int i = 0; i < values.length; i++) {
      if (values[i] == NAN_DECIMAL) {
        values[i] = null;
        nanColumns = nanColumns == null ? new ArrayList<>() : nanColumns;
        nanColumns.add(schema.column(i).name());
      }
    }
    Row row = Row.of(values);
    if (nanColumns != null) {
      LOG.warn("Table {}: numeric NaN/Infinity in decimal column(s) {} of the row with key {} has no decimal "
          + "value; written as null. Widen the column to unconstrained numeric to keep it as text.",
          table, nanColumns, schema.hasPrimaryKey() ? row.key(schema) : Arrays.toString(values));
    }
    return row;
  }

  /** What a numeric NaN or infinity in a DECIMAL column converts to; {@link #toRow} makes it null. */
  static final Object NAN_DECIMAL = new Object();

  /**
   * The value of {@code raw}: Debezium's TOAST placeholder, numeric NaN/Infinity and numeric text are
   * PostgreSQL's own; every other value is {@link ConnectValues}'s.
   */
  static Object convert(Object raw, DataType type, Schema schema, String sourceType) {
    if (raw == null) {
      return null;
    }
    if (ConnectValues.isUnavailable(raw)) {
      return Row.UNAVAILABLE;
    }
    return switch (type.kind()) {
      case DECIMAL -> decimal(raw, ((DataType.Decimal) type).scale());
      case STRING -> string(raw, sourceType);
      case LIST -> list((List<?>) raw, ((DataType.ListOf) type).element(),
          schema == null ? null : schema.valueSchema(), sourceType.startsWith("_") ? sourceType.substring(1) : sourceType);
      default -> ConnectValues.convert(raw, type, schema);
    };
  }

  private static List<Object> list(List<?> raw, DataType element, Schema elementSchema, String elementSource) {
    List<Object> result = new ArrayList<>(raw.size());
    for (Object item : raw) {
      Object value = item == null ? null : convert(item, element, elementSchema, elementSource);
      result.add(value == NAN_DECIMAL || value == Row.UNAVAILABLE ? null : value);
    }
    return java.util.Collections.unmodifiableList(result);
  }

  static Object decimal(Object raw, int scale) {
    if (raw instanceof String text && isSpecialNumeric(text)) {
      return NAN_DECIMAL;
    }
    return ConnectValues.decimal(raw, scale);
  }

  private static boolean isSpecialNumeric(String text) {
    return switch (text) {
      case "NAN", "NaN", "POSITIVE_INFINITY", "NEGATIVE_INFINITY", "Infinity", "-Infinity" -> true;
      default -> false;
    };
  }

  static String string(Object raw, String sourceType) {
    if (PostgresTypes.isNumeric(sourceType) && !(raw instanceof byte[] || raw instanceof ByteBuffer)) {
      String text = raw.toString();
      return switch (text) {
        case "NAN", "NaN" -> "NaN";
        case "POSITIVE_INFINITY", "Infinity" -> "Infinity";
        case "NEGATIVE_INFINITY", "-Infinity" -> "-Infinity";
        default -> new BigDecimal(text).toPlainString();
      };
    }
    return ConnectValues.string(raw);
  }
}
