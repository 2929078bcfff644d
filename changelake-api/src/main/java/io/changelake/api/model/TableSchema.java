package io.changelake.api.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The columns of a table, in order, and its primary key (empty when the table has none).
 *
 * <p>Immutable. Rows of this schema hold one value per column, in the same order.
 */
public final class TableSchema {
  private final List<Column> columns;
  private final List<String> primaryKey;
  private final Map<String, Integer> positions;
  private final int[] keyPositions;

  public TableSchema(List<Column> columns, List<String> primaryKey) {
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("A table needs at least one column");
    }
    this.columns = List.copyOf(columns);
    this.primaryKey = List.copyOf(primaryKey);
    this.positions = new HashMap<>();
    for (int i = 0; i < this.columns.size(); i++) {
      if (positions.put(this.columns.get(i).name(), i) != null) {
        throw new IllegalArgumentException("Duplicate column: " + this.columns.get(i).name());
      }
    }
    this.keyPositions = new int[this.primaryKey.size()];
    for (int i = 0; i < keyPositions.length; i++) {
      Integer pos = positions.get(this.primaryKey.get(i));
      if (pos == null) {
        throw new IllegalArgumentException(
            "Primary key column " + this.primaryKey.get(i) + " is not a column of " + columnNames());
      }
      keyPositions[i] = pos;
    }
  }

  public List<Column> columns() {
    return columns;
  }

  public List<String> primaryKey() {
    return primaryKey;
  }

  public boolean hasPrimaryKey() {
    return !primaryKey.isEmpty();
  }

  public int size() {
    return columns.size();
  }

  public Column column(int position) {
    return columns.get(position);
  }

  public Optional<Column> column(String name) {
    Integer pos = positions.get(name);
    return pos == null ? Optional.empty() : Optional.of(columns.get(pos));
  }

  /** Position of the named column, or -1. */
  public int indexOf(String name) {
    return positions.getOrDefault(name, -1);
  }

  /** Positions of the primary key columns, in key order. The array must not be modified. */
  int[] keyPositions() {
    return keyPositions;
  }

  public List<String> columnNames() {
    List<String> names = new ArrayList<>(columns.size());
    columns.forEach(c -> names.add(c.name()));
    return names;
  }

  /**
   * The named columns only, in this schema's order; the key is kept when every key column is among them.
   *
   * @throws IllegalArgumentException when a name is not a column
   */
  public TableSchema select(Collection<String> names) {
    List<Column> selected = new ArrayList<>(names.size());
    for (Column column : columns) {
      if (names.contains(column.name())) {
        selected.add(column);
      }
    }
    for (String name : names) {
      if (!positions.containsKey(name)) {
        throw new IllegalArgumentException("No column " + name + " in " + columnNames());
      }
    }
    return new TableSchema(selected, names.containsAll(primaryKey) ? primaryKey : List.of());
  }

  /** This schema with a different primary key; key columns become non-nullable. */
  public TableSchema withPrimaryKey(List<String> newKey) {
    List<Column> updated = new ArrayList<>(columns.size());
    for (Column column : columns) {
      updated.add(newKey.contains(column.name()) && column.nullable()
          ? new Column(column.name(), column.type(), false, column.sourceType()) : column);
    }
    return new TableSchema(updated, newKey);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TableSchema other && columns.equals(other.columns) && primaryKey.equals(other.primaryKey);
  }

  @Override
  public int hashCode() {
    return columns.hashCode() * 31 + primaryKey.hashCode();
  }

  @Override
  public String toString() {
    return "TableSchema" + columns + " key" + primaryKey;
  }
}
