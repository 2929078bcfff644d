package io.changelake.sink.delta;

import io.changelake.api.model.Row;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.RowScan;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.utils.CloseableIterator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/** The rows of one Delta snapshot, read file by file with Kernel's scan as they are iterated. */
final class DeltaRowScan implements RowScan {
  private final TableSchema schema;
  private final TableReader reader;
  private final List<io.delta.kernel.data.Row> files;
  private CloseableIterator<FilteredColumnarBatch> open;

  DeltaRowScan(TableSchema schema, TableReader reader) {
    this.schema = schema;
    this.reader = reader;
    this.files = reader.files(file -> true);
  }

  @Override
  public TableSchema schema() {
    return schema;
  }

  @Override
  public Iterator<Row> iterator() {
    return new Iterator<>() {
      private int nextFile;
      private FilteredColumnarBatch batch;
      private int rowId;

      @Override
      public boolean hasNext() {
        while (true) {
          while (batch != null && rowId < batch.getData().getSize()) {
            if (TableReader.selected(batch, rowId)) {
              return true;
            }
            rowId++;
          }
          batch = null;
          if (open != null && open.hasNext()) {
            batch = open.next();
            rowId = 0;
          } else if (nextFile < files.size()) {
            close();
            open = reader.read(files.get(nextFile++));
          } else {
            close();
            return false;
          }
        }
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return TableReader.row(batch, rowId++, schema);
      }
    };
  }

  @Override
  public void close() {
    if (open != null) {
      try {
        open.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        open = null;
      }
    }
  }
}
