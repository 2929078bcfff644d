package io.changelake.sink.delta;

import io.changelake.api.model.DataType;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.ReadFilter;
import io.delta.kernel.expressions.And;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.expressions.Or;
import io.delta.kernel.expressions.Predicate;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * {@link ReadFilter}s as a Kernel predicate, with which Kernel's scan skips files by partition values and
 * min/max/null-count statistics; rows are not filtered.
 */
final class DeltaFilters {
  private DeltaFilters() { }

  /** All of {@code filters} on columns of {@code schema}, or empty for none; what Kernel cannot take is left out. */
  static Optional<Predicate> toKernel(List<ReadFilter> filters, TableSchema schema) {
    Predicate all = null;
    for (ReadFilter filter : filters) {
      Predicate one = toKernel(filter, schema.column(filter.column()).orElseThrow().type());
      if (one != null) {
        all = all == null ? one : new And(all, one);
      }
    }
    return Optional.ofNullable(all);
  }

  private static Predicate toKernel(ReadFilter filter, DataType type) {
    Column column = new Column(filter.column());
    if (filter instanceof ReadFilter.IsNull isNull) {
      return new Predicate(isNull.negated() ? "IS_NOT_NULL" : "IS_NULL", column);
    }
    if (filter instanceof ReadFilter.In in) {
      Predicate any = null;
      for (Object value : in.values()) {
        Literal literal = literal(value, type, filter.column());
        if (literal == null) {
          return null;
        }
        Predicate equal = new Predicate("=", column, literal);
        any = any == null ? equal : new Or(any, equal);
      }
      return any;  // null (nothing pushed) for an empty list
    }
    ReadFilter.Compare compare = (ReadFilter.Compare) filter;
    Literal literal = literal(compare.value(), type, filter.column());
    if (literal == null) {
      return null;
    }
    String name = switch (compare.op()) {
      case EQ -> "=";
      case LT -> "<";
      case LE -> "<=";
      case GT -> ">";
      case GE -> ">=";
    };
    return new Predicate(name, column, literal);
  }

  /** The Kernel literal of a value of {@code type}, or null for types whose statistics Kernel does not keep. */
  private static Literal literal(Object value, DataType type, String column) {
    Object stored = ValueConversion.toStored(value, type, column);
    return switch (type.kind()) {
      case INT -> Literal.ofInt((Integer) stored);
      case LONG -> Literal.ofLong((Long) stored);
      case DECIMAL -> Literal.ofDecimal((BigDecimal) stored, ((DataType.Decimal) type).precision(),
          ((DataType.Decimal) type).scale());
      case STRING -> Literal.ofString((String) stored);
      case DATE -> Literal.ofDate((Integer) stored);
      case TIMESTAMP -> Literal.ofTimestampNtz((Long) stored);
      case TIMESTAMPTZ -> Literal.ofTimestamp((Long) stored);
      default -> null;
    };
  }
}
