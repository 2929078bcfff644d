package io.changelake.api.schema;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides how a lake table follows its source's schema. A pure function: added columns are added,
 * dropped columns are kept (nullable, null from then on), widened types are widened, and anything
 * else is refused with a message that names the column and the fix.
 */
public final class SchemaEvolution {

  /** What to do with one column whose type changed. */
  public enum Verdict {
    /** Same type: nothing to do. */
    KEEP,
    /** The lake type widens to the source type. */
    WIDEN,
    /** The lake type already holds every value of the source type (e.g. narrowed at the source). */
    IGNORE,
    /** No lossless path: the table must be suspended. */
    REFUSE
  }

  private SchemaEvolution() { }

  /** How a lake column of type {@code lake} can take values of the source type {@code source}. */
  public static Verdict verdict(DataType lake, DataType source) {
    if (lake.equals(source)) {
      return Verdict.KEEP;
    }
    if (lake instanceof DataType.Decimal l && source instanceof DataType.Decimal s) {
      if (l.scale() != s.scale()) {
        return Verdict.REFUSE;
      }
      return s.precision() > l.precision() ? Verdict.WIDEN : Verdict.IGNORE;
    }
    if (lake instanceof DataType.ListOf l && source instanceof DataType.ListOf s) {
      Verdict element = verdict(l.element(), s.element());
      return element == Verdict.WIDEN ? Verdict.REFUSE : element;
    }
    if (widens(lake.kind(), source.kind())) {
      return Verdict.WIDEN;
    }
    if (widens(source.kind(), lake.kind())) {
      return Verdict.IGNORE;
    }
    return Verdict.REFUSE;
  }

  private static boolean widens(DataType.Kind from, DataType.Kind to) {
    return (from == DataType.Kind.INT && to == DataType.Kind.LONG)
        || (from == DataType.Kind.FLOAT && to == DataType.Kind.DOUBLE);
  }

  /**
   * The changes that make {@code lake} accept rows of {@code source}; empty when none are needed.
   *
   * @throws IncompatibleSchemaChangeException when the lake table cannot follow
   */
  public static List<SchemaChange> plan(TableId table, TableSchema lake, TableSchema source) {
    if (lake.hasPrimaryKey() && source.hasPrimaryKey() && !lake.primaryKey().equals(source.primaryKey())) {
      throw new IncompatibleSchemaChangeException(
          String.join(",", source.primaryKey()),
          "Primary key of " + table + " changed from " + lake.primaryKey() + " to " + source.primaryKey()
              + ". Fix: recreate the lake table (drop it and restart the sync) to re-snapshot with the new key.");
    }
    List<SchemaChange> changes = new ArrayList<>();
    for (Column sourceColumn : source.columns()) {
      var lakeColumn = lake.column(sourceColumn.name());
      if (lakeColumn.isEmpty()) {
        changes.add(new SchemaChange.AddColumn(sourceColumn.asNullable()));
        continue;
      }
      Column current = lakeColumn.get();
      switch (verdict(current.type(), sourceColumn.type())) {
        case KEEP, IGNORE -> { }
        case WIDEN -> changes.add(new SchemaChange.WidenColumn(current.name(), sourceColumn.type()));
        case REFUSE -> throw new IncompatibleSchemaChangeException(
            current.name(),
            "Column " + table + "." + current.name() + " changed type from " + current.type() + " ("
                + current.sourceType() + ") to " + sourceColumn.type() + " (" + sourceColumn.sourceType()
                + "), which the lake table cannot hold without loss. Only int->bigint, real->double and a larger"
                + " numeric precision are followed. Fix: revert the change at the source, or recreate the lake"
                + " table (drop it and restart the sync) so it is re-snapshotted with the new type.");
      }
      if (!current.nullable() && sourceColumn.nullable()) {
        changes.add(new SchemaChange.MakeNullable(current.name()));
      }
    }
    for (Column lakeColumn : lake.columns()) {
      if (source.column(lakeColumn.name()).isEmpty() && !lakeColumn.nullable()) {
        if (lake.primaryKey().contains(lakeColumn.name())) {
          throw new IncompatibleSchemaChangeException(
              lakeColumn.name(),
              "Primary key column " + table + "." + lakeColumn.name() + " was dropped at the source."
                  + " Fix: recreate the lake table (drop it and restart the sync).");
        }
        changes.add(new SchemaChange.MakeNullable(lakeColumn.name()));
      }
    }
    return changes;
  }
}
