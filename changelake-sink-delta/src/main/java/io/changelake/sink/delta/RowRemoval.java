package io.changelake.sink.delta;

import io.changelake.api.model.RowKey;
import io.delta.kernel.data.Row;
import java.util.List;
import java.util.Set;

/** Removes the live rows holding given keys from a snapshot, as actions of the writer's commit. */
interface RowRemoval {
  /** What one application did: the actions to commit, rows removed and rows copied into new files. */
  record Result(List<Row> actions, long rowsDeleted, long rowsCopied) { }

  /** Removes the rows holding one of {@code keys}; rows to keep that must move are written to {@code out}. */
  Result apply(Set<RowKey> keys, ParquetStream out);

  /** Deletes the files {@link #apply} wrote besides {@code out}'s, when its commit failed. */
  default void discard() { }
}
