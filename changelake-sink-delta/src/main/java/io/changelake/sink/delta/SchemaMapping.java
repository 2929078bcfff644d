package io.changelake.sink.delta;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.TableSchema;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FieldMetadata;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Maps changelake's {@link DataType}s and {@link TableSchema}s to Delta types and schemas, and
 * back, so that reading a table's schema gives exactly what created it.
 *
 * <p>Delta has no time or uuid type: TIME is stored as a long (microseconds of the day) and UUID as
 * a string, and the column's metadata records the changelake type ({@link #TYPE}) whenever the
 * Delta type alone does not tell it. Each column also records its {@code sourceType}
 * ({@link #SOURCE_TYPE}) and, for key columns, its place in the primary key ({@link #KEY_POSITION}).
 */
final class SchemaMapping {
  /** Column metadata: the changelake type, when the Delta type maps back to another one. */
  static final String TYPE = "changelake.type";
  /** Column metadata: the source's own type name. */
  static final String SOURCE_TYPE = "changelake.source-type";
  /** Column metadata: the column's position in the primary key (0-based). */
  static final String KEY_POSITION = "changelake.key-position";

  private SchemaMapping() { }

  /** A Delta schema for {@code schema}; key columns are non-nullable. */
  static StructType toDelta(TableSchema schema) {
    StructType struct = new StructType();
    for (Column column : schema.columns()) {
      int keyPosition = schema.primaryKey().indexOf(column.name());
      struct = struct.add(toField(column, keyPosition));
    }
    return struct;
  }

  /** The Delta field of {@code column}; {@code keyPosition} is -1 for a column outside the key. */
  static StructField toField(Column column, int keyPosition) {
    FieldMetadata.Builder metadata = FieldMetadata.builder().putString(SOURCE_TYPE, column.sourceType());
    io.delta.kernel.types.DataType deltaType = toDelta(column.type());
    if (!toDataType(deltaType, column.name()).equals(column.type())) {
      metadata.putString(TYPE, column.type().toString());
    }
    if (keyPosition >= 0) {
      metadata.putLong(KEY_POSITION, keyPosition);
    }
    return new StructField(column.name(), deltaType, column.nullable() && keyPosition < 0, metadata.build());
  }

  /** The Delta type that stores {@code type}. */
  static io.delta.kernel.types.DataType toDelta(DataType type) {
    if (type instanceof DataType.Decimal d) {
      return new DecimalType(d.precision(), d.scale());
    }
    if (type instanceof DataType.ListOf l) {
      return new ArrayType(toDelta(l.element()), true);
    }
    return switch (type.kind()) {
      case BOOLEAN -> BooleanType.BOOLEAN;
      case INT -> IntegerType.INTEGER;
      case LONG, TIME -> LongType.LONG;
      case FLOAT -> FloatType.FLOAT;
      case DOUBLE -> DoubleType.DOUBLE;
      case DATE -> DateType.DATE;
      case TIMESTAMP -> TimestampNTZType.TIMESTAMP_NTZ;
      case TIMESTAMPTZ -> TimestampType.TIMESTAMP;
      case STRING, UUID -> StringType.STRING;
      case BINARY -> BinaryType.BINARY;
      case DECIMAL, LIST -> throw new IllegalStateException("unreachable: " + type);
    };
  }

  /** The changelake type a Delta type maps back to, without column metadata. */
  static DataType toDataType(io.delta.kernel.types.DataType type, String column) {
    if (type instanceof DecimalType d) {
      return DataType.decimal(d.getPrecision(), d.getScale());
    }
    if (type instanceof ArrayType a) {
      return DataType.listOf(toDataType(a.getElementType(), column));
    }
    if (type instanceof BooleanType) {
      return DataType.BOOLEAN;
    }
    if (type instanceof IntegerType) {
      return DataType.INT;
    }
    if (type instanceof LongType) {
      return DataType.LONG;
    }
    if (type instanceof FloatType) {
      return DataType.FLOAT;
    }
    if (type instanceof DoubleType) {
      return DataType.DOUBLE;
    }
    if (type instanceof DateType) {
      return DataType.DATE;
    }
    if (type instanceof TimestampNTZType) {
      return DataType.TIMESTAMP;
    }
    if (type instanceof TimestampType) {
      return DataType.TIMESTAMPTZ;
    }
    if (type instanceof StringType) {
      return DataType.STRING;
    }
    if (type instanceof BinaryType) {
      return DataType.BINARY;
    }
    throw new UnsupportedOperationException(
        "Column '" + column + "' has Delta type " + type + ", which changelake does not map");
  }

  /** The changelake column of a Delta field, honouring {@link #TYPE}. */
  static Column toColumn(StructField field) {
    FieldMetadata metadata = field.getMetadata();
    DataType type = metadata.contains(TYPE) ? DataTypes.parse(metadata.getString(TYPE))
        : toDataType(field.getDataType(), field.getName());
    String sourceType = metadata.contains(SOURCE_TYPE) ? metadata.getString(SOURCE_TYPE) : null;
    return new Column(field.getName(), type, field.isNullable(), sourceType);
  }

  /** The changelake schema of a Delta schema; the key comes from {@link #KEY_POSITION}. */
  static TableSchema toTableSchema(StructType struct) {
    List<Column> columns = new ArrayList<>(struct.length());
    List<StructField> keyFields = new ArrayList<>();
    for (StructField field : struct.fields()) {
      columns.add(toColumn(field));
      if (field.getMetadata().contains(KEY_POSITION)) {
        keyFields.add(field);
      }
    }
    keyFields.sort(Comparator.comparingLong(f -> f.getMetadata().getLong(KEY_POSITION)));
    return new TableSchema(columns, keyFields.stream().map(StructField::getName).toList());
  }
}
