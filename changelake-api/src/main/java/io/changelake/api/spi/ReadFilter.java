package io.changelake.api.spi;

import java.util.List;
import java.util.Objects;

/**
 * A condition on one column that a format may use to skip data ({@link ReadRequest}). Values are instances of the
 * column type's value class (see {@link io.changelake.api.model.DataType}), never null: a comparison with null
 * holds for no row, so a caller has nothing to push down then.
 */
public sealed interface ReadFilter {

  /** The column the condition is on. */
  String column();

  /** How {@link Compare} compares the column with its value. */
  enum Op { EQ, LT, LE, GT, GE }

  /** {@code column op value}; a null column value does not meet it. */
  record Compare(String column, Op op, Object value) implements ReadFilter {
    public Compare {
      Objects.requireNonNull(column, "column");
      Objects.requireNonNull(op, "op");
      Objects.requireNonNull(value, "value");
    }
  }

  /** {@code column IN (values)}: the column equals one of the values. */
  record In(String column, List<Object> values) implements ReadFilter {
    public In {
      Objects.requireNonNull(column, "column");
      values = List.copyOf(values);
    }
  }

  /** {@code column IS NULL}, or {@code IS NOT NULL} when {@code negated}. */
  record IsNull(String column, boolean negated) implements ReadFilter {
    public IsNull {
      Objects.requireNonNull(column, "column");
    }
  }
}
