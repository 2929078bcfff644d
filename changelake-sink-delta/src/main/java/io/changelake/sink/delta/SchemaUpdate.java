package io.changelake.sink.delta;

import io.changelake.api.model.DataType;
import io.changelake.api.schema.SchemaChange;
import io.delta.kernel.types.FieldMetadata;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies validated {@link SchemaChange}s to a Delta schema, keeping each existing field's column
 * mapping metadata. Kernel records a widened field's type history itself ({@code typeWidening}
 * feature), so a field keeps the history it had.
 */
final class SchemaUpdate {
  private SchemaUpdate() { }

  /** {@code current} with {@code changes} applied. */
  static StructType apply(StructType current, List<SchemaChange> changes) {
    List<StructField> fields = new ArrayList<>(current.fields());
    for (SchemaChange change : changes) {
      if (change instanceof SchemaChange.AddColumn add) {
        fields.add(SchemaMapping.toField(add.added().asNullable(), -1));
        continue;
      }
      int index = indexOf(fields, change.column());
      StructField field = fields.get(index);
      if (change instanceof SchemaChange.WidenColumn widen) {
        fields.set(index, widen(field, widen.newType()));
      } else if (change instanceof SchemaChange.MakeNullable) {
        fields.set(index, new StructField(field.getName(), field.getDataType(), true, field.getMetadata())
            .withTypeChanges(field.getTypeChanges()));
      }
    }
    return new StructType(fields);
  }

  /** Whether {@code changes} change a column's type. */
  static boolean widens(List<SchemaChange> changes) {
    return changes.stream().anyMatch(SchemaChange.WidenColumn.class::isInstance);
  }

  private static StructField widen(StructField field, DataType newType) {
    io.delta.kernel.types.DataType deltaType = SchemaMapping.toDelta(newType);
    FieldMetadata.Builder metadata = FieldMetadata.builder().fromMetadata(field.getMetadata()).remove(SchemaMapping.TYPE);
    if (!SchemaMapping.toDataType(deltaType, field.getName()).equals(newType)) {
      metadata.putString(SchemaMapping.TYPE, newType.toString());
    }
    return new StructField(field.getName(), deltaType, field.isNullable(), metadata.build())
        .withTypeChanges(field.getTypeChanges());
  }

  private static int indexOf(List<StructField> fields, String name) {
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i).getName().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no column '" + name + "'");
  }
}
