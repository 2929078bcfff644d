package io.changelake.sink.delta;

import io.changelake.api.sink.WriterThreads;
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
import java.util.Iterator;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams logical batches into rolling Parquet data files with Kernel's writer, which pulls its
 * input: background threads ({@link WriterThreads}, one for a small write, up to {@code threads} while the
 * batches wait for them) each run the writer over the batches they take, into files of their own, so memory
 * stays at a few batches and a row group per thread however many rows a commit holds.
 *
 * <p>Batches are renamed to the table's physical (column-mapped) schema on the way; Kernel 4.4's
 * {@code Transaction.transformLogicalData} refuses column-mapped tables, and for an unpartitioned
 * table that renaming is all it would do.
 *
 * <p>{@link #finish} returns the {@code add} actions of the files written; {@link #abort} drops the
 * queued batches, lets the writers close their current files and deletes every file written.
 */
final class ParquetStream {
  private static final Logger LOG = LoggerFactory.getLogger(ParquetStream.class);

  private final Engine engine;
  private final Row transactionState;
  private final String name;
  private final WriterThreads<FilteredColumnarBatch> writers;
  private final List<DataFileStatus> written = Collections.synchronizedList(new ArrayList<>());
  private DataWriteContext context;

  /** @param threads the most threads writing files at once */
  ParquetStream(Engine engine, Row transactionState, String name, int threads) {
    this.engine = engine;
    this.transactionState = transactionState;
    this.name = name;
    this.writers = new WriterThreads<>("changelake-delta-writer-" + name, threads, this::writeFiles);
  }

  /** Queues {@code batch} for writing; blocks while the writers are behind. */
  void write(FilteredColumnarBatch batch) {
    if (context == null) {
      context = Transaction.getWriteContext(engine, transactionState, Map.of());
    }
    writers.put(batch);
  }

  /** Closes the last files and returns the {@code add} actions of every file written. */
  List<Row> finish() {
    if (context == null) {
      return List.of();
    }
    try {
      writers.finish();
    } catch (IllegalStateException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException("Writing Parquet files for " + name + " failed: " + cause.getMessage(), cause);
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
    writers.abort();
    for (DataFileStatus file : List.copyOf(written)) {
      try {
        engine.getFileSystemClient().delete(file.getPath());
      } catch (IOException | RuntimeException e) {
        LOG.warn("Could not delete {} of an aborted write to {}; VACUUM will: {}", file.getPath(), name, e.toString());
      }
    }
    written.clear();
  }

  /** On a writer thread: Kernel's writer over {@code batches}, renamed to the physical schema. */
  private void writeFiles(Iterator<FilteredColumnarBatch> batches) throws IOException {
    StructType physicalSchema = KernelFiles.physicalWriteSchema(transactionState);
    CloseableIterator<FilteredColumnarBatch> physical = new BatchIterator(batches).map(batch ->
        new FilteredColumnarBatch(batch.getData().withNewSchema(physicalSchema), batch.getSelectionVector()));
    try (CloseableIterator<DataFileStatus> files = engine.getParquetHandler().writeParquetFiles(
            context.getTargetDirectory(), physical, context.getStatisticsColumns())) {
      files.forEachRemaining(written::add);
    }
  }

  /** A thread's batches as the pull iterator Kernel's writer consumes. */
  private record BatchIterator(Iterator<FilteredColumnarBatch> batches)
      implements CloseableIterator<FilteredColumnarBatch> {
    @Override
    public boolean hasNext() {
      return batches.hasNext();
    }

    @Override
    public FilteredColumnarBatch next() {
      return batches.next();
    }

    @Override
    public void close() { }
  }
}
