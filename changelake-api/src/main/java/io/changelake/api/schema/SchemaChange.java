package io.changelake.api.schema;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;

/** One compatible change to a lake table's columns. */
public sealed interface SchemaChange {

  /** Name of the column the change is about. */
  String column();

  /** A new nullable column at the end of the table. */
  record AddColumn(Column added) implements SchemaChange {
    @Override
    public String column() {
      return added.name();
    }
  }

  /** A column's type widened (int to long, float to double, larger decimal precision). */
  record WidenColumn(String column, DataType newType) implements SchemaChange { }

  /** A required column that now accepts nulls (e.g. dropped at the source: null from then on). */
  record MakeNullable(String column) implements SchemaChange { }
}
