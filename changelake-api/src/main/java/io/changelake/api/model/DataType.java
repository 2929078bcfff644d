package io.changelake.api.model;

import java.util.Objects;

/**
 * A logical column type that the three table formats share.
 *
 * <p>Each type fixes the Java class that carries its values through the pipeline:
 *
 * <table>
 *   <caption>Value classes</caption>
 *   <tr><th>type</th><th>Java value</th></tr>
 *   <tr><td>BOOLEAN</td><td>{@link Boolean}</td></tr>
 *   <tr><td>INT</td><td>{@link Integer}</td></tr>
 *   <tr><td>LONG</td><td>{@link Long}</td></tr>
 *   <tr><td>FLOAT</td><td>{@link Float}</td></tr>
 *   <tr><td>DOUBLE</td><td>{@link Double}</td></tr>
 *   <tr><td>DECIMAL(p,s)</td><td>{@link java.math.BigDecimal} with scale s</td></tr>
 *   <tr><td>DATE</td><td>{@link java.time.LocalDate}</td></tr>
 *   <tr><td>TIME</td><td>{@link java.time.LocalTime}, microsecond precision</td></tr>
 *   <tr><td>TIMESTAMP</td><td>{@link java.time.LocalDateTime}, microsecond precision</td></tr>
 *   <tr><td>TIMESTAMPTZ</td><td>{@link java.time.OffsetDateTime} in UTC, microsecond precision</td></tr>
 *   <tr><td>STRING</td><td>{@link String}</td></tr>
 *   <tr><td>UUID</td><td>{@link java.util.UUID}</td></tr>
 *   <tr><td>BINARY</td><td>{@link java.nio.ByteBuffer}</td></tr>
 *   <tr><td>LIST</td><td>{@link java.util.List} of the element's value class; elements may be null</td></tr>
 * </table>
 */
public sealed interface DataType permits DataType.Primitive, DataType.Decimal, DataType.ListOf {

  DataType BOOLEAN = new Primitive(Kind.BOOLEAN);
  DataType INT = new Primitive(Kind.INT);
  DataType LONG = new Primitive(Kind.LONG);
  DataType FLOAT = new Primitive(Kind.FLOAT);
  DataType DOUBLE = new Primitive(Kind.DOUBLE);
  DataType DATE = new Primitive(Kind.DATE);
  DataType TIME = new Primitive(Kind.TIME);
  DataType TIMESTAMP = new Primitive(Kind.TIMESTAMP);
  DataType TIMESTAMPTZ = new Primitive(Kind.TIMESTAMPTZ);
  DataType STRING = new Primitive(Kind.STRING);
  DataType UUID = new Primitive(Kind.UUID);
  DataType BINARY = new Primitive(Kind.BINARY);

  /** The largest decimal precision every format can store. */
  int MAX_DECIMAL_PRECISION = 38;

  /** The family of a type. */
  enum Kind {
    BOOLEAN, INT, LONG, FLOAT, DOUBLE, DECIMAL, DATE, TIME, TIMESTAMP, TIMESTAMPTZ, STRING, UUID, BINARY, LIST
  }

  Kind kind();

  static DataType decimal(int precision, int scale) {
    return new Decimal(precision, scale);
  }

  static DataType listOf(DataType element) {
    return new ListOf(element);
  }

  /** A type without parameters. */
  record Primitive(Kind kind) implements DataType {
    public Primitive {
      if (kind == Kind.DECIMAL || kind == Kind.LIST) {
        throw new IllegalArgumentException(kind + " takes parameters; use DataType.decimal or DataType.listOf");
      }
    }

    @Override
    public String toString() {
      return kind.name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A fixed-point number with {@code precision} digits, {@code scale} of them after the point. */
  record Decimal(int precision, int scale) implements DataType {
    public Decimal {
      if (precision < 1 || precision > MAX_DECIMAL_PRECISION) {
        throw new IllegalArgumentException("Decimal precision must be in [1, 38]: " + precision);
      }
      if (scale < 0 || scale > precision) {
        throw new IllegalArgumentException("Decimal scale must be in [0, precision]: " + scale);
      }
    }

    @Override
    public Kind kind() {
      return Kind.DECIMAL;
    }

    @Override
    public String toString() {
      return "decimal(" + precision + "," + scale + ")";
    }
  }

  /** An ordered list whose elements may be null. */
  record ListOf(DataType element) implements DataType {
    public ListOf {
      Objects.requireNonNull(element, "element");
    }

    @Override
    public Kind kind() {
      return Kind.LIST;
    }

    @Override
    public String toString() {
      return "list<" + element + ">";
    }
  }
}
