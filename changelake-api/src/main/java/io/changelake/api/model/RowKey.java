package io.changelake.api.model;

import java.util.List;

/** The primary key values of a row, in key order. Usable as a map key. */
public record RowKey(List<Object> values) {
  public RowKey {
    values = List.copyOf(values);
  }

  @Override
  public String toString() {
    return values.size() == 1 ? String.valueOf(values.get(0)) : values.toString();
  }
}
