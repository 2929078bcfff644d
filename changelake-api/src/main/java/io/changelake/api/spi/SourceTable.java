package io.changelake.api.spi;

import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;

/**
 * A table a source will capture.
 *
 * <p>Most tables mirror a table of the source and take the pipeline's shape: its mode, its
 * {@code --primary-keys} and its computed and metadata columns. A table the source writes for itself
 * (e.g. an errors table that records what it could not read) gives its own {@code mode} instead: it is
 * created in that mode with exactly {@code schema}'s columns (plus the mode's own columns), none of the
 * pipeline's shaping applies to it, and it keeps its name, only its namespace following the pipeline's
 * naming.
 *
 * @param id the source table, e.g. {@code public.products}
 * @param schema its columns and primary key (empty key when it has none)
 * @param estimatedRows the source's row estimate (e.g. pg_class.reltuples), -1 when unknown
 * @param ownMode the mode of a table the source writes for itself, or null for a mirrored table
 */
public record SourceTable(TableId id, TableSchema schema, long estimatedRows, WriteMode ownMode) {

  /** A mirrored table, shaped by the pipeline. */
  public SourceTable(TableId id, TableSchema schema, long estimatedRows) {
    this(id, schema, estimatedRows, null);
  }

  /** Whether the source writes this table for itself, in {@link #ownMode()}. */
  public boolean sourceOwned() {
    return ownMode != null;
  }
}
