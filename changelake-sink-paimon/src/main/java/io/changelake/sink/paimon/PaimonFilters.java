package io.changelake.sink.paimon;

import io.changelake.api.spi.ReadFilter;
import java.util.ArrayList;
import java.util.List;
import org.apache.paimon.predicate.Predicate;
import org.apache.paimon.predicate.PredicateBuilder;
import org.apache.paimon.types.RowType;

/**
 * {@link ReadFilter}s as a Paimon predicate: Paimon skips partitions, buckets and files with it (for a primary-key
 * table only where merging allows), so rows are not filtered exactly.
 */
final class PaimonFilters {
  private PaimonFilters() { }

  /** All of {@code filters} on {@code rowType}'s fields, values converted by {@code conversion}; null for none. */
  static Predicate toPaimon(List<ReadFilter> filters, RowType rowType, RowConversion conversion) {
    if (filters.isEmpty()) {
      return null;
    }
    PredicateBuilder builder = new PredicateBuilder(rowType);
    List<Predicate> all = new ArrayList<>(filters.size());
    for (ReadFilter filter : filters) {
      int field = rowType.getFieldIndex(filter.column());
      if (filter instanceof ReadFilter.IsNull isNull) {
        all.add(isNull.negated() ? builder.isNotNull(field) : builder.isNull(field));
      } else if (filter instanceof ReadFilter.In in) {
        List<Object> literals = new ArrayList<>(in.values().size());
        in.values().forEach(value -> literals.add(conversion.keyLiteral(value, filter.column())));
        all.add(builder.in(field, literals));
      } else {
        ReadFilter.Compare compare = (ReadFilter.Compare) filter;
        Object literal = conversion.keyLiteral(compare.value(), filter.column());
        all.add(switch (compare.op()) {
          case EQ -> builder.equal(field, literal);
          case LT -> builder.lessThan(field, literal);
          case LE -> builder.lessOrEqual(field, literal);
          case GT -> builder.greaterThan(field, literal);
          case GE -> builder.greaterOrEqual(field, literal);
        });
      }
    }
    return PredicateBuilder.and(all);
  }
}
