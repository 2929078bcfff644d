package io.changelake.api.model;

import java.util.Objects;

/**
 * A column of a table.
 *
 * @param name column name as the source spells it
 * @param type logical type
 * @param nullable whether the column accepts nulls
 * @param sourceType the source's own type name (e.g. {@code int2}, {@code jsonb}), for docs and messages
 */
public record Column(String name, DataType type, boolean nullable, String sourceType) {

  public Column {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("Column name is required");
    }
    sourceType = sourceType == null ? type.toString() : sourceType;
  }

  public static Column of(String name, DataType type, boolean nullable) {
    return new Column(name, type, nullable, null);
  }

  public Column withType(DataType newType) {
    return new Column(name, newType, nullable, sourceType);
  }

  public Column asNullable() {
    return nullable ? this : new Column(name, type, true, sourceType);
  }
}
