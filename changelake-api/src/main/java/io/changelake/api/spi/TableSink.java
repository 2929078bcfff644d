package io.changelake.api.spi;

import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import java.util.List;
import java.util.Optional;

/**
 * A table format in a catalog (Iceberg, Paimon, Delta): opens, creates and lists tables.
 *
 * <p>A sink only writes and commits; it never talks to the source.
 */
public interface TableSink extends AutoCloseable {

  /** The format's name, e.g. {@code iceberg}. */
  String format();

  /**
   * Opens {@code id}, creating it from {@code schema} when it does not exist. The schema's primary
   * key becomes the table's key (identifier fields, primary key). A new table records
   * {@code mode}; an existing table recorded with another mode is refused.
   *
   * @throws SinkException when the existing table cannot take this pipeline's rows
   */
  SinkTable open(TableId id, TableSchema schema, WriteMode mode);

  /** Opens an existing table, or empty when it does not exist. */
  Optional<SinkTable> find(TableId id);

  /** Every table in the catalog, all namespaces. */
  List<TableId> listTables();

  /**
   * Drops table {@code id} with its data and metadata files (purged, not only unregistered); afterwards
   * {@link #find} returns empty and a new {@link #open} creates it anew. Tables opened before keep no
   * guarantee: a writer or reader still holding one fails.
   *
   * @return false when the table did not exist
   * @throws SinkException when the table exists but cannot be dropped
   */
  boolean drop(TableId id);

  @Override
  void close();
}
