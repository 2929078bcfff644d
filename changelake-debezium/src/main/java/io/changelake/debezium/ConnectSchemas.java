package io.changelake.debezium;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.TableSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;

/**
 * Turns Kafka Connect row schemas into {@link TableSchema}s, caching each by the identity of its Connect
 * schema (converters hand out one instance per distinct schema), so that an unchanged schema always
 * gives the same {@link TableSchema} instance.
 *
 * <p>Types: see {@link #dataType(Schema)}. Not thread-safe.
 */
public final class ConnectSchemas {

  /** The database type Debezium propagates with {@code column.propagate.source.type}. */
  public static final String SOURCE_TYPE = "__debezium.source.column.type";
  /** The column length (a numeric's precision) Debezium propagates. */
  public static final String SOURCE_LENGTH = "__debezium.source.column.length";
  /** The column scale Debezium propagates. */
  public static final String SOURCE_SCALE = "__debezium.source.column.scale";
  /** The precision of a Connect Decimal, as Debezium adds it. */
  public static final String DECIMAL_PRECISION = "connect.decimal.precision";

  private static final int CACHE_SIZE = 1024;

  private record Cached(Schema keySchema, List<String> key, TableSchema schema) { }

  /** Identity of a Connect schema. */
  private record Identity(Schema schema) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Identity other && other.schema == schema;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(schema);
    }
  }

  private final Predicate<String> keep;
  private final Map<Identity, Cached> cache = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Identity, Cached> eldest) {
      return size() > CACHE_SIZE;
    }
  };
  private final Map<TableSchema, TableSchema> canonical = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<TableSchema, TableSchema> eldest) {
      return size() > CACHE_SIZE;
    }
  };

  /** Schemas with a column for every field of a row. */
  public ConnectSchemas() {
    this(field -> true);
  }

  /** Schemas with a column for each field of a row whose name {@code columns} accepts. */
  public ConnectSchemas(Predicate<String> columns) {
    this.keep = columns;
  }

  /**
   * The table schema of rows of Connect {@code rowSchema} (a STRUCT) whose primary key is {@code key}.
   *
   * @throws IllegalArgumentException when a key column is not a field of the row, or the row is not a STRUCT
   */
  public TableSchema tableSchema(Schema rowSchema, List<String> key) {
    return tableSchema(rowSchema, key, null);
  }

  /** The table schema of {@code rowSchema}, keyed by the fields of {@code keySchema} (none when null). */
  public TableSchema tableSchema(Schema rowSchema, Schema keySchema) {
    Cached cached = cache.get(new Identity(rowSchema));
    if (cached != null && keySchema != null && cached.keySchema == keySchema) {
      return cached.schema;
    }
    return tableSchema(rowSchema, keyNames(keySchema), keySchema);
  }

  private TableSchema tableSchema(Schema rowSchema, List<String> key, Schema keySchema) {
    Identity identity = new Identity(rowSchema);
    Cached cached = cache.get(identity);
    TableSchema result;
    if (cached != null && cached.key.equals(key)) {
      result = cached.schema;
    } else {
      result = canonical.computeIfAbsent(build(rowSchema, key), s -> s);
    }
    cache.put(identity, new Cached(keySchema, List.copyOf(key), result));
    return result;
  }

  /** The field names of a STRUCT key schema; none for null or a key that is not a STRUCT. */
  public static List<String> keyNames(Schema keySchema) {
    if (keySchema == null || keySchema.type() != Schema.Type.STRUCT) {
      return List.of();
    }
    return keySchema.fields().stream().map(Field::name).toList();
  }

  private TableSchema build(Schema rowSchema, List<String> key) {
    if (rowSchema.type() != Schema.Type.STRUCT) {
      throw new IllegalArgumentException("A row must be a STRUCT, not " + rowSchema.type());
    }
    List<Column> columns = new ArrayList<>(rowSchema.fields().size());
    for (Field field : rowSchema.fields()) {
      if (keep.test(field.name())) {
        columns.add(column(field, key.contains(field.name())));
      }
    }
    return new TableSchema(columns, key);
  }

  /** The column of a row field; key columns are not nullable. */
  public static Column column(Field field, boolean key) {
    Schema schema = field.schema();
    return new Column(field.name(), dataType(schema), schema.isOptional() && !key, sourceType(schema));
  }

  /** The database's type name when Debezium propagates it, else the logical or Connect type's name. */
  public static String sourceType(Schema schema) {
    String propagated = parameter(schema, SOURCE_TYPE);
    if (propagated != null) {
      return propagated.toLowerCase(Locale.ROOT);
    }
    return schema.name() != null ? schema.name() : schema.type().getName();
  }

  /**
   * The column type of values of Connect {@code schema}: Debezium and Connect logical types first (see
   * the module README's table), then the Connect type: INT8, INT16, INT32 → INT; INT64 → LONG; FLOAT32 →
   * FLOAT; FLOAT64 → DOUBLE; BOOLEAN; STRING; BYTES → BINARY; ARRAY → LIST of its element; MAP and STRUCT
   * → STRING (JSON text).
   */
  public static DataType dataType(Schema schema) {
    String logical = schema.name() == null ? "" : schema.name();
    return switch (logical) {
      case "org.apache.kafka.connect.data.Decimal" -> decimal(schema);
      case "io.debezium.data.VariableScaleDecimal" -> variableScaleDecimal(schema);
      case "io.debezium.time.Date", "org.apache.kafka.connect.data.Date" -> DataType.DATE;
      case "io.debezium.time.Time", "io.debezium.time.MicroTime", "io.debezium.time.NanoTime",
          "org.apache.kafka.connect.data.Time" -> DataType.TIME;
      case "io.debezium.time.Timestamp", "io.debezium.time.MicroTimestamp", "io.debezium.time.NanoTimestamp",
          "org.apache.kafka.connect.data.Timestamp" -> DataType.TIMESTAMP;
      case "io.debezium.time.ZonedTimestamp" -> DataType.TIMESTAMPTZ;
      case "io.debezium.time.ZonedTime", "io.debezium.data.Json", "io.debezium.data.Xml", "io.debezium.data.Enum",
          "io.debezium.data.EnumSet" -> DataType.STRING;
      case "io.debezium.time.Year" -> DataType.INT;
      case "io.debezium.data.Uuid" -> DataType.UUID;
      case "io.debezium.data.Bits" -> schema.type() == Schema.Type.BOOLEAN ? DataType.BOOLEAN : DataType.BINARY;
      case "io.debezium.data.geometry.Geometry", "io.debezium.data.geometry.Geography",
          "io.debezium.data.geometry.Point" -> DataType.BINARY;
      default -> switch (schema.type()) {
        case BOOLEAN -> DataType.BOOLEAN;
        case INT8, INT16, INT32 -> DataType.INT;
        case INT64 -> DataType.LONG;
        case FLOAT32 -> DataType.FLOAT;
        case FLOAT64 -> DataType.DOUBLE;
        case BYTES -> DataType.BINARY;
        case ARRAY -> DataType.listOf(dataType(schema.valueSchema()));
        case STRING, MAP, STRUCT -> DataType.STRING;
      };
    };
  }

  /**
   * A Connect Decimal: DECIMAL(p,s) with p from {@code connect.decimal.precision} or the propagated column
   * length, else 38; STRING (exact text) when p or s exceed 38.
   */
  private static DataType decimal(Schema schema) {
    int scale = Integer.parseInt(parameter(schema, "scale"));
    String precision = parameter(schema, DECIMAL_PRECISION);
    if (precision == null) {
      precision = parameter(schema, SOURCE_LENGTH);
    }
    int p = precision == null ? DataType.MAX_DECIMAL_PRECISION : Integer.parseInt(precision);
    return decimalOrString(Math.max(p, scale), scale);
  }

  /** A VariableScaleDecimal: DECIMAL(p,s) when the column's length and scale are propagated, else STRING. */
  private static DataType variableScaleDecimal(Schema schema) {
    String length = parameter(schema, SOURCE_LENGTH);
    String scale = parameter(schema, SOURCE_SCALE);
    return length == null || scale == null ? DataType.STRING
        : decimalOrString(Integer.parseInt(length), Integer.parseInt(scale));
  }

  private static DataType decimalOrString(int precision, int scale) {
    return precision >= 1 && precision <= DataType.MAX_DECIMAL_PRECISION && scale >= 0 && scale <= precision
        ? DataType.decimal(precision, scale) : DataType.STRING;
  }

  private static String parameter(Schema schema, String name) {
    return schema.parameters() == null ? null : schema.parameters().get(name);
  }
}
