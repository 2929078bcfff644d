package io.changelake.source.postgres;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import java.util.Locale;
import java.util.Map;

/**
 * The one mapping from PostgreSQL column types to changelake {@link DataType}s, used both by
 * discovery (catalog type names) and by decoding (the source type Debezium propagates).
 *
 * <p>Rules: {@code int2}/{@code int4} to INT, {@code int8} to LONG, {@code numeric(p,s)} with p up to
 * 38 to DECIMAL(p,s), wider or unconstrained numeric to STRING (exact decimal text, {@code NaN},
 * {@code Infinity}), {@code float4} FLOAT, {@code float8} DOUBLE, text-like, json, enum, interval, inet
 * and every type not listed here to STRING, {@code bytea} BINARY, temporal types to their
 * microsecond types, {@code uuid} UUID and arrays ({@code _name}) to LIST of the element type.
 */
public final class PostgresTypes {

  private static final Map<String, DataType> SIMPLE = Map.ofEntries(
      Map.entry("bool", DataType.BOOLEAN),
      Map.entry("int2", DataType.INT),
      Map.entry("int4", DataType.INT),
      Map.entry("int8", DataType.LONG),
      Map.entry("oid", DataType.LONG),
      Map.entry("float4", DataType.FLOAT),
      Map.entry("float8", DataType.DOUBLE),
      Map.entry("date", DataType.DATE),
      Map.entry("time", DataType.TIME),
      Map.entry("timestamp", DataType.TIMESTAMP),
      Map.entry("timestamptz", DataType.TIMESTAMPTZ),
      Map.entry("uuid", DataType.UUID),
      Map.entry("bytea", DataType.BINARY));

  private PostgresTypes() { }

  /**
   * The logical type of a column.
   *
   * @param typeName the PostgreSQL type name as in {@code pg_type.typname}, any case; arrays start with
   *     an underscore ({@code _int4})
   * @param precision numeric precision, 0 or negative when unconstrained; ignored for other types
   * @param scale numeric scale; ignored for other types
   */
  public static DataType toDataType(String typeName, int precision, int scale) {
    String name = typeName.toLowerCase(Locale.ROOT);
    if (name.startsWith("_")) {
      return DataType.listOf(toDataType(name.substring(1), precision, scale));
    }
    if (name.equals("numeric") || name.equals("decimal")) {
      return precision > 0 && precision <= DataType.MAX_DECIMAL_PRECISION && scale >= 0 && scale <= precision
          ? DataType.decimal(precision, scale) : DataType.STRING;
    }
    return SIMPLE.getOrDefault(name, DataType.STRING);
  }

  /**
   * A column of a captured table. A DECIMAL column that is not part of the key is always nullable:
   * PostgreSQL's numeric {@code NaN} has no decimal value and arrives as null (see {@link
   * PostgresRecordDecoder}).
   */
  static Column column(String name, String typeName, int precision, int scale, boolean nullable, boolean key) {
    DataType type = toDataType(typeName, precision, scale);
    boolean canBeNaN = type.kind() == DataType.Kind.DECIMAL
        || (type instanceof DataType.ListOf list && list.element().kind() == DataType.Kind.DECIMAL);
    return new Column(name, type, nullable || (canBeNaN && !key), typeName.toLowerCase(Locale.ROOT));
  }

  /** Whether the type (or its array element) is numeric, whose NaN becomes null in a DECIMAL. */
  static boolean isNumeric(String typeName) {
    String name = typeName.toLowerCase(Locale.ROOT);
    return name.equals("numeric") || name.equals("_numeric");
  }

  /** Precision of a {@code numeric} column from its {@code atttypmod}; 0 when unconstrained. */
  static int numericPrecision(int typmod) {
    return typmod < 4 ? 0 : ((typmod - 4) >> 16) & 0xFFFF;
  }

  /** Scale of a {@code numeric} column from its {@code atttypmod}. */
  static int numericScale(int typmod) {
    return typmod < 4 ? 0 : (typmod - 4) & 0xFFFF;
  }
}
