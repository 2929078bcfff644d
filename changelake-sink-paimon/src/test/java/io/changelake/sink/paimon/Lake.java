package io.changelake.sink.paimon;

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
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.catalog.Identifier;
import org.apache.paimon.data.BinaryString;
import org.apache.paimon.data.Decimal;
import org.apache.paimon.data.InternalArray;
import org.apache.paimon.data.InternalRow;
import org.apache.paimon.reader.RecordReader;
import org.apache.paimon.table.FileStoreTable;
import org.apache.paimon.table.source.ReadBuilder;
import org.apache.paimon.types.ArrayType;
import org.apache.paimon.types.DataType;
import org.apache.paimon.types.RowType;

/** Test helpers: write through the sink, read back with Paimon's own reader. */
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

  /** The table as Paimon's reader sees it, loaded fresh from the catalog. */
  static FileStoreTable load(PaimonSink sink, TableId id) {
    try {
      return (FileStoreTable) sink.catalog().getTable(Identifier.create(id.namespace(), id.name()));
    } catch (Catalog.TableNotExistException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Every row, read by Paimon's ReadBuilder, as plain Java values: strings, BigDecimal, Paimon
   * Timestamp, epoch days, ByteBuffer for binaries, lists for arrays.
   */
  static List<List<Object>> records(FileStoreTable table) {
    ReadBuilder builder = table.newReadBuilder();
    RowType type = table.rowType();
    List<List<Object>> records = new ArrayList<>();
    try (RecordReader<InternalRow> reader = builder.newRead().createReader(builder.newScan().plan())) {
      reader.forEachRemaining(row -> records.add(values(row, type)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return records;
  }

  private static List<Object> values(InternalRow row, RowType type) {
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < type.getFieldCount(); i++) {
      values.add(plain(InternalRow.createFieldGetter(type.getTypeAt(i), i).getFieldOrNull(row), type.getTypeAt(i)));
    }
    return values;
  }

  private static Object plain(Object value, DataType type) {
    if (value instanceof BinaryString s) {
      return s.toString();
    }
    if (value instanceof Decimal d) {
      return d.toBigDecimal();
    }
    if (value instanceof byte[] bytes) {
      return ByteBuffer.wrap(bytes.clone());
    }
    if (value instanceof InternalArray array) {
      DataType element = ((ArrayType) type).getElementType();
      InternalArray.ElementGetter getter = InternalArray.createElementGetter(element);
      List<Object> list = new ArrayList<>();
      for (int i = 0; i < array.size(); i++) {
        list.add(plain(getter.getElementOrNull(array, i), element));
      }
      return list;
    }
    return value;
  }

  /** Paimon's view as rows keyed by the changelake key (dates as LocalDate); fails on a duplicate key. */
  static Map<RowKey, Row> byKey(FileStoreTable table, TableSchema schema) {
    Map<RowKey, Row> rows = new LinkedHashMap<>();
    for (List<Object> record : records(table)) {
      Object[] values = record.toArray();
      for (int i = 0; i < values.length; i++) {
        if (schema.column(i).type().equals(io.changelake.api.model.DataType.DATE) && values[i] instanceof Integer days) {
          values[i] = java.time.LocalDate.ofEpochDay(days);
        }
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

  static List<Object> list(Object... values) {
    return Arrays.asList(values);
  }
}
