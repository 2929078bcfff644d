package io.changelake.sink.paimon;

import io.changelake.api.model.Column;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.WriteMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.paimon.schema.Schema;
import org.apache.paimon.types.DataField;

/**
 * Maps changelake {@link TableSchema}s to Paimon schemas and back, so that reading a table's schema
 * gives exactly what created it.
 *
 * <p>Upsert tables get changelake's key as Paimon primary key, followed by the partition columns
 * that are not part of it (Paimon requires a fixed-bucket primary key to contain the partition
 * columns); changelake's own key is kept in the table option {@link TableOptions#PRIMARY_KEY}.
 * Append tables have no Paimon primary key. Each column's description holds its source type (see
 * {@link ColumnDoc}).
 */
final class SchemaMapping {
  private SchemaMapping() { }

  /** A Paimon schema for {@code schema} in {@code mode}, partitioned by {@code partitionKeys}. */
  static Schema toPaimon(TableSchema schema, WriteMode mode, List<String> partitionKeys, Map<String, String> options) {
    Schema.Builder builder = Schema.newBuilder().options(options);
    boolean keyed = mode == WriteMode.UPSERT;
    for (Column column : schema.columns()) {
      boolean key = keyed && schema.primaryKey().contains(column.name());
      builder.column(column.name(), TypeMapping.toPaimon(column.type(), column.nullable() && !key),
          ColumnDoc.describe(column));
    }
    if (keyed) {
      List<String> primaryKey = new ArrayList<>(schema.primaryKey());
      partitionKeys.stream().filter(p -> !primaryKey.contains(p)).forEach(primaryKey::add);
      builder.primaryKey(primaryKey);
      builder.option(TableOptions.PRIMARY_KEY, String.join(",", schema.primaryKey()));
    }
    builder.partitionKeys(partitionKeys);
    return builder.build();
  }

  /** The changelake schema of a Paimon table schema. */
  static TableSchema toTableSchema(org.apache.paimon.schema.TableSchema schema) {
    List<Column> columns = new ArrayList<>(schema.fields().size());
    for (DataField field : schema.fields()) {
      columns.add(toColumn(field));
    }
    String recordedKey = schema.options().get(TableOptions.PRIMARY_KEY);
    List<String> key = recordedKey == null ? schema.primaryKeys()
        : Arrays.stream(recordedKey.split(",")).filter(s -> !s.isEmpty()).toList();
    return new TableSchema(columns, key);
  }

  static Column toColumn(DataField field) {
    ColumnDoc doc = ColumnDoc.parse(field.description());
    return new Column(field.name(),
        doc.recorded() != null ? doc.recorded() : TypeMapping.toDataType(field.type(), field.name()),
        field.type().isNullable(), doc.sourceType());
  }
}
