package io.changelake.query;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.TableSchema;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Lake types as Calcite types, and lake values as Calcite's internal values.
 *
 * <p>Calcite's runtime holds DATE as days, TIME as milliseconds of the day and TIMESTAMP (with or without
 * zone) as epoch milliseconds, so microseconds of lake times and timestamps are cut to milliseconds.
 * UUIDs are strings.
 */
final class LakeTypes {
  /** Fractional digits of times and timestamps that Calcite keeps. */
  static final int TIME_PRECISION = 3;

  private LakeTypes() { }

  static RelDataType rowType(RelDataTypeFactory factory, TableSchema schema) {
    RelDataTypeFactory.Builder builder = factory.builder();
    for (Column column : schema.columns()) {
      builder.add(column.name(), factory.createTypeWithNullability(type(factory, column.type()), column.nullable()));
    }
    return builder.build();
  }

  static RelDataType type(RelDataTypeFactory factory, DataType type) {
    return switch (type.kind()) {
      case BOOLEAN -> factory.createSqlType(SqlTypeName.BOOLEAN);
      case INT -> factory.createSqlType(SqlTypeName.INTEGER);
      case LONG -> factory.createSqlType(SqlTypeName.BIGINT);
      case FLOAT -> factory.createSqlType(SqlTypeName.REAL);
      case DOUBLE -> factory.createSqlType(SqlTypeName.DOUBLE);
      case DECIMAL -> {
        DataType.Decimal decimal = (DataType.Decimal) type;
        yield factory.createSqlType(SqlTypeName.DECIMAL, decimal.precision(), decimal.scale());
      }
      case DATE -> factory.createSqlType(SqlTypeName.DATE);
      case TIME -> factory.createSqlType(SqlTypeName.TIME, TIME_PRECISION);
      case TIMESTAMP -> factory.createSqlType(SqlTypeName.TIMESTAMP, TIME_PRECISION);
      case TIMESTAMPTZ -> factory.createSqlType(SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE, TIME_PRECISION);
      case STRING, UUID -> factory.createSqlType(SqlTypeName.VARCHAR);
      case BINARY -> factory.createSqlType(SqlTypeName.VARBINARY);
      case LIST -> factory.createArrayType(
          factory.createTypeWithNullability(type(factory, ((DataType.ListOf) type).element()), true), -1);
    };
  }

  /** The SQL name of a lake type, for DESCRIBE and SHOW CREATE TABLE. */
  static String sqlName(DataType type) {
    return switch (type.kind()) {
      case BOOLEAN -> "BOOLEAN";
      case INT -> "INT";
      case LONG -> "BIGINT";
      case FLOAT -> "FLOAT";
      case DOUBLE -> "DOUBLE";
      case DECIMAL -> "DECIMAL(" + ((DataType.Decimal) type).precision() + ", " + ((DataType.Decimal) type).scale() + ")";
      case DATE -> "DATE";
      case TIME -> "TIME(6)";
      case TIMESTAMP -> "TIMESTAMP(6)";
      case TIMESTAMPTZ -> "TIMESTAMP(6) WITH LOCAL TIME ZONE";
      case STRING -> "STRING";
      case UUID -> "UUID";
      case BINARY -> "BYTES";
      case LIST -> "ARRAY<" + sqlName(((DataType.ListOf) type).element()) + ">";
    };
  }

  /** A lake value (see {@link DataType}) as Calcite's runtime holds it. */
  static Object toCalcite(Object value, DataType type) {
    if (value == null) {
      return null;
    }
    return switch (type.kind()) {
      case DATE -> (int) ((LocalDate) value).toEpochDay();
      case TIME -> (int) (((LocalTime) value).toNanoOfDay() / 1_000_000L);
      case TIMESTAMP -> ((LocalDateTime) value).toInstant(ZoneOffset.UTC).toEpochMilli();
      case TIMESTAMPTZ -> ((OffsetDateTime) value).toInstant().toEpochMilli();
      case UUID -> value.toString();
      case BINARY -> new ByteString(bytes((ByteBuffer) value));
      case DECIMAL -> (BigDecimal) value;
      case LIST -> {
        DataType element = ((DataType.ListOf) type).element();
        List<Object> converted = new ArrayList<>(((List<?>) value).size());
        for (Object item : (List<?>) value) {
          converted.add(toCalcite(item, element));
        }
        yield converted;
      }
      default -> value;
    };
  }

  /** Whether Calcite holds values of {@code type} as epoch milliseconds, leaving out the lake's microseconds. */
  static boolean isTimestamp(DataType type) {
    return type.kind() == DataType.Kind.TIMESTAMP || type.kind() == DataType.Kind.TIMESTAMPTZ;
  }

  /** The microseconds within the millisecond of a lake timestamp (0 to 999), which {@link #toCalcite} leaves out. */
  static Integer microsOfMilli(Object value) {
    if (value == null) {
      return null;
    }
    int nanos = value instanceof LocalDateTime local ? local.getNano() : ((OffsetDateTime) value).getNano();
    return nanos / 1000 % 1000;
  }

  /** A timestamp result value (see {@link JdbcRows}) with the microseconds {@link #microsOfMilli} gave back. */
  static Object withMicros(Object value, Integer micros) {
    if (micros == null) {
      return value;
    }
    return value instanceof LocalDateTime local ? local.plusNanos(micros * 1000L)
        : value instanceof OffsetDateTime offset ? offset.plusNanos(micros * 1000L) : value;
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }
}
