package io.changelake.source.postgres;

import io.changelake.api.model.TableId;
import io.changelake.api.spi.ChangeListener;
import java.util.Set;

/**
 * Tables copied alone in the snapshot of a temporary slot while the main slot streams every table: the copy
 * holds each transaction committed before the temporary slot's consistent point ({@link #point()}), the
 * stream drops the copied tables' changes of those transactions and says where it passes the point. Once
 * both the copy's rows were emitted and the stream passed the point, the listener hears that each table was
 * copied, at the stream's position there.
 */
final class TableCopy {
  private final Set<TableId> tables;
  private final long point;
  private final ChangeListener listener;
  private PostgresPosition passed;
  private boolean rowsEmitted;

  /** @param listener the listener both the stream and the copy emit to, one at a time */
  TableCopy(Set<TableId> tables, long point, ChangeListener listener) {
    this.tables = Set.copyOf(tables);
    this.point = point;
    this.listener = listener;
  }

  Set<TableId> tables() {
    return tables;
  }

  /** The consistent point of the copy's snapshot: it holds every transaction committed before it. */
  long point() {
    return point;
  }

  /** The stream passed {@link #point()} at {@code position}; called from the stream's thread. */
  synchronized void pointPassed(PostgresPosition position) throws InterruptedException {
    passed = position;
    completeWhenBoth();
  }

  /** Every copied row was emitted; called from the copy's thread. */
  synchronized void rowsEmitted() throws InterruptedException {
    rowsEmitted = true;
    completeWhenBoth();
  }

  private void completeWhenBoth() throws InterruptedException {
    if (passed != null && rowsEmitted) {
      for (TableId table : tables) {
        listener.onTableCopied(table, passed);
      }
    }
  }
}
