package io.changelake.sink.delta;

import io.changelake.api.model.Column;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableSchema;
import io.delta.kernel.data.Row;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.statistics.DataFileStatistics;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import java.util.Collection;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Decides from a data file's min/max statistics of the first key column whether the file may
 * hold one of a set of keys. Files without usable statistics always may.
 *
 * <p>Long strings are treated as unbounded above: other writers (Spark) truncate string maxima.
 */
final class FilePruning implements Predicate<Row> {
  private static final String PHYSICAL_NAME = "delta.columnMapping.physicalName";
  private static final int TRUNCATED_STRING_LENGTH = 32;

  private final TreeSet<Comparable<Object>> firstKeyValues;
  private final StructType statsSchema;
  private final io.delta.kernel.expressions.Column statsColumn;

  /**
   * @param deltaSchema the snapshot's logical schema (with column mapping metadata)
   */
  @SuppressWarnings("unchecked")
  FilePruning(TableSchema schema, StructType deltaSchema, Collection<RowKey> keys) {
    Column first = schema.column(schema.primaryKey().get(0)).orElseThrow();
    StructField field = deltaSchema.at(deltaSchema.indexOf(first.name()));
    String physical = field.getMetadata().contains(PHYSICAL_NAME)
        ? field.getMetadata().getString(PHYSICAL_NAME) : field.getName();
    this.statsSchema = new StructType().add(physical, field.getDataType());
    this.statsColumn = new io.delta.kernel.expressions.Column(physical);
    TreeSet<Comparable<Object>> values = new TreeSet<>();
    for (RowKey key : keys) {
      Object stored = ValueConversion.toStored(key.values().get(0), first.type(), first.name());
      if (!(stored instanceof Comparable)) {
        values = null;
        break;
      }
      values.add((Comparable<Object>) stored);
    }
    this.firstKeyValues = values;
  }

  @Override
  public boolean test(Row scanFile) {
    if (firstKeyValues == null) {
      return true;
    }
    if (firstKeyValues.isEmpty()) {
      return false;
    }
    Optional<DataFileStatistics> stats = KernelFiles.stats(scanFile)
        .flatMap(json -> DataFileStatistics.deserializeFromJson(json, statsSchema));
    Literal min = stats.map(s -> s.getMinValues().get(statsColumn)).orElse(null);
    Literal max = stats.map(s -> s.getMaxValues().get(statsColumn)).orElse(null);
    if (min == null || max == null || min.getValue() == null || max.getValue() == null) {
      return true;
    }
    Comparable<Object> candidate = firstKeyValues.ceiling(comparable(min.getValue()));
    if (candidate == null) {
      return false;
    }
    Object upper = max.getValue();
    return upper instanceof String s && s.length() >= TRUNCATED_STRING_LENGTH || candidate.compareTo(upper) <= 0;
  }

  @SuppressWarnings("unchecked")
  private static Comparable<Object> comparable(Object value) {
    return (Comparable<Object>) value;
  }
}
