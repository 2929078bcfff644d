package io.changelake.core.pipeline;

import io.changelake.core.model.ChangeEvent;
import io.changelake.core.model.Row;
import io.changelake.core.model.RowKey;
import io.changelake.core.model.TableSchema;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Folds the changes of one upsert-mode table within one commit, so a key touched many times is
 * written once, in its final state.
 *
 * <p>A key whose first change in the fold is an INSERT did not exist in the table before, so its
 * final row is written without a delete. Unchanged values a change left out
 * ({@link Row#UNAVAILABLE}) are taken from the key's previous row in the fold, or from the change's
 * before-image; what is still missing must be looked up in the table at commit.
 */
final class KeyedFold {

  /** The final state of one key. */
  static final class Entry {
    private final RowKey key;
    private final boolean existedBefore;
    private Row row;
    private TableSchema schema;

    private Entry(RowKey key, boolean existedBefore) {
      this.key = key;
      this.existedBefore = existedBefore;
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

    void resolve(Row resolved, TableSchema resolvedSchema) {
      this.row = resolved;
      this.schema = resolvedSchema;
    }
  }

  private final TableSchema keySchema;
  private final Map<RowKey, Entry> entries = new LinkedHashMap<>();
  private long changes;

  /** @param keySchema a schema whose primary key names the key columns (the lake table's) */
  KeyedFold(TableSchema keySchema) {
    this.keySchema = keySchema;
  }

  /** Adds a change; the key columns are found by name in the event's own schema. */
  void add(ChangeEvent event) {
    changes++;
    TableSchema schema = event.schema();
    switch (event.operation()) {
      case INSERT, SNAPSHOT -> put(keyOf(event.after(), schema), event.after(), schema, true);
      case UPDATE -> {
        if (event.before() != null) {
          RowKey oldKey = keyOf(event.before(), schema);
          RowKey newKey = keyOf(event.after(), schema);
          if (!oldKey.equals(newKey)) {
            remove(oldKey);
          }
        }
        put(keyOf(event.after(), schema), fillFromBefore(event.after(), event.before()), schema, false);
      }
      case DELETE -> remove(keyOf(event.before(), schema));
      case TRUNCATE -> throw new IllegalArgumentException("TRUNCATE cannot be folded");
    }
  }

  private void put(RowKey key, Row after, TableSchema schema, boolean insert) {
    Entry entry = entries.get(key);
    if (entry == null) {
      entry = new Entry(key, !insert);
      entries.put(key, entry);
    } else if (after.hasUnavailable() && entry.row != null) {
      after = fillFrom(after, schema, entry.row, entry.schema);
    }
    entry.row = after;
    entry.schema = schema;
  }

  private void remove(RowKey key) {
    entries.computeIfAbsent(key, k -> new Entry(k, true)).row = null;
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

  /** Number of changes added (before folding). */
  long changes() {
    return changes;
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /** A change without a value for a key column: the source sent no key (no primary key, no replica identity). */
  static final class MissingKeyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MissingKeyException(String column) {
      super("A change arrived without a value for key column '" + column + "'");
    }
  }
}
