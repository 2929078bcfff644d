package io.changelake.engine.transform;

import io.changelake.api.config.ConfigException;
import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.Column;
import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.TableSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * {@link ColumnTransforms} compiled for one source schema: turns rows of that schema into rows of
 * {@link #outputSchema()} (the source columns with their types mapped, then the computed columns,
 * computed from the mapped values, then the metadata columns). Immutable and thread-safe; compile
 * once per source schema and reuse.
 *
 * <p>Computed values follow these rules:
 * <ul>
 *   <li>A computed column that reads a {@link Row#UNAVAILABLE} value (an unchanged value the source
 *       left out) is {@link Row#UNAVAILABLE} too, whether or not the expression would have used it; the
 *       pipeline resolves it like any other unavailable value. Re-applying the transform after the
 *       source values are resolved is what makes it exact when the expression also reads changed
 *       columns.</li>
 *   <li>For a DELETE whose before image carries only the key (every other value null), a computed
 *       column that reads non-key columns is null.</li>
 *   <li>An evaluation that fails (division by zero, overflow, a bad cast) throws
 *       {@link ComputedColumnException}.</li>
 * </ul>
 */
public final class RowTransform {
  private final TableSchema source;
  private final TableSchema output;
  /** Per source column, its {@link TypeMapping} conversion, or null when its values pass as they are. */
  private final UnaryOperator<Object>[] converters;
  private final boolean mapsValues;
  private final CompiledColumn[] computed;
  private final MetadataColumn[] metadata;
  private final TransformContext context;
  private final int[] nonKeyPositions;
  private final List<String> warnings;

  RowTransform(TableSchema source, TableSchema mapped, UnaryOperator<Object>[] converters,
      List<CompiledColumn> computed, List<MetadataColumn> metadata, TransformContext context) {
    this.source = source;
    this.converters = converters.clone();
    this.mapsValues = Arrays.stream(converters).anyMatch(Objects::nonNull);
    this.computed = computed.toArray(new CompiledColumn[0]);
    this.metadata = metadata.toArray(new MetadataColumn[0]);
    this.context = context;
    this.nonKeyPositions = source.columnNames().stream()
        .filter(name -> !source.primaryKey().contains(name)).mapToInt(source::indexOf).toArray();
    List<String> notes = new ArrayList<>();
    computed.forEach(c -> notes.addAll(c.warnings()));
    this.warnings = List.copyOf(notes);
    this.output = isIdentity() ? source : outputSchema(mapped, computed, metadata);
  }

  private static TableSchema outputSchema(TableSchema source, List<CompiledColumn> computed,
      List<MetadataColumn> metadata) {
    List<Column> columns = new ArrayList<>(source.columns());
    for (CompiledColumn column : computed) {
      requireNew(source, column.spec().name(), ColumnTransforms.COMPUTED_COLUMN, column.spec().toString());
      columns.add(Column.of(column.spec().name(), column.node().type(), true));
    }
    for (MetadataColumn column : metadata) {
      requireNew(source, column.columnName(), ColumnTransforms.METADATA_COLUMN, column.columnName());
      columns.add(Column.of(column.columnName(), column.type(), true));
    }
    return new TableSchema(columns, source.primaryKey());
  }

  private static void requireNew(TableSchema source, String name, String option, String value) {
    for (String existing : source.columnNames()) {
      if (existing.equalsIgnoreCase(name)) {
        throw new ConfigException(option, value, "the source table already has a column " + existing
            + "; choose another name");
      }
    }
  }

  /** The schema this transform was compiled for. */
  public TableSchema sourceSchema() {
    return source;
  }

  /** The schema of the rows {@link #apply} returns; the source schema itself when there is nothing to add. */
  public TableSchema outputSchema() {
    return output;
  }

  /** Whether rows pass through unchanged (no computed and no metadata columns, no type mapped). */
  public boolean isIdentity() {
    return computed.length == 0 && metadata.length == 0 && !mapsValues;
  }

  /** What compiling noticed that the user should know (e.g. a bare word read as a string). */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * {@code row}, positioned by {@code event.schema()} (which must be {@link #sourceSchema()}),
   * extended with the computed and metadata values for {@code event}; null for null.
   *
   * @throws ComputedColumnException when a computed column fails on this row
   */
  public Row apply(ChangeEvent event, Row row) {
    if (row == null || isIdentity()) {
      return row;
    }
    if (event.schema() != source && !event.schema().equals(source)) {
      throw new IllegalArgumentException("This transform was compiled for " + source + ", not " + event.schema());
    }
    int size = source.size();
    Object[] values = new Object[output.size()];
    for (int i = 0; i < size; i++) {
      Object value = row.get(i);
      values[i] = converters[i] == null || value == null || value == Row.UNAVAILABLE ? value : converters[i].apply(value);
    }
    boolean keyOnly = event.operation() == Operation.DELETE && carriesOnlyKey(row);
    Row mapped = mapsValues ? Row.of(Arrays.copyOf(values, size)) : row;
    for (int i = 0; i < computed.length; i++) {
      values[size + i] = computed[i].evaluate(mapped, keyOnly);
    }
    int offset = size + computed.length;
    for (int i = 0; i < metadata.length; i++) {
      values[offset + i] = metadata[i].valueOf(event, context);
    }
    return Row.of(values);
  }

  /**
   * {@code row}, positioned by {@link #outputSchema()}, with its computed columns evaluated again:
   * for a row whose unavailable source values were filled in after {@link #apply}, so that a
   * computed column over them holds the value for the filled row, not a stored one.
   *
   * @throws ComputedColumnException when a computed column fails on this row
   */
  public Row recompute(Row row) {
    if (row == null || computed.length == 0) {
      return row;
    }
    Object[] values = row.copyValues();
    for (int i = 0; i < computed.length; i++) {
      values[source.size() + i] = computed[i].evaluate(row, false);
    }
    return Row.of(values);
  }

  /** {@code event} with its schema, before and after images transformed. */
  public ChangeEvent apply(ChangeEvent event) {
    if (isIdentity()) {
      return event;
    }
    return new ChangeEvent(event.table(), event.operation(), output, apply(event, event.before()),
        apply(event, event.after()), event.position(), event.sourceTime());
  }

  private boolean carriesOnlyKey(Row row) {
    for (int position : nonKeyPositions) {
      if (row.get(position) != null) {
        return false;
      }
    }
    return true;
  }
}
