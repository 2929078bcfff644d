package io.changelake.sink.delta;

import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.CommitKind;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.RowScan;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableWriter;
import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;

/**
 * Test helpers: write through the sink, read back with Delta Kernel's own scan (a fresh engine,
 * the read loop of Kernel's user guide), never through the sink's reader.
 */
final class Lake {
  static final Engine ENGINE = DefaultEngine.create(new Configuration());

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

  static String path(Path warehouse, TableId id) {
    return warehouse.toAbsolutePath() + "/" + id.namespace() + "/" + id.name();
  }

  static Snapshot snapshot(Path warehouse, TableId id) {
    return TableManager.loadSnapshot(path(warehouse, id)).build(ENGINE);
  }

  /** Every live row as Kernel reads it; dates, timestamps, binaries and arrays as Java values. */
  static List<List<Object>> rows(Snapshot snapshot) {
    return rows(ENGINE, snapshot);
  }

  /** {@link #rows(Snapshot)}, read with {@code engine} (e.g. one whose Hadoop configuration reaches S3). */
  static List<List<Object>> rows(Engine engine, Snapshot snapshot) {
    Scan scan = snapshot.getScanBuilder().build();
    io.delta.kernel.data.Row state = scan.getScanState(engine);
    StructType logical = snapshot.getSchema();
    StructType physical = ScanStateRow.getPhysicalDataReadSchema(state);
    List<List<Object>> rows = new ArrayList<>();
    try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
      while (files.hasNext()) {
        try (CloseableIterator<io.delta.kernel.data.Row> fileRows = files.next().getRows()) {
          while (fileRows.hasNext()) {
            io.delta.kernel.data.Row file = fileRows.next();
            FileStatus status = InternalScanFileUtils.getAddFileStatus(file);
            CloseableIterator<ColumnarBatch> data = engine.getParquetHandler()
                .readParquetFiles(single(status), physical, Optional.empty()).map(FileReadResult::getData);
            try (CloseableIterator<FilteredColumnarBatch> batches = Scan.transformPhysicalData(engine, state, file,
                data)) {
              while (batches.hasNext()) {
                FilteredColumnarBatch batch = batches.next();
                for (int r = 0; r < batch.getData().getSize(); r++) {
                  Optional<ColumnVector> sel = batch.getSelectionVector();
                  if (sel.isPresent() && !sel.get().getBoolean(r)) {
                    continue;
                  }
                  List<Object> row = new ArrayList<>();
                  for (int c = 0; c < logical.length(); c++) {
                    row.add(value(batch.getData().getColumnVector(c), r));
                  }
                  rows.add(row);
                }
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  /** How many data files the snapshot holds. */
  static long liveFiles(Snapshot snapshot) {
    long count = 0;
    try (CloseableIterator<FilteredColumnarBatch> files = snapshot.getScanBuilder().build().getScanFiles(ENGINE)) {
      while (files.hasNext()) {
        try (CloseableIterator<io.delta.kernel.data.Row> rows = files.next().getRows()) {
          while (rows.hasNext()) {
            rows.next();
            count++;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return count;
  }

  /** Kernel's view as rows keyed by the primary key; fails on a duplicate key. */
  static Map<RowKey, Row> byKey(Path warehouse, TableId id, TableSchema schema) {
    return byKey(ENGINE, path(warehouse, id), schema);
  }

  /** Kernel's view of the table at {@code tablePath}, read with {@code engine}, keyed by the primary key. */
  static Map<RowKey, Row> byKey(Engine engine, String tablePath, TableSchema schema) {
    Map<RowKey, Row> rows = new LinkedHashMap<>();
    for (List<Object> values : rows(engine, TableManager.loadSnapshot(tablePath).build(engine))) {
      Row row = Row.of(values.toArray());
      Row previous = rows.put(row.key(schema), row);
      if (previous != null) {
        throw new AssertionError("Duplicate key " + row.key(schema) + ": " + previous + " and " + row);
      }
    }
    return rows;
  }

  private static Object value(ColumnVector v, int r) {
    if (v.isNullAt(r)) {
      return null;
    }
    DataType t = v.getDataType();
    if (t instanceof BooleanType) {
      return v.getBoolean(r);
    } else if (t instanceof IntegerType) {
      return v.getInt(r);
    } else if (t instanceof LongType) {
      return v.getLong(r);
    } else if (t instanceof FloatType) {
      return v.getFloat(r);
    } else if (t instanceof DoubleType) {
      return v.getDouble(r);
    } else if (t instanceof DecimalType) {
      return v.getDecimal(r);
    } else if (t instanceof StringType) {
      return v.getString(r);
    } else if (t instanceof BinaryType) {
      return ByteBuffer.wrap(v.getBinary(r));
    } else if (t instanceof DateType) {
      return LocalDate.ofEpochDay(v.getInt(r));
    } else if (t instanceof TimestampNTZType) {
      return LocalDateTime.of(1970, 1, 1, 0, 0).plus(v.getLong(r), ChronoUnit.MICROS);
    } else if (t instanceof TimestampType) {
      return OffsetDateTime.ofInstant(Instant.EPOCH.plus(v.getLong(r), ChronoUnit.MICROS), ZoneOffset.UTC);
    } else if (t instanceof ArrayType) {
      ArrayValue array = v.getArray(r);
      List<Object> list = new ArrayList<>();
      for (int i = 0; i < array.getSize(); i++) {
        list.add(value(array.getElements(), i));
      }
      return list;
    }
    throw new AssertionError("unexpected type " + t);
  }

  private static <T> CloseableIterator<T> single(T value) {
    return KernelFiles.iterator(List.of(value));
  }

  /** The sink's own view through scan(). */
  static List<Row> scan(SinkTable table, Long version) {
    List<Row> rows = new ArrayList<>();
    try (RowScan scan = table.scan(version)) {
      scan.forEach(rows::add);
    }
    return rows;
  }
}
