package io.changelake.api.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One change of one row, decoded from the source.
 *
 * <p>{@code before} is present for deletes (with only the key filled in when the source sends only
 * the key) and, when the source sends it, for updates: always for an update that changed the key
 * (unless the source {@linkplain io.changelake.api.spi.Source#splitsKeyChanges() splits key changes}),
 * where values it did not send are {@link Row#UNAVAILABLE}; {@code after} is present for snapshot
 * reads, inserts and updates. Both are positioned by {@code schema}, the table's schema at the time of
 * the change.
 *
 * @param table the source table
 * @param operation what happened
 * @param schema the row layout of {@code before} and {@code after}
 * @param before the row before the change, or null
 * @param after the row after the change, or null
 * @param position where the change lies in the source's stream
 * @param sourceTime when the source committed the change
 */
public record ChangeEvent(
    TableId table,
    Operation operation,
    TableSchema schema,
    Row before,
    Row after,
    SourcePosition position,
    Instant sourceTime) {

  public ChangeEvent {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(sourceTime, "sourceTime");
    switch (operation) {
      case SNAPSHOT, INSERT -> require(after != null, operation, "after");
      case UPDATE -> require(after != null, operation, "after");
      case DELETE -> require(before != null, operation, "before");
      case TRUNCATE -> { }
    }
  }

  private static void require(boolean present, Operation operation, String what) {
    if (!present) {
      throw new IllegalArgumentException(operation + " needs " + what);
    }
  }

  /** The row that carries the key: {@code after} unless this is a delete. */
  public Row keyRow() {
    return after != null ? after : before;
  }
}
