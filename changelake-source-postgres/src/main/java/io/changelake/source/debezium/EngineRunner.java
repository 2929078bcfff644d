package io.changelake.source.debezium;

import io.debezium.embedded.Connect;
import io.debezium.embedded.async.ConvertingAsyncEngineBuilderFactory;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one Debezium embedded (async) engine on its own thread and hands each batch of records to a
 * handler, without ever marking records processed on its own.
 *
 * <p>Offsets reach Debezium (and, through the connector, the database: a replication slot's
 * confirmed LSN, a binlog position) only through {@link #commit}: it records the given offset with
 * the engine's {@link DebeziumEngine.RecordCommitter} and finishes a batch, which flushes it to the
 * {@link ResumeOffsetStore} and makes the connector commit it. Engine properties must set
 * {@code offset.flush.interval.ms=0} so that every commit is flushed at once.
 */
public final class EngineRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EngineRunner.class);

  /** Receives batches on the engine's thread; an exception stops the engine. */
  @FunctionalInterface
  public interface BatchHandler {
    void handle(List<SourceRecord> records) throws Exception;
  }

  private final Object commitLock = new Object();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CountDownLatch polling = new CountDownLatch(1);
  private final DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
  private final Thread thread;
  private volatile Throwable handlerError;
  private DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer;
  private RecordChangeEvent<SourceRecord> sample;
  private Map<String, ?> pendingOffset;

  /**
   * Creates and starts the engine.
   *
   * @param name thread name
   * @param properties engine and connector properties
   * @param handler gets each batch, in order
   * @param onStop called once when the engine stops: with the error, or null after {@link #close()}
   */
  public EngineRunner(String name, Properties properties, BatchHandler handler, Consumer<Throwable> onStop) {
    this.engine = new ConvertingAsyncEngineBuilderFactory()
        .builder(ChangeEventFormat.of(Connect.class))
        .using(properties)
        .using((success, message, error) -> {
          Throwable failure = handlerError != null ? handlerError
              : error != null ? error
              : success || closing.get() ? null : new IllegalStateException(message);
          stopped.countDown();
          onStop.accept(closing.get() && handlerError == null ? null : failure);
        })
        .using(new DebeziumEngine.ConnectorCallback() {
          @Override
          public void pollingStarted() {
            polling.countDown();
          }
        })
        .notifying((records, batchCommitter) -> {
          List<SourceRecord> plain = new java.util.ArrayList<>(records.size());
          records.forEach(r -> plain.add(r.record()));
          synchronized (commitLock) {
            committer = batchCommitter;
            if (!records.isEmpty()) {
              sample = records.get(records.size() - 1);
            }
            if (pendingOffset != null) {
              Map<String, ?> offset = pendingOffset;
              pendingOffset = null;
              commitLocked(offset);
            }
          }
          try {
            handler.handle(plain);
          } catch (InterruptedException e) {
            throw e;
          } catch (Exception | Error e) {
            handlerError = e;
            throw new io.debezium.DebeziumException("Change handler failed: " + e.getMessage(), e);
          }
        })
        .build();
    this.thread = new Thread(engine, name);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /**
   * Hands {@code offset} to Debezium as processed and flushes it, so the connector confirms it to
   * the database. Thread-safe; before the first batch arrives the offset is kept and committed
   * with it.
   */
  public void commit(Map<String, ?> offset) {
    synchronized (commitLock) {
      if (committer == null || sample == null) {
        pendingOffset = offset;
        return;
      }
      commitLocked(offset);
    }
  }

  private void commitLocked(Map<String, ?> offset) {
    try {
      DebeziumEngine.Offsets offsets = committer.buildOffsets();
      offset.forEach(offsets::set);
      committer.markProcessed(sample, offsets);
      committer.markBatchFinished();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("Could not commit offset {}: {}", offset, e.toString());
    }
  }

  /**
   * Stops the engine and waits up to 30 s for it. An engine still starting is first let finish (up
   * to 30 s): closing it halfway can leave its JMX metrics registered, which blocks the next engine.
   */
  @Override
  public void close() {
    closing.set(true);
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (polling.getCount() > 0 && stopped.getCount() > 0 && System.nanoTime() < deadline) {
        polling.await(50, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      engine.close();
    } catch (IOException | RuntimeException e) {
      LOG.debug("Closing the Debezium engine failed: {}", e.toString());
    }
    try {
      if (!stopped.await(30, TimeUnit.SECONDS)) {
        LOG.warn("Debezium engine did not stop within 30 s");
      }
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
