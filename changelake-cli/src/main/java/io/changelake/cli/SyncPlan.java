package io.changelake.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What a sync with given flags would create and write, as {@code changelake plan} prints it (and as JSON).
 *
 * @param pipeline the pipeline name
 * @param source the source kind, e.g. postgres
 * @param sourceObjects what the sync creates or uses in the source, one line each
 * @param tables each selected table in each format
 * @param problems why the sync would be refused, each with its fix; empty when the plan is valid
 */
record SyncPlan(String pipeline, String source, List<String> sourceObjects, List<TablePlan> tables,
    List<String> problems) {

  SyncPlan {
    sourceObjects = List.copyOf(sourceObjects);
    tables = List.copyOf(tables);
    problems = List.copyOf(problems);
  }

  /** Whether the sync would start. */
  @JsonProperty("valid")
  public boolean valid() {
    return problems.isEmpty();
  }

  /**
   * One lake table of the plan.
   *
   * @param source the source table
   * @param lake the lake table
   * @param format the table format
   * @param mode upsert or append
   * @param key the key columns (empty in append mode)
   * @param partitionKeys the partition columns of a new table (empty: unpartitioned)
   * @param exists whether the lake table exists already
   * @param position the source position the existing table holds, or null
   * @param writtenBy the pipeline that made the existing table's last commit, or null
   * @param columns the lake columns the sync writes: a new table is created with exactly these; an existing one
   *     takes them through {@code changes}
   * @param changes what the sync changes in an existing table (added columns, widened types), empty otherwise
   * @param refused why the sync would refuse this table, with the fix, or null
   */
  record TablePlan(String source, String lake, String format, String mode, List<String> key,
      List<String> partitionKeys, boolean exists, String position, String writtenBy, List<ColumnPlan> columns,
      List<String> changes, String refused) {

    TablePlan {
      key = List.copyOf(key);
      partitionKeys = List.copyOf(partitionKeys);
      columns = List.copyOf(columns);
      changes = List.copyOf(changes);
    }
  }

  /**
   * One lake column.
   *
   * @param name the column name
   * @param sourceType the source's type name; null for a column the sync adds (computed, metadata, change)
   * @param lakeType the lake type
   * @param nullable whether it takes nulls
   * @param origin {@code source}, {@code computed}, or {@code added} (a metadata or change column)
   */
  record ColumnPlan(String name, String sourceType, String lakeType, boolean nullable, String origin) { }
}
