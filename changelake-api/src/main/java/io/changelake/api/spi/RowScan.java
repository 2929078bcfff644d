package io.changelake.api.spi;

import io.changelake.api.model.Row;
import io.changelake.api.model.TableSchema;

/** The rows of one table version, read with the format's own reader. Close it when done. */
public interface RowScan extends Iterable<Row>, AutoCloseable {

  /** The schema of that version; rows are positioned by it. */
  TableSchema schema();

  @Override
  void close();
}
