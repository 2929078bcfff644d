package io.changelake.interop;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import scala.collection.Seq;

/**
 * Spark's side of {@link Canonical}: the type each PostgreSQL column is read as, and the text of a Spark value.
 *
 * <p>Spark hands dates and timestamps out as {@code java.time} values (the session sets {@code
 * spark.sql.datetime.java8API.enabled}, which only chooses the classes {@code collect()} returns;
 * {@code java.sql.Date} would shift ancient dates into the Julian calendar on the way out).
 */
final class SparkCanonical {
  private SparkCanonical() { }

  /** The Spark type each PostgreSQL type must be read as (its {@code simpleString}). */
  static String sparkType(String pgType, int precision, int scale) {
    return switch (pgType) {
      case "int2", "int4" -> "int";
      case "int8", "time" -> "bigint";
      case "float4" -> "float";
      case "float8" -> "double";
      case "numeric" -> precision > 0 && precision <= 38 ? "decimal(" + precision + "," + scale + ")" : "string";
      case "bool" -> "boolean";
      case "bytea" -> "binary";
      case "date" -> "date";
      case "timestamp" -> "timestamp_ntz";
      case "timestamptz" -> "timestamp";
      case "_int4" -> "array<int>";
      case "_text" -> "array<string>";
      default -> "string";
    };
  }

  /** A value Spark returned for a column of {@code type} holding PostgreSQL type {@code pgType}. */
  static String ofSpark(Object value, DataType type, String pgType) {
    if (value == null) {
      return null;
    }
    if (type instanceof ArrayType array) {
      List<String> texts = new ArrayList<>();
      scala.collection.Iterator<?> it = ((Seq<?>) value).iterator();
      while (it.hasNext()) {
        texts.add(ofSpark(it.next(), array.elementType(), pgType.substring(1)));
      }
      return Canonical.list(texts);
    }
    if (type instanceof IntegerType || type instanceof LongType || type instanceof BooleanType) {
      return value.toString();
    }
    if (type instanceof FloatType) {
      return Float.toString((Float) value);
    }
    if (type instanceof DoubleType) {
      return Double.toString((Double) value);
    }
    if (type instanceof DecimalType) {
      return ((BigDecimal) value).toPlainString();
    }
    if (type instanceof BinaryType) {
      return HexFormat.of().formatHex((byte[]) value);
    }
    if (type instanceof DateType) {
      return ((LocalDate) value).toString();
    }
    if (type instanceof TimestampNTZType) {
      return ((LocalDateTime) value).toString();
    }
    if (type instanceof TimestampType) {
      return ((Instant) value).toString();
    }
    if (type instanceof StringType) {
      return switch (pgType) {
        case "interval" -> Canonical.interval((String) value);
        case "money" -> Canonical.money((String) value);
        default -> (String) value;
      };
    }
    throw new AssertionError("Spark type " + type.simpleString() + " has no canonical text here; value " + value);
  }

}
