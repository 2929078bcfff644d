package io.changelake.api.source;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.ChangeListener;
import io.changelake.api.spi.SourceTable;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the chunks of a snapshot on worker threads, one JDBC connection each, and hands the rows to a
 * {@link ChangeListener} as {@link Operation#SNAPSHOT} events from the calling thread.
 *
 * <p>The workers take chunks from one queue until it is empty and pass the rows on in batches of up to
 * {@value #BATCH_ROWS}; at most four batches per worker wait for the listener, so a slow listener holds the
 * workers back. The first failure of a worker ends {@link #read} with that failure. Every connection given to
 * {@link #track} is closed when {@link #read} ends, or by {@link #close}, which another thread may call to make a
 * running read fail promptly. An instance serves one snapshot.
 *
 * @param <C> the source's chunk
 */
public final class ParallelChunkReader<C extends ParallelChunkReader.Chunk> implements AutoCloseable {
  /** The most rows a worker hands over at once; also a sensible JDBC fetch size for chunk queries. */
  public static final int BATCH_ROWS = 1024;

  private static final Logger LOG = LoggerFactory.getLogger(ParallelChunkReader.class);
  private static final Object WORKER_DONE = new Object();

  /** A part of one table that one worker reads. */
  public interface Chunk {
    /** The table the chunk belongs to. */
    SourceTable table();

    /** The SQL condition that selects the chunk's rows, with a leading space, for messages; empty for all rows. */
    String where();
  }

  /** Reads the rows of one chunk. */
  @FunctionalInterface
  public interface ChunkRows<C> {
    /** Reads the rows of {@code chunk} on {@code c}, a worker's connection, and hands each to {@code rows} in order. */
    void read(Connection c, C chunk, RowConsumer rows) throws SQLException, InterruptedException;
  }

  /** Takes the rows of a chunk; may block while the listener is behind. */
  @FunctionalInterface
  public interface RowConsumer {
    void accept(Row row) throws InterruptedException;
  }

  private record Batch(SourceTable table, List<Row> rows) { }

  private final String threadName;
  private final ChunkRows<C> chunkRows;
  private final List<Connection> open = new CopyOnWriteArrayList<>();

  /**
   * @param threadName the workers' thread names, followed by their number
   * @param chunkRows reads one chunk
   */
  public ParallelChunkReader(String threadName, ChunkRows<C> chunkRows) {
    this.threadName = threadName;
    this.chunkRows = chunkRows;
  }

  /** Registers {@code c} to be closed when {@link #read} ends or on {@link #close}; returns it. */
  public Connection track(Connection c) {
    open.add(c);
    return c;
  }

  /**
   * Reads {@code chunks} with one worker per connection and hands each row to {@code listener}; returns the
   * number of rows once all were handed over. Closes the tracked connections before it returns or throws.
   *
   * @param connections the workers' connections, each {@link #track tracked} and ready to read (e.g. in a
   *     snapshot transaction); each is rolled back once the chunks are read
   * @param position the position of the row handed over {@code n}-th (from 0)
   */
  public long read(List<C> chunks, List<Connection> connections, ChangeListener listener,
      LongFunction<? extends SourcePosition> position) throws SQLException, InterruptedException {
    Queue<C> queue = new ConcurrentLinkedQueue<>(chunks);
    BlockingQueue<Object> out = new ArrayBlockingQueue<>(4 * Math.max(1, connections.size()));
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < connections.size(); i++) {
      Connection c = connections.get(i);
      Thread t = new Thread(() -> work(c, queue, out), threadName + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    Instant time = Instant.now();
    long ordinal = 0;
    try {
      for (int done = 0; done < threads.size(); ) {
        Object item = out.take();
        if (item == WORKER_DONE) {
          done++;
        } else if (item instanceof Batch batch) {
          TableId id = batch.table().id();
          TableSchema schema = batch.table().schema();
          for (Row row : batch.rows()) {
            listener.onChange(new ChangeEvent(id, Operation.SNAPSHOT, schema, null, row, position.apply(ordinal++),
                time));
          }
        } else if (item instanceof SQLException e) {
          throw e;
        } else {
          throw (RuntimeException) item;
        }
      }
    } finally {
      threads.forEach(Thread::interrupt);
      close();
    }
    return ordinal;
  }

  /** Closes every tracked connection; from another thread, this makes a running {@link #read} fail promptly. */
  @Override
  public void close() {
    for (Connection c : open) {
      try {
        c.close();
      } catch (SQLException e) {
        LOG.debug("Closing a snapshot connection failed: {}", e.toString());
      }
    }
    open.clear();
  }

  private void work(Connection c, Queue<C> chunks, BlockingQueue<Object> out) {
    Object result = WORKER_DONE;
    try {
      for (C chunk = chunks.poll(); chunk != null; chunk = chunks.poll()) {
        readChunk(c, chunk, out);
      }
      c.rollback();
    } catch (SQLException | RuntimeException e) {
      result = e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    try {
      out.put(result);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void readChunk(Connection c, C chunk, BlockingQueue<Object> out) throws SQLException, InterruptedException {
    try {
      Batcher batcher = new Batcher(chunk.table(), out);
      chunkRows.read(c, chunk, batcher);
      batcher.flush();
    } catch (SQLException | RuntimeException e) {
      throw new SQLException("Reading " + chunk.table().id() + chunk.where() + " failed: " + e.getMessage(),
          e instanceof SQLException failed ? failed.getSQLState() : null, e);
    }
  }

  /** Gathers the rows of one chunk into batches for the calling thread. */
  private static final class Batcher implements RowConsumer {
    private final SourceTable table;
    private final BlockingQueue<Object> out;
    private List<Row> rows = new ArrayList<>(BATCH_ROWS);

    Batcher(SourceTable table, BlockingQueue<Object> out) {
      this.table = table;
      this.out = out;
    }

    @Override
    public void accept(Row row) throws InterruptedException {
      rows.add(row);
      if (rows.size() == BATCH_ROWS) {
        flush();
      }
    }

    void flush() throws InterruptedException {
      if (!rows.isEmpty()) {
        out.put(new Batch(table, rows));
        rows = new ArrayList<>(BATCH_ROWS);
      }
    }
  }
}
