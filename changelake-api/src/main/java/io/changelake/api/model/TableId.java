package io.changelake.api.model;

import java.util.Objects;

/**
 * Identifies a table: a namespace (PostgreSQL schema, lake database) and a name.
 *
 * <p>The textual form is {@code namespace.name}; a name without a dot has an empty namespace.
 */
public record TableId(String namespace, String name) implements Comparable<TableId> {

  public TableId {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("Table name is required");
    }
  }

  /** Parses {@code namespace.name}; the last dot separates the name. */
  public static TableId parse(String text) {
    int dot = text.lastIndexOf('.');
    return dot < 0 ? new TableId("", text) : new TableId(text.substring(0, dot), text.substring(dot + 1));
  }

  @Override
  public int compareTo(TableId other) {
    return toString().compareTo(other.toString());
  }

  @Override
  public String toString() {
    return namespace.isEmpty() ? name : namespace + "." + name;
  }
}
