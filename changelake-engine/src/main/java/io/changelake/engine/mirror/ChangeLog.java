package io.changelake.engine.mirror;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.TableSchema;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The layout of append-mode tables: every source column (nullable, no key), then three metadata
 * columns that say what the change was, when the source committed it and where it lies in the
 * source's stream.
 */
public final class ChangeLog {
  /**
   * One-letter operation: r (snapshot read), c (insert), u (update), d (delete), t (truncate: the source
   * table was emptied; the row's source columns are all null).
   */
  public static final String OPERATION = "_change_op";
  /** When the source committed the change (timestamptz). */
  public static final String SOURCE_TIME = "_change_time";
  /** The change's source position (e.g. an LSN), in the source's own notation. */
  public static final String POSITION = "_change_position";

  private static final List<Column> METADATA = List.of(
      Column.of(OPERATION, DataType.STRING, false),
      Column.of(SOURCE_TIME, DataType.TIMESTAMPTZ, false),
      Column.of(POSITION, DataType.STRING, false));

  private ChangeLog() { }

  /** The append-mode table schema for a source table. */
  public static TableSchema schemaFor(TableSchema source) {
    List<Column> columns = new ArrayList<>(source.size() + METADATA.size());
    source.columns().forEach(c -> columns.add(c.asNullable()));
    columns.addAll(METADATA);
    return new TableSchema(columns, List.of());
  }

  /**
   * The row recording {@code event}, positioned by {@code event.schema()} followed by the metadata
   * columns: the after-image, the before-image for a delete, or nulls for a truncation. Values the
   * source left out (unchanged values it did not send) are written as null.
   */
  static Row rowFor(ChangeEvent event) {
    Row image = event.keyRow();
    int size = event.schema().size();
    Object[] values = new Object[size + METADATA.size()];
    for (int i = 0; image != null && i < size; i++) {
      Object value = image.get(i);
      values[i] = value == Row.UNAVAILABLE ? null : value;
    }
    values[size] = event.operation().code();
    values[size + 1] = event.sourceTime().atOffset(ZoneOffset.UTC);
    values[size + 2] = event.position().describe();
    return Row.of(values);
  }

  /** The schema that positions {@link #rowFor} rows of events with {@code eventSchema}. */
  static TableSchema rowSchemaFor(TableSchema eventSchema) {
    return schemaFor(eventSchema);
  }
}
