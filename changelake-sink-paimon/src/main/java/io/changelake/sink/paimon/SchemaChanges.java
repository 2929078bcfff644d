package io.changelake.sink.paimon;

import io.changelake.api.model.Column;
import io.changelake.api.model.TableSchema;
import io.changelake.api.schema.SchemaChange;

/** Translates changelake's compatible {@link SchemaChange}s to Paimon {@code alterTable} changes. */
final class SchemaChanges {
  private SchemaChanges() { }

  /** The Paimon change for {@code change} of a table whose schema is {@code current}. */
  static org.apache.paimon.schema.SchemaChange toPaimon(SchemaChange change, TableSchema current) {
    if (change instanceof SchemaChange.AddColumn add) {
      Column column = add.added().asNullable();
      return org.apache.paimon.schema.SchemaChange.addColumn(column.name(),
          TypeMapping.toPaimon(column.type(), true), ColumnDoc.describe(column));
    }
    if (change instanceof SchemaChange.WidenColumn widen) {
      Column column = current.column(widen.column()).orElseThrow(() -> new IllegalArgumentException(
          "no column '" + widen.column() + "' in " + current.columnNames()));
      return org.apache.paimon.schema.SchemaChange.updateColumnType(widen.column(),
          TypeMapping.toPaimon(widen.newType(), column.nullable()), true);
    }
    SchemaChange.MakeNullable nullable = (SchemaChange.MakeNullable) change;
    return org.apache.paimon.schema.SchemaChange.updateColumnNullability(nullable.column(), true);
  }
}
