package io.changelake.engine.mirror;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableSchema;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Folds the changes of one upsert-mode table within one commit, so a key touched many times is
 * written once, in its final state.
 *
 * <p>A key whose first change in the fold is an INSERT did not exist in the table before, so its
 * final row is written without a delete. Unchanged values a change left out
 * ({@link Row#UNAVAILABLE}) are taken from the row's previous state in the fold, or from the change's
 * before-image; what is still missing must be looked up in the table at commit, under {@link
 * Entry#storedUnder()}. When the change also moved the row to a new key, its previous state is the
 * old key's: the source sends such a change as one UPDATE whose before-image holds the old key, or,
 * when it {@linkplain io.changelake.api.spi.Source#splitsKeyChanges() splits key changes}, as a
 * DELETE of the old key directly followed by an INSERT of the new key, the only INSERT that leaves
 * values out.
 */
final class KeyedFold {

  /** The final state of one key. */
  static final class Entry {
    private final RowKey key;
    private final boolean existedBefore;
    private Row row;
    private TableSchema schema;
    private RowKey storedUnder;

    private Entry(RowKey key, boolean existedBefore) {
      this.key = key;
      this.existedBefore = existedBefore;
      this.storedUnder = key;
    }

    RowKey key() {
      return key;
    }

    /** Whether the key may exist in the table already (its first change was not an insert). */
    boolean existedBefore() {
      return existedBefore;
    }

    /** The final row, or null when the key ends deleted. */
    Row row() {
      return row;
    }

    /** The schema that positions {@link #row()}. */
    TableSchema schema() {
      return schema;
    }

    /**
     * The key under which the table stores the values {@link #row()} left out: the entry's own key,
     * or the old key when the row moved to this key within the fold.
     */
    RowKey storedUnder() {
      return storedUnder;
    }

    void resolve(Row resolved, TableSchema resolvedSchema) {
      this.row = resolved;
      this.schema = resolvedSchema;
    }
  }

  /**
   * A row's state just before a change: its row and schema in the fold, or, when the fold has no row
   * for it, null and the key under which the table stores it.
   */
  private record Previous(Row row, TableSchema schema, RowKey storedUnder) { }

  private final TableSchema keySchema;
  private final boolean splitKeyChanges;
  private final BiFunction<Row, TableSchema, Row> refill;
  private final Map<RowKey, Entry> entries = new LinkedHashMap<>();
  private long changes;
  /** The deleted key's state when the last change added was a DELETE; null otherwise. */
  private Previous deletedJustBefore;

  /**
   * @param keySchema a schema whose primary key names the key columns (the lake table's)
   * @param splitKeyChanges whether the source sends a key change as a DELETE and an INSERT, which are
   *     glued back together; otherwise an INSERT is never part of a key change
   * @param refill derives a row's dependent values (computed columns) again once values it left out
   *     were filled in; given the row and its schema
   */
  KeyedFold(TableSchema keySchema, boolean splitKeyChanges, BiFunction<Row, TableSchema, Row> refill) {
    this.keySchema = keySchema;
    this.splitKeyChanges = splitKeyChanges;
    this.refill = refill;
  }

  /** Adds a change; the key columns are found by name in the event's own schema. */
  void add(ChangeEvent event) {
    changes++;
    TableSchema schema = event.schema();
    Previous deleted = deletedJustBefore;
    deletedJustBefore = null;
    switch (event.operation()) {
      case INSERT, SNAPSHOT -> {
        // values left out: the second half of a key change, whose first half deleted the old key
        Previous moved = event.after().hasUnavailable() ? deleted : null;
        put(keyOf(event.after(), schema), event.after(), moved != null, schema, true, moved);
      }
      case UPDATE -> {
        Previous moved = null;
        RowKey newKey = keyOf(event.after(), schema);
        if (event.before() != null) {
          RowKey oldKey = keyOf(event.before(), schema);
          if (!oldKey.equals(newKey)) {
            moved = remove(oldKey);
          }
        }
        put(newKey, fillFromBefore(event.after(), event.before()), event.after().hasUnavailable(), schema, false,
            moved);
      }
      case DELETE -> {
        Previous removed = remove(keyOf(event.before(), schema));
        deletedJustBefore = splitKeyChanges ? removed : null;
      }
      case TRUNCATE -> throw new IllegalArgumentException("TRUNCATE cannot be folded");
    }
  }

  /**
   * Sets the key's final row; values it left out come from {@code moved} (the row's state under its
   * old key) when the row changed key, else from the key's own previous state. A {@code partial} row
   * (one that left values out) is refilled after.
   */
  private void put(RowKey key, Row after, boolean partial, TableSchema schema, boolean insert, Previous moved) {
    Entry entry = entries.get(key);
    if (entry == null) {
      entry = new Entry(key, !insert);
      entries.put(key, entry);
    }
    Previous previous = moved != null ? moved : stateOf(entry);
    if (after.hasUnavailable() && previous.row() != null) {
      after = fillFrom(after, schema, previous.row(), previous.schema());
    }
    if (partial) {
      after = refill.apply(after, schema);
    }
    entry.row = after;
    entry.schema = schema;
    entry.storedUnder = previous.storedUnder();
  }

  /** Marks the key deleted and returns its state just before. */
  private Previous remove(RowKey key) {
    Entry entry = entries.computeIfAbsent(key, k -> new Entry(k, true));
    Previous previous = stateOf(entry);
    entry.row = null;
    return previous;
  }

  private static Previous stateOf(Entry entry) {
    return entry.row != null ? new Previous(entry.row, entry.schema, entry.storedUnder)
        : new Previous(null, null, entry.key);
  }

  private RowKey keyOf(Row row, TableSchema schema) {
    Object[] values = new Object[keySchema.primaryKey().size()];
    for (int i = 0; i < values.length; i++) {
      String column = keySchema.primaryKey().get(i);
      int position = schema.indexOf(column);
      Object value = position < 0 ? null : row.get(position);
      if (value == null) {
        throw new MissingKeyException(column);
      }
      values[i] = value;
    }
    return new RowKey(java.util.Arrays.asList(values));
  }

  private static Row fillFromBefore(Row after, Row before) {
    if (before == null || !after.hasUnavailable()) {
      return after;
    }
    Object[] values = after.copyValues();
    for (int i = 0; i < values.length; i++) {
      if (values[i] == Row.UNAVAILABLE && i < before.size() && before.get(i) != Row.UNAVAILABLE) {
        values[i] = before.get(i);
      }
    }
    return Row.of(values);
  }

  /** Replaces unavailable values of {@code row} with the same columns of {@code previous}. */
  static Row fillFrom(Row row, TableSchema schema, Row previous, TableSchema previousSchema) {
    Object[] values = row.copyValues();
    for (int i = 0; i < values.length; i++) {
      if (values[i] == Row.UNAVAILABLE) {
        int from = previousSchema.indexOf(schema.column(i).name());
        if (from >= 0) {
          values[i] = previous.get(from);
        }
      }
    }
    return Row.of(values);
  }

  Collection<Entry> entries() {
    return entries.values();
  }

  /**
   * The rows writing this fold writes: one per key, but none for a key that ends deleted and did not exist
   * before (nor, after a truncation ({@code emptied}), for any key that ends deleted).
   */
  long writes(boolean emptied) {
    return entries.values().stream().filter(e -> e.row() != null || (e.existedBefore() && !emptied)).count();
  }

  /** Number of changes added (before folding). */
  long changes() {
    return changes;
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /** A change without a value for a key column: the source sent no key (e.g. the table has no primary key). */
  static final class MissingKeyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MissingKeyException(String column) {
      super("A change arrived without a value for key column '" + column + "'");
    }
  }
}
