package io.changelake.sink.paimon;

import io.changelake.api.model.DataType;
import org.apache.paimon.types.ArrayType;
import org.apache.paimon.types.DataTypeRoot;
import org.apache.paimon.types.DataTypes;
import org.apache.paimon.types.DecimalType;

/**
 * Maps changelake's {@link DataType}s to Paimon types and back.
 *
 * <p>Two types have no lossless Paimon twin and are stored as another type:
 * <ul>
 *   <li>UUID as STRING (the canonical 36-character form, what Flink CDC writes too);
 *   <li>TIME as BIGINT microseconds of the day, since Paimon's TIME holds milliseconds only.
 * </ul>
 * For those (and lists of them) the changelake type is recorded in the column description (see
 * {@link ColumnDoc}), so that reading the schema back gives the type that created it.
 */
final class TypeMapping {
  private TypeMapping() { }

  /** The Paimon type of {@code type}, nullable or not. */
  static org.apache.paimon.types.DataType toPaimon(DataType type, boolean nullable) {
    org.apache.paimon.types.DataType paimon = switch (type.kind()) {
      case BOOLEAN -> DataTypes.BOOLEAN();
      case INT -> DataTypes.INT();
      case LONG, TIME -> DataTypes.BIGINT();
      case FLOAT -> DataTypes.FLOAT();
      case DOUBLE -> DataTypes.DOUBLE();
      case DECIMAL -> DataTypes.DECIMAL(((DataType.Decimal) type).precision(), ((DataType.Decimal) type).scale());
      case DATE -> DataTypes.DATE();
      case TIMESTAMP -> DataTypes.TIMESTAMP(6);
      case TIMESTAMPTZ -> DataTypes.TIMESTAMP_WITH_LOCAL_TIME_ZONE(6);
      case STRING, UUID -> DataTypes.STRING();
      case BINARY -> DataTypes.BYTES();
      case LIST -> DataTypes.ARRAY(toPaimon(((DataType.ListOf) type).element(), true));
    };
    return paimon.copy(nullable);
  }

  /** Whether reading {@code type}'s Paimon type back would give another changelake type. */
  static boolean needsRecording(DataType type) {
    return switch (type.kind()) {
      case UUID, TIME -> true;
      case LIST -> needsRecording(((DataType.ListOf) type).element());
      default -> false;
    };
  }

  /** The changelake type of a Paimon type, for columns without a recorded type. */
  static DataType toDataType(org.apache.paimon.types.DataType type, String column) {
    DataTypeRoot root = type.getTypeRoot();
    return switch (root) {
      case BOOLEAN -> DataType.BOOLEAN;
      case INTEGER -> DataType.INT;
      case BIGINT -> DataType.LONG;
      case FLOAT -> DataType.FLOAT;
      case DOUBLE -> DataType.DOUBLE;
      case DECIMAL -> DataType.decimal(((DecimalType) type).getPrecision(), ((DecimalType) type).getScale());
      case DATE -> DataType.DATE;
      case TIMESTAMP_WITHOUT_TIME_ZONE -> DataType.TIMESTAMP;
      case TIMESTAMP_WITH_LOCAL_TIME_ZONE -> DataType.TIMESTAMPTZ;
      case CHAR, VARCHAR -> DataType.STRING;
      case BINARY, VARBINARY -> DataType.BINARY;
      case ARRAY -> DataType.listOf(toDataType(((ArrayType) type).getElementType(), column));
      default -> throw new UnsupportedOperationException(
          "Column '" + column + "' has Paimon type " + type + ", which changelake does not map");
    };
  }

  /** Parses {@link DataType#toString()}: {@code long}, {@code decimal(10,2)}, {@code list<uuid>}. */
  static DataType parse(String text) {
    String t = text.trim();
    if (t.startsWith("list<") && t.endsWith(">")) {
      return DataType.listOf(parse(t.substring(5, t.length() - 1)));
    }
    if (t.startsWith("decimal(") && t.endsWith(")")) {
      String[] ps = t.substring(8, t.length() - 1).split(",");
      return DataType.decimal(Integer.parseInt(ps[0].trim()), Integer.parseInt(ps[1].trim()));
    }
    for (DataType.Kind kind : DataType.Kind.values()) {
      if (kind != DataType.Kind.DECIMAL && kind != DataType.Kind.LIST
          && kind.name().equalsIgnoreCase(t)) {
        return new DataType.Primitive(kind);
      }
    }
    throw new IllegalArgumentException("not a changelake type: '" + text + "'");
  }
}
