package io.changelake.api.spi;

import java.util.List;
import java.util.Objects;

/**
 * What a reader of a table version needs: some columns, and conditions its rows must meet. A format uses them to
 * read less (skip columns, files, row groups); it may return more than asked, never less.
 *
 * @param columns the columns to read, or null for every column
 * @param filters conditions, all of which the wanted rows meet (empty: every row)
 */
public record ReadRequest(List<String> columns, List<ReadFilter> filters) {
  /** Every column of every row. */
  public static final ReadRequest ALL = new ReadRequest(null, List.of());

  public ReadRequest {
    columns = columns == null ? null : List.copyOf(columns);
    filters = List.copyOf(Objects.requireNonNull(filters, "filters"));
  }
}
