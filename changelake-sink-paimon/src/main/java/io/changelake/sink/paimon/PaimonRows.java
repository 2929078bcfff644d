package io.changelake.sink.paimon;

import io.changelake.api.model.Row;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.RowScan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import org.apache.paimon.data.InternalRow;
import org.apache.paimon.predicate.Predicate;
import org.apache.paimon.table.FileStoreTable;
import org.apache.paimon.table.source.ReadBuilder;
import org.apache.paimon.utils.CloseableIterator;

/** Rows of one Paimon table version, read with Paimon's own reader and converted as they stream. */
final class PaimonRows implements RowScan {
  private final RowConversion conversion;
  private final CloseableIterator<InternalRow> rows;

  private PaimonRows(RowConversion conversion, CloseableIterator<InternalRow> rows) {
    this.conversion = conversion;
    this.rows = rows;
  }

  /**
   * Reads {@code table} (the version it is pinned to, or the latest), keeping the rows that may
   * match {@code filter} (null for all). The filter prunes files; rows are not filtered exactly.
   */
  static PaimonRows read(FileStoreTable table, RowConversion conversion, Predicate filter) {
    return read(table, conversion, null, filter);
  }

  /**
   * Reads {@code columns} (null for all) of {@code table} as {@link #read(FileStoreTable, RowConversion, Predicate)}
   * does; {@code conversion} is for every column of the table.
   */
  static PaimonRows read(FileStoreTable table, RowConversion conversion, List<String> columns, Predicate filter) {
    ReadBuilder builder = table.newReadBuilder();
    if (filter != null) {
      builder.withFilter(filter);
    }
    RowConversion read = conversion;
    if (columns != null) {
      read = new RowConversion(conversion.schema().select(columns));
      builder.withProjection(read.schema().columnNames().stream().mapToInt(table.rowType()::getFieldIndex).toArray());
    }
    try {
      return new PaimonRows(read, builder.newRead().createReader(builder.newScan().plan()).toCloseableIterator());
    } catch (IOException e) {
      throw new UncheckedIOException("Reading Paimon table " + table.name() + " failed", e);
    }
  }

  /** No rows (a table without snapshots). */
  static PaimonRows empty(RowConversion conversion) {
    return new PaimonRows(conversion, CloseableIterator.empty());
  }

  @Override
  public TableSchema schema() {
    return conversion.schema();
  }

  @Override
  public Iterator<Row> iterator() {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        return conversion.toRow(rows.next());
      }
    };
  }

  @Override
  public void close() {
    try {
      rows.close();
    } catch (Exception e) {
      throw new IllegalStateException("Closing a Paimon reader failed: " + e.getMessage(), e);
    }
  }
}
