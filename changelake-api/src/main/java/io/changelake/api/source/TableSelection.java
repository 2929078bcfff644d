package io.changelake.api.source;

import io.changelake.api.model.TableId;
import io.changelake.api.spi.TableFilter;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The tables a source captures: those whose name (without namespace) fully matches its {@code table-name}
 * option and that the pipeline's {@link TableFilter} accepts.
 *
 * @param tableName the {@code table-name} pattern; null selects every name
 * @param filter the pipeline's include/exclude ({@link TableFilter#ALL} when none)
 */
public record TableSelection(Pattern tableName, TableFilter filter) implements Predicate<TableId> {

  public TableSelection {
    Objects.requireNonNull(filter, "filter");
  }

  @Override
  public boolean test(TableId table) {
    return (tableName == null || tableName.matcher(table.name()).matches()) && filter.test(table);
  }

  /** For messages: {@code any table}, or the {@code table-name} pattern and the filter. */
  public String describe() {
    return tableName == null && filter.equals(TableFilter.ALL) ? "any table"
        : (tableName == null ? "" : "table-name '" + tableName + "' ")
            + (filter.equals(TableFilter.ALL) ? "" : filter.toString());
  }
}
