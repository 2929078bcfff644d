package io.changelake.sink.delta;

import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Transaction;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams logical batches into rolling Parquet data files with Kernel's writer, which pulls its
 * input: a background thread runs the writer over a small queue that {@link #write} fills, so
 * memory stays at a few batches however many rows a commit holds.
 *
 * <p>Batches are renamed to the table's physical (column-mapped) schema on the way; Kernel 4.4's
 * {@code Transaction.transformLogicalData} refuses column-mapped tables, and for an unpartitioned
 * table that renaming is all it would do.
 *
 * <p>{@link #finish} returns the {@code add} actions of the files written; {@link #abort} drops the
 * queued batches, lets the writer close its current file and deletes every file written.
 */
final class ParquetStream {
  private static final Logger LOG = LoggerFactory.getLogger(ParquetStream.class);
  private static final Object END = new Object();
  private static final int QUEUE_BATCHES = 2;

  private final Engine engine;
  private final Row transactionState;
  private final String name;
  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_BATCHES);
  private final List<DataFileStatus> written = Collections.synchronizedList(new ArrayList<>());
  private DataWriteContext context;
  private Thread worker;
  private volatile Throwable failure;

  ParquetStream(Engine engine, Row transactionState, String name) {
    this.engine = engine;
    this.transactionState = transactionState;
    this.name = name;
  }

  /** Queues {@code batch} for writing; blocks while the writer is behind. */
  void write(FilteredColumnarBatch batch) {
    if (worker == null) {
      start();
    }
    put(batch);
  }

  /** Closes the last file and returns the {@code add} actions of every file written. */
  List<Row> finish() {
    if (worker == null) {
      return List.of();
    }
    put(END);
    join();
    if (failure != null) {
      throw new IllegalStateException("Writing Parquet files for " + name + " failed: " + failure.getMessage(),
          failure);
    }
    List<Row> actions = new ArrayList<>();
    try (CloseableIterator<Row> rows = Transaction.generateAppendActions(engine, transactionState,
        KernelFiles.iterator(List.copyOf(written)), context)) {
      rows.forEachRemaining(actions::add);
    } catch (IOException e) {
      throw new IllegalStateException("Building add actions for " + name + " failed", e);
    }
    return actions;
  }

  /** Stops writing and deletes the files written. */
  void abort() {
    if (worker != null && worker.isAlive()) {
      queue.clear();
      queue.offer(END);  // room after clear(): the writer closes its current file, so every file is known
      join();
    }
    for (DataFileStatus file : List.copyOf(written)) {
      try {
        engine.getFileSystemClient().delete(file.getPath());
      } catch (IOException | RuntimeException e) {
        LOG.warn("Could not delete {} of an aborted write to {}; VACUUM will: {}", file.getPath(), name, e.toString());
      }
    }
    written.clear();
  }

  private void start() {
    context = Transaction.getWriteContext(engine, transactionState, Map.of());
    worker = new Thread(this::run, "changelake-delta-writer-" + name);
    worker.setDaemon(true);
    worker.start();
  }

  private void run() {
    StructType physicalSchema = KernelFiles.physicalWriteSchema(transactionState);
    CloseableIterator<FilteredColumnarBatch> physical = new QueueIterator().map(batch -> new FilteredColumnarBatch(
        batch.getData().withNewSchema(physicalSchema), batch.getSelectionVector()));
    try (CloseableIterator<DataFileStatus> files = engine.getParquetHandler().writeParquetFiles(
            context.getTargetDirectory(), physical, context.getStatisticsColumns())) {
      files.forEachRemaining(written::add);
    } catch (Throwable e) {
      failure = e;
      queue.clear();
    }
  }

  private void put(Object item) {
    try {
      while (!queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
        if (!worker.isAlive()) {
          throw new IllegalStateException("Writing Parquet files for " + name + " failed: "
              + (failure == null ? "the writer stopped" : failure.getMessage()), failure);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while writing to " + name, e);
    }
    if (failure != null) {
      throw new IllegalStateException("Writing Parquet files for " + name + " failed: " + failure.getMessage(),
          failure);
    }
  }

  private void join() {
    try {
      worker.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while finishing the write to " + name, e);
    }
  }

  /** The queue as the pull iterator Kernel's writer consumes. */
  private final class QueueIterator implements CloseableIterator<FilteredColumnarBatch> {
    private Object next;

    @Override
    public boolean hasNext() {
      if (next == null) {
        try {
          next = queue.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CancellationException("interrupted");
        }
      }
      return next != END;
    }

    @Override
    public FilteredColumnarBatch next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      FilteredColumnarBatch batch = (FilteredColumnarBatch) next;
      next = null;
      return batch;
    }

    @Override
    public void close() { }
  }
}
