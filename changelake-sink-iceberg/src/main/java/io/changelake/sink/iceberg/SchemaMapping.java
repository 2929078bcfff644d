package io.changelake.sink.iceberg;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.TableSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Maps changelake's {@link DataType}s and {@link TableSchema}s to Iceberg types and schemas, and
 * back, so that reading a table's schema gives exactly what created it.
 *
 * <p>A column's {@code sourceType} travels in the Iceberg field's doc. The primary key becomes the
 * schema's identifier fields; since Iceberg keeps those as an unordered set, the key order is
 * recorded in the table property {@link #KEY_FIELD_IDS}.
 *
 * <p>TIME is written as Iceberg {@code long} microseconds of the day by default ({@link TimeType#LONG}),
 * as Delta and Paimon store it, because Spark refuses every table with an Iceberg {@code time} field
 * ("Spark does not support time fields"). The ids of such fields (list elements included) are
 * recorded in the table property {@link #TIME_FIELD_IDS}, so that reading the schema back gives
 * TIME again. A native Iceberg {@code time} field maps to TIME as well, so tables created with
 * {@link TimeType#TIME} (or before the long default) keep working unchanged.
 */
final class SchemaMapping {

  /** Table property: the identifier field ids in primary key order, comma separated. */
  static final String KEY_FIELD_IDS = "changelake.key-field-ids";

  /** Table property: the ids of {@code long} fields (list elements included) that hold TIME microseconds. */
  static final String TIME_FIELD_IDS = "changelake.time-field-ids";

  private SchemaMapping() { }

  /** An Iceberg schema for {@code schema} with TIME as {@code timeType}; key columns are required identifier fields. */
  static Schema toIceberg(TableSchema schema, TimeType timeType) {
    AtomicInteger ids = new AtomicInteger(schema.size());
    List<Types.NestedField> fields = new ArrayList<>(schema.size());
    Set<Integer> keyIds = new java.util.HashSet<>();
    for (int i = 0; i < schema.size(); i++) {
      Column column = schema.column(i);
      int id = i + 1;
      boolean key = schema.primaryKey().contains(column.name());
      boolean optional = column.nullable() && !key;
      fields.add(Types.NestedField.builder()
          .withId(id)
          .withName(column.name())
          .isOptional(optional)
          .ofType(toIceberg(column.type(), ids, timeType))
          .withDoc(column.sourceType())
          .build());
      if (key) {
        keyIds.add(id);
      }
    }
    return new Schema(fields, keyIds);
  }

  /** The Iceberg type of {@code type}; nested ids (list elements) are drawn from {@code ids}. */
  static Type toIceberg(DataType type, AtomicInteger ids, TimeType timeType) {
    if (type instanceof DataType.Decimal d) {
      return Types.DecimalType.of(d.precision(), d.scale());
    }
    if (type instanceof DataType.ListOf l) {
      int elementId = ids.incrementAndGet();
      return Types.ListType.ofOptional(elementId, toIceberg(l.element(), ids, timeType));
    }
    return switch (type.kind()) {
      case BOOLEAN -> Types.BooleanType.get();
      case INT -> Types.IntegerType.get();
      case LONG -> Types.LongType.get();
      case FLOAT -> Types.FloatType.get();
      case DOUBLE -> Types.DoubleType.get();
      case DATE -> Types.DateType.get();
      case TIME -> timeType == TimeType.TIME ? Types.TimeType.get() : Types.LongType.get();
      case TIMESTAMP -> Types.TimestampType.withoutZone();
      case TIMESTAMPTZ -> Types.TimestampType.withZone();
      case STRING -> Types.StringType.get();
      case UUID -> Types.UUIDType.get();
      case BINARY -> Types.BinaryType.get();
      case DECIMAL, LIST -> throw new IllegalStateException("unreachable: " + type);
    };
  }

  /** The changelake type of the Iceberg type of field {@code fieldId}; {@code timeIds} are the TIME longs. */
  static DataType toDataType(Type type, int fieldId, Set<Integer> timeIds, String column) {
    return switch (type.typeId()) {
      case BOOLEAN -> DataType.BOOLEAN;
      case INTEGER -> DataType.INT;
      case LONG -> timeIds.contains(fieldId) ? DataType.TIME : DataType.LONG;
      case FLOAT -> DataType.FLOAT;
      case DOUBLE -> DataType.DOUBLE;
      case DECIMAL -> {
        Types.DecimalType d = (Types.DecimalType) type;
        yield DataType.decimal(d.precision(), d.scale());
      }
      case DATE -> DataType.DATE;
      case TIME -> DataType.TIME;
      case TIMESTAMP -> ((Types.TimestampType) type).shouldAdjustToUTC() ? DataType.TIMESTAMPTZ : DataType.TIMESTAMP;
      case STRING -> DataType.STRING;
      case UUID -> DataType.UUID;
      case BINARY -> DataType.BINARY;
      case LIST -> {
        Types.ListType list = (Types.ListType) type;
        yield DataType.listOf(toDataType(list.elementType(), list.elementId(), timeIds, column));
      }
      default -> throw new UnsupportedOperationException(
          "Column '" + column + "' has Iceberg type " + type + ", which changelake does not map");
    };
  }

  /**
   * The changelake schema of an Iceberg schema; the key is ordered by {@code properties}'
   * {@link #KEY_FIELD_IDS} when present, otherwise by column position.
   */
  static TableSchema toTableSchema(Schema schema, Map<String, String> properties) {
    Set<Integer> timeIds = timeFieldIds(properties);
    List<Column> columns = new ArrayList<>();
    for (Types.NestedField field : schema.columns()) {
      DataType type = toDataType(field.type(), field.fieldId(), timeIds, field.name());
      columns.add(new Column(field.name(), type, field.isOptional(), field.doc()));
    }
    return new TableSchema(columns, keyNames(schema, properties));
  }

  private static List<String> keyNames(Schema schema, Map<String, String> properties) {
    Set<Integer> identifiers = schema.identifierFieldIds();
    List<Integer> ordered = new ArrayList<>();
    String recorded = properties.get(KEY_FIELD_IDS);
    if (recorded != null && !recorded.isBlank()) {
      Arrays.stream(recorded.split(",")).map(String::trim).map(Integer::valueOf)
          .filter(identifiers::contains).forEach(ordered::add);
    }
    for (Types.NestedField field : schema.columns()) {
      if (identifiers.contains(field.fieldId()) && !ordered.contains(field.fieldId())) {
        ordered.add(field.fieldId());
      }
    }
    return ordered.stream().map(id -> schema.findField(id).name()).collect(Collectors.toList());
  }

  /** The ids recorded in {@link #TIME_FIELD_IDS}, or none. */
  static Set<Integer> timeFieldIds(Map<String, String> properties) {
    String recorded = properties.get(TIME_FIELD_IDS);
    if (recorded == null || recorded.isBlank()) {
      return Set.of();
    }
    return Arrays.stream(recorded.split(",")).map(String::trim).map(Integer::valueOf).collect(Collectors.toSet());
  }

  /**
   * The value of {@link #TIME_FIELD_IDS} for {@code schema}: {@code known} ids that are still long
   * fields, plus the long fields of {@code timeColumns} (names of TIME or list-of-TIME columns).
   */
  static String timeFieldIds(Schema schema, Set<Integer> known, Collection<String> timeColumns) {
    Set<Integer> ids = new TreeSet<>();
    for (Integer id : known) {
      if (schema.findType(id) != null && schema.findType(id).typeId() == Type.TypeID.LONG) {
        ids.add(id);
      }
    }
    for (String name : timeColumns) {
      Types.NestedField field = schema.findField(name);
      Type type = field.type();
      int id = field.fieldId();
      while (type.isListType()) {
        id = type.asListType().elementId();
        type = type.asListType().elementType();
      }
      if (type.typeId() == Type.TypeID.LONG) {
        ids.add(id);
      }
    }
    return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  /** Names of the columns of {@code schema} whose type is TIME or a list of TIME. */
  static List<String> timeColumns(TableSchema schema) {
    return schema.columns().stream().filter(c -> isTime(c.type())).map(Column::name).toList();
  }

  static boolean isTime(DataType type) {
    return type.kind() == DataType.Kind.TIME
        || type instanceof DataType.ListOf l && isTime(l.element());
  }

  /** The value of {@link #KEY_FIELD_IDS} for {@code key} (names, in order) under {@code schema}. */
  static String keyFieldIds(Schema schema, List<String> key) {
    return key.stream().map(name -> String.valueOf(schema.findField(name).fieldId())).collect(Collectors.joining(","));
  }
}
