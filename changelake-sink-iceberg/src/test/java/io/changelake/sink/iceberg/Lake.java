package io.changelake.sink.iceberg;

import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.CommitKind;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.RowScan;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/** Test helpers: write through the sink, read back with Iceberg's own generic reader. */
final class Lake {
  private Lake() { }

  static CommitMetadata position(String position) {
    return new CommitMetadata(position, true, "test-pipeline", CommitKind.STREAM, null);
  }

  static void commit(SinkTable table, String position, Consumer<TableWriter> body) {
    try (TableWriter writer = table.newWriter()) {
      body.accept(writer);
      writer.commit(position(position));
    }
  }

  /** The table as Iceberg's reader sees it, loaded fresh from the catalog. */
  static Table load(IcebergSink sink, TableId id) {
    return sink.catalog().loadTable(TableIdentifier.of(Namespace.of(id.namespace()), id.name()));
  }

  /** Every row, read by IcebergGenerics, values as Iceberg hands them out. */
  static List<Record> records(Table table) {
    List<Record> records = new ArrayList<>();
    try (CloseableIterable<Record> iterable = IcebergGenerics.read(table).build()) {
      iterable.forEach(r -> records.add(r.copy()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return records;
  }

  /** Iceberg's view as rows keyed by primary key; fails on a duplicate key. */
  static Map<RowKey, Row> byKey(Table table, TableSchema schema) {
    Map<RowKey, Row> rows = new LinkedHashMap<>();
    for (Record record : records(table)) {
      Object[] values = new Object[schema.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = record.get(i);
      }
      Row row = Row.of(values);
      Row previous = rows.put(row.key(schema), row);
      if (previous != null) {
        throw new AssertionError("Duplicate key " + row.key(schema) + ": " + previous + " and " + row);
      }
    }
    return rows;
  }

  /** The sink's own view through scan(). */
  static List<Row> scan(SinkTable table, Long snapshotId) {
    List<Row> rows = new ArrayList<>();
    try (RowScan scan = table.scan(snapshotId)) {
      scan.forEach(rows::add);
    }
    return rows;
  }
}
