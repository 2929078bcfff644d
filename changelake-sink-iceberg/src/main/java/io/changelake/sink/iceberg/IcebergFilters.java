package io.changelake.sink.iceberg;

import io.changelake.api.model.DataType;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.ReadFilter;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.util.DateTimeUtil;

/** {@link ReadFilter}s as an Iceberg expression, which prunes files and row groups and filters rows. */
final class IcebergFilters {
  private IcebergFilters() { }

  /** All of {@code filters}, on columns of {@code schema}; what cannot be expressed is left out (true). */
  static Expression toIceberg(List<ReadFilter> filters, TableSchema schema) {
    Expression all = Expressions.alwaysTrue();
    for (ReadFilter filter : filters) {
      DataType type = schema.column(filter.column()).orElseThrow().type();
      all = Expressions.and(all, toIceberg(filter, type));
    }
    return all;
  }

  private static Expression toIceberg(ReadFilter filter, DataType type) {
    String name = filter.column();
    if (filter instanceof ReadFilter.IsNull isNull) {
      return isNull.negated() ? Expressions.notNull(name) : Expressions.isNull(name);
    }
    if (filter instanceof ReadFilter.In in) {
      List<Object> literals = new ArrayList<>(in.values().size());
      for (Object value : in.values()) {
        Object literal = literal(value, type);
        if (literal == null) {
          return Expressions.alwaysTrue();
        }
        literals.add(literal);
      }
      return Expressions.in(name, literals);
    }
    ReadFilter.Compare compare = (ReadFilter.Compare) filter;
    Object literal = literal(compare.value(), type);
    if (literal == null) {
      return Expressions.alwaysTrue();
    }
    return switch (compare.op()) {
      case EQ -> Expressions.equal(name, literal);
      case LT -> Expressions.lessThan(name, literal);
      case LE -> Expressions.lessThanOrEqual(name, literal);
      case GT -> Expressions.greaterThan(name, literal);
      case GE -> Expressions.greaterThanOrEqual(name, literal);
    };
  }

  /** The Iceberg literal of a value of {@code type}, or null when it cannot be pushed down. */
  static Object literal(Object value, DataType type) {
    if (value == null) {
      return null;
    }
    return switch (type.kind()) {
      case DATE -> DateTimeUtil.daysFromDate((LocalDate) value);
      case TIME -> DateTimeUtil.microsFromTime((LocalTime) value);
      case TIMESTAMP -> DateTimeUtil.microsFromTimestamp((LocalDateTime) value);
      case TIMESTAMPTZ -> DateTimeUtil.microsFromTimestamptz((OffsetDateTime) value);
      case BINARY -> ((ByteBuffer) value).duplicate();
      case LIST -> null;
      default -> value;
    };
  }
}
