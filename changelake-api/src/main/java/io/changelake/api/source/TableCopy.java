package io.changelake.api.source;

import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableId;
import io.changelake.api.spi.ChangeListener;
import io.changelake.api.spi.SourceException;
import java.sql.SQLException;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tables copied alone in a snapshot while the stream goes on with every table (see {@link
 * io.changelake.api.spi.Source#start(java.util.Optional, Set, ChangeListener)}): the copy holds each transaction
 * committed before the snapshot's point ({@link #point()}), the stream drops the copied tables' changes of those
 * transactions and says where it passes the point. Once both the copy's rows were emitted and the stream passed
 * the point, the listener hears that each table was copied, at the stream's position there. Thread-safe.
 *
 * @param <P> how the source states the point, e.g. a log sequence number
 */
public final class TableCopy<P> {
  private static final Logger LOG = LoggerFactory.getLogger(TableCopy.class);

  private final Set<TableId> tables;
  private final P point;
  private final ChangeListener listener;
  private SourcePosition passed;
  private boolean rowsEmitted;

  /** @param listener the listener both the stream and the copy emit to, one at a time ({@link SerialListener}) */
  public TableCopy(Set<TableId> tables, P point, ChangeListener listener) {
    this.tables = Set.copyOf(tables);
    this.point = point;
    this.listener = listener;
  }

  public Set<TableId> tables() {
    return tables;
  }

  /** The point of the copy's snapshot: it holds every transaction committed before it. */
  public P point() {
    return point;
  }

  /** Reads the copy's rows and hands them to the listener; returns their number. */
  @FunctionalInterface
  public interface Rows {
    long emit() throws SQLException, InterruptedException;
  }

  /**
   * Runs the copy on the calling thread (the source's {@link SnapshotThread}): emits its rows, then marks them
   * {@linkplain #rowsEmitted emitted}. A failure reaches the listener, naming {@code source} (e.g. host and
   * port), unless {@code closing} says the source is closing, which makes the reads fail.
   */
  public void run(Rows rows, String source, BooleanSupplier closing) {
    long started = System.nanoTime();
    try {
      long count = rows.emit();
      LOG.info("Copied {} alone: {} rows in {} ms", tables, count, (System.nanoTime() - started) / 1_000_000);
      rowsEmitted();
    } catch (SQLException | RuntimeException e) {
      if (!closing.getAsBoolean()) {
        listener.onFailure(new SourceException("Copying " + tables + " from " + source + " failed: " + e.getMessage(),
            e));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The stream passed {@link #point()} at {@code position}; called from the stream's thread. */
  public synchronized void pointPassed(SourcePosition position) throws InterruptedException {
    passed = position;
    completeWhenBoth();
  }

  /** Every copied row was emitted; called from the copy's thread. */
  public synchronized void rowsEmitted() throws InterruptedException {
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
