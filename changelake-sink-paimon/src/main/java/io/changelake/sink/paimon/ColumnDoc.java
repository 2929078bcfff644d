package io.changelake.sink.paimon;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;

/**
 * A Paimon column description: the column's source type (e.g. {@code int2}, {@code jsonb}), followed
 * by {@code [changelake <type>]} when the Paimon type alone does not give the changelake type back
 * ({@link TypeMapping#needsRecording}): {@code "uuid [changelake uuid]"}.
 *
 * @param sourceType the source's type name, or null when the description is empty
 * @param recorded the recorded changelake type, or null
 */
record ColumnDoc(String sourceType, DataType recorded) {
  private static final String OPEN = " [changelake ";

  /** The description of {@code column}. */
  static String describe(Column column) {
    return column.sourceType() + (TypeMapping.needsRecording(column.type()) ? OPEN + column.type() + "]" : "");
  }

  /** Reads a description written by {@link #describe}; other descriptions are a plain source type. */
  static ColumnDoc parse(String description) {
    if (description == null || description.isEmpty()) {
      return new ColumnDoc(null, null);
    }
    int open = description.lastIndexOf(OPEN);
    if (open < 0 || !description.endsWith("]")) {
      return new ColumnDoc(description, null);
    }
    String type = description.substring(open + OPEN.length(), description.length() - 1);
    return new ColumnDoc(description.substring(0, open), TypeMapping.parse(type));
  }
}
