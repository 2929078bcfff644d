package io.changelake.api.spi;

import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;

/**
 * A table a source will capture.
 *
 * @param id the source table, e.g. {@code public.products}
 * @param schema its columns and primary key (empty key when it has none)
 * @param estimatedRows the source's row estimate (e.g. pg_class.reltuples), -1 when unknown
 */
public record SourceTable(TableId id, TableSchema schema, long estimatedRows) { }
