package io.changelake.sink.delta;

import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableSchema;
import io.delta.kernel.Scan;
import io.delta.kernel.ScanBuilder;
import io.delta.kernel.Snapshot;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.expressions.Predicate;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads one Delta snapshot with Kernel's own scan: the live data files (with their stats), and the
 * rows of a file with deletion vectors and column mapping applied by Kernel.
 */
final class TableReader {
  private final Engine engine;
  private final Scan scan;
  private final Row scanState;
  private final StructType physicalSchema;

  /** Reads every column of {@code snapshot}, or only {@code readSchema}'s when not null. */
  TableReader(Engine engine, Snapshot snapshot, StructType readSchema) {
    this(engine, snapshot, readSchema, Optional.empty());
  }

  /** As {@link #TableReader(Engine, Snapshot, StructType)}, listing only the files {@code filter} may match. */
  TableReader(Engine engine, Snapshot snapshot, StructType readSchema, Optional<Predicate> filter) {
    this.engine = engine;
    ScanBuilder builder = snapshot.getScanBuilder();
    if (readSchema != null) {
      builder = builder.withReadSchema(readSchema);
    }
    this.scan = (filter.isPresent() ? builder.withFilter(filter.get()) : builder).build();
    this.scanState = scan.getScanState(engine);
    this.physicalSchema = KernelFiles.physicalReadSchema(scanState);
  }

  /** The scan file rows (metadata only, stats included) of the live files that {@code filter} accepts. */
  List<Row> files(java.util.function.Predicate<Row> filter) {
    List<Row> files = new ArrayList<>();
    try (CloseableIterator<FilteredColumnarBatch> batches = scan.getScanFiles(engine, true)) {
      while (batches.hasNext()) {
        try (CloseableIterator<Row> rows = batches.next().getRows()) {
          while (rows.hasNext()) {
            Row file = rows.next();
            if (filter.test(file)) {
              files.add(file);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Listing the files of " + scan + " failed", e);
    }
    return files;
  }

  /** The logical batches of one file; a batch's selection vector marks its live rows. Close it. */
  CloseableIterator<FilteredColumnarBatch> read(Row scanFile) {
    try {
      CloseableIterator<io.delta.kernel.data.ColumnarBatch> physical = engine.getParquetHandler()
          .readParquetFiles(KernelFiles.iterator(List.of(KernelFiles.fileStatus(scanFile))), physicalSchema,
              Optional.empty())
          .map(FileReadResult::getData);
      return Scan.transformPhysicalData(engine, scanState, scanFile, physical);
    } catch (IOException e) {
      throw new UncheckedIOException("Reading " + KernelFiles.fileStatus(scanFile).getPath() + " failed", e);
    }
  }

  /** Whether row {@code rowId} of {@code batch} is live. */
  static boolean selected(FilteredColumnarBatch batch, int rowId) {
    Optional<ColumnVector> selection = batch.getSelectionVector();
    return selection.isEmpty() || (!selection.get().isNullAt(rowId) && selection.get().getBoolean(rowId));
  }

  /** The core row at {@code rowId}, whose columns are {@code schema}'s in order. */
  static io.changelake.api.model.Row row(FilteredColumnarBatch batch, int rowId, TableSchema schema) {
    Object[] values = new Object[schema.size()];
    for (int c = 0; c < values.length; c++) {
      values[c] = ValueConversion.read(batch.getData().getColumnVector(c), rowId, schema.column(c).type());
    }
    return io.changelake.api.model.Row.of(values);
  }

  /** The primary key of row {@code rowId}, whose columns are {@code schema}'s in order. */
  static RowKey key(FilteredColumnarBatch batch, int rowId, TableSchema schema) {
    List<Object> values = new ArrayList<>(schema.primaryKey().size());
    for (String name : schema.primaryKey()) {
      int c = schema.indexOf(name);
      values.add(ValueConversion.read(batch.getData().getColumnVector(c), rowId, schema.column(c).type()));
    }
    return new RowKey(values);
  }
}
