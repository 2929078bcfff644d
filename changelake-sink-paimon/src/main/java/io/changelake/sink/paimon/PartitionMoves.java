package io.changelake.sink.paimon;

import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableSchema;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.paimon.data.GenericRow;
import org.apache.paimon.types.RowKind;

/**
 * Upserts and deletes of a partitioned primary-key table whose partition columns are not all part of
 * changelake's key, so that a key's row may live in any partition.
 *
 * <p>Paimon's primary key there is changelake's key plus the partition columns, so an upsert into
 * another partition, or a delete that carries only the key, would leave the old row behind. Changes
 * are therefore buffered in batches of {@link KeyLookup#BATCH}; each batch looks up where its keys
 * live now (one filtered read of the last commit) and writes a delete of the old row, with its own
 * partition values, wherever the row moves or goes. Memory is bounded by the batch.
 */
final class PartitionMoves {
  private record Change(RowKey key, Row row) { }

  private final RowConversion conversion;
  private final int[] partitionPositions;
  private final Function<Collection<RowKey>, Map<RowKey, Row>> lookup;
  private final Consumer<GenericRow> out;
  private final List<Change> pending = new ArrayList<>();

  /**
   * @param lookup the committed rows of keys
   * @param out where the resulting Paimon rows go
   */
  PartitionMoves(RowConversion conversion, List<String> partitionKeys,
      Function<Collection<RowKey>, Map<RowKey, Row>> lookup, Consumer<GenericRow> out) {
    this.conversion = conversion;
    this.partitionPositions = partitionKeys.stream().mapToInt(conversion.schema()::indexOf).toArray();
    this.lookup = lookup;
    this.out = out;
  }

  /** Whether a table with this key and these partition columns needs moves handled. */
  static boolean needed(TableSchema schema, List<String> partitionKeys) {
    return schema.hasPrimaryKey() && !schema.primaryKey().containsAll(partitionKeys);
  }

  void upsert(Row row) {
    add(new Change(row.key(conversion.schema()), row));
  }

  void delete(RowKey key) {
    add(new Change(key, null));
  }

  private void add(Change change) {
    pending.add(change);
    if (pending.size() >= KeyLookup.BATCH) {
      flush();
    }
  }

  /** Writes every buffered change. */
  void flush() {
    if (pending.isEmpty()) {
      return;
    }
    Map<RowKey, Row> current = lookup.apply(pending.stream().map(Change::key).toList());
    for (Change change : pending) {
      Row old = current.get(change.key());
      if (old != null && (change.row() == null || !samePartition(old, change.row()))) {
        out.accept(conversion.toPaimon(old, RowKind.DELETE));
      }
      if (change.row() != null) {
        out.accept(conversion.toPaimon(change.row(), RowKind.UPDATE_AFTER));
      }
    }
    pending.clear();
  }

  private boolean samePartition(Row a, Row b) {
    for (int position : partitionPositions) {
      if (!Objects.equals(a.get(position), b.get(position))) {
        return false;
      }
    }
    return true;
  }
}
