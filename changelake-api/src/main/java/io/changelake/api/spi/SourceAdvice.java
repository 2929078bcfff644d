package io.changelake.api.spi;

import io.changelake.api.model.TableId;

/**
 * A source's fix-it texts for what the pipeline reports about its tables. The pipeline says what is
 * wrong; the source says, in its own terms, what the user changes on it. Each text is an imperative
 * clause that completes the pipeline's sentence ("Fix: ..."), without a trailing period. The defaults
 * name no particular database.
 */
public interface SourceAdvice {

  /** Advice that names no database: the defaults. */
  SourceAdvice GENERIC = new SourceAdvice() { };

  /**
   * Upsert mode and {@code table} has no primary key: how to make its updates and deletes carry the
   * columns the user names with {@code --primary-keys}.
   */
  default String sendKeyColumns(TableId table) {
    return "configure the source to send every column of " + table + " with its updates and deletes";
  }

  /** An update or delete of {@code table} arrived without its key (or without its old row). */
  default String sendOldRow(TableId table) {
    return "configure the source to send the old row (at least its key) with every update and delete of "
        + table;
  }

  /**
   * An update of {@code table} left an unchanged value out, and the lake table holds no row to take it
   * from: how to make updates carry every value.
   */
  default String sendUnchangedValues(TableId table) {
    return "configure the source to send every value with each update of " + table;
  }

  /**
   * A lake table belongs to pipeline {@code pipeline}: how to run this sync as that pipeline, i.e. which of the
   * source's options give the pipeline its name.
   */
  default String runAs(String pipeline) {
    return "run this sync under the name '" + pipeline + "' (the source option that names the pipeline)";
  }
}
