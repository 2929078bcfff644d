package io.changelake.api.model;

import java.util.Arrays;
import java.util.List;

/**
 * The values of one row, positioned as the columns of the {@link TableSchema} it belongs to.
 *
 * <p>A value is null, an instance of its column type's value class (see {@link DataType}), or
 * {@link #UNAVAILABLE}: a value the source did not send and that is unchanged (e.g. a large value an
 * update left as it was, or an old-row value the source does not send).
 * Rows are immutable once built; {@link #of} takes ownership of the array it is given.
 */
public final class Row {

  /** Marks a value the source left out because it did not change. Never written to a table. */
  public static final Object UNAVAILABLE = new Object() {
    @Override
    public String toString() {
      return "<unavailable>";
    }
  };

  private final Object[] values;

  private Row(Object[] values) {
    this.values = values;
  }

  /** A row over the given values; the array is not copied and must not be changed afterwards. */
  public static Row of(Object... values) {
    return new Row(values);
  }

  public int size() {
    return values.length;
  }

  public Object get(int position) {
    return values[position];
  }

  /** A copy of the values, for building a changed row. */
  public Object[] copyValues() {
    return values.clone();
  }

  public boolean hasUnavailable() {
    for (Object value : values) {
      if (value == UNAVAILABLE) {
        return true;
      }
    }
    return false;
  }

  /** The primary key values of this row under {@code schema}. */
  public RowKey key(TableSchema schema) {
    int[] positions = schema.keyPositions();
    Object[] key = new Object[positions.length];
    for (int i = 0; i < positions.length; i++) {
      key[i] = values[positions[i]];
    }
    return new RowKey(List.of(key));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Row other && Arrays.equals(values, other.values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return Arrays.toString(values);
  }
}
