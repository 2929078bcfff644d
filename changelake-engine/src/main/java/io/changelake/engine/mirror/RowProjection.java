package io.changelake.engine.mirror;

import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.TableSchema;
import java.util.function.UnaryOperator;

/**
 * Re-positions rows of a source schema onto a lake schema by column name: lake columns missing at
 * the source (dropped there) become null, and values of types the lake widened are widened.
 */
final class RowProjection {
  private final int[] sourcePositions;
  private final UnaryOperator<Object>[] conversions;
  private final boolean identity;

  @SuppressWarnings("unchecked")
  RowProjection(TableSchema source, TableSchema lake) {
    int size = lake.size();
    this.sourcePositions = new int[size];
    this.conversions = new UnaryOperator[size];
    boolean same = source.size() == size;
    for (int i = 0; i < size; i++) {
      int from = source.indexOf(lake.column(i).name());
      sourcePositions[i] = from;
      if (from >= 0) {
        conversions[i] = conversion(source.column(from).type(), lake.column(i).type());
      }
      same &= from == i && conversions[i] == null;
    }
    this.identity = same;
  }

  /** The row positioned by the lake schema. */
  Row apply(Row row) {
    if (identity || row == null) {
      return row;
    }
    Object[] values = new Object[sourcePositions.length];
    for (int i = 0; i < values.length; i++) {
      int from = sourcePositions[i];
      if (from >= 0) {
        Object value = row.get(from);
        values[i] = value == null || value == Row.UNAVAILABLE || conversions[i] == null
            ? value : conversions[i].apply(value);
      }
    }
    return Row.of(values);
  }

  private static UnaryOperator<Object> conversion(DataType from, DataType to) {
    if (from.kind() == to.kind()) {
      return null;
    }
    if (from.kind() == DataType.Kind.INT && to.kind() == DataType.Kind.LONG) {
      return v -> ((Integer) v).longValue();
    }
    if (from.kind() == DataType.Kind.FLOAT && to.kind() == DataType.Kind.DOUBLE) {
      return v -> (double) (Float) v;
    }
    throw new IllegalArgumentException("No conversion from " + from + " to " + to);
  }
}
