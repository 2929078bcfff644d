package io.changelake.engine.transform;

import io.changelake.api.model.DataType;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.statement.create.table.ColDataType;

/**
 * The {@link DataType} a SQL type name in {@code CAST(x AS type)} stands for. Names follow
 * PostgreSQL: {@code float} is double precision, {@code real} is float; {@code decimal} without
 * precision is decimal(10,0) as in Flink; lengths ({@code varchar(20)}) and timestamp precisions are
 * not enforced (timestamps keep microseconds).
 */
final class SqlTypes {
  static final String SUPPORTED = "int, bigint, real, double, decimal(p,s), string (varchar, text), boolean, date,"
      + " time, timestamp, timestamptz, uuid";
  private static final int DEFAULT_DECIMAL_PRECISION = 10;

  private SqlTypes() { }

  static DataType of(ColDataType type) {
    if (type.getArrayData() != null && !type.getArrayData().isEmpty()) {
      throw unsupported(type);
    }
    return switch (CastExpression.DataType.from(baseName(type))) {
      case TINYINT, INT1, SMALLINT, INT2, SHORT, INTEGER, INT4, INT, SIGNED -> DataType.INT;
      case BIGINT, INT8, LONG -> DataType.LONG;
      case REAL, FLOAT4 -> DataType.FLOAT;
      case FLOAT, DOUBLE, DOUBLE_PRECISION, FLOAT8, FLOAT64 -> DataType.DOUBLE;
      case DECIMAL, NUMBER, NUMERIC -> decimal(type);
      case VARCHAR, NVARCHAR, CHAR, NCHAR, BPCHAR, STRING, TEXT, CLOB -> DataType.STRING;
      case BOOLEAN, BOOL -> DataType.BOOLEAN;
      case DATE -> DataType.DATE;
      case TIME, TIME_WITHOUT_TIME_ZONE -> DataType.TIME;
      case TIMESTAMP, TIMESTAMP_WITHOUT_TIME_ZONE, DATETIME -> DataType.TIMESTAMP;
      case TIMESTAMPTZ, TIMESTAMP_WITH_TIME_ZONE -> DataType.TIMESTAMPTZ;
      case UUID -> DataType.UUID;
      default -> throw unsupported(type);
    };
  }

  /** JSqlParser keeps a type's arguments in its name ({@code "decimal (10, 2)"}) and also parses them. */
  private static String baseName(ColDataType type) {
    String name = type.getDataType();
    int arguments = name.indexOf('(');
    return arguments < 0 ? name : name.substring(0, arguments).trim();
  }

  private static DataType decimal(ColDataType type) {
    int precision = type.getPrecision() == null ? DEFAULT_DECIMAL_PRECISION : type.getPrecision();
    int scale = type.getScale() == null ? 0 : type.getScale();
    try {
      return DataType.decimal(precision, scale);
    } catch (IllegalArgumentException e) {
      throw new ExpressionError("invalid type " + type + ": " + e.getMessage());
    }
  }

  private static ExpressionError unsupported(ColDataType type) {
    return new ExpressionError("cannot cast to " + type + "; supported types: " + SUPPORTED);
  }
}
