package io.changelake.core.pipeline;

import io.changelake.core.model.ChangeEvent;
import io.changelake.core.model.SourcePosition;
import io.changelake.core.model.TableId;
import io.changelake.core.spi.ChangeListener;
import io.changelake.core.spi.CommitStateUnknownException;
import io.changelake.core.spi.SinkException;
import io.changelake.core.spi.Source;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that knows both the source and the tables: takes changes from the source, commits
 * every touched table once per interval with the source position inside the table commit, and
 * acknowledges that position to the source only after every table committed.
 *
 * <p>On restart each table skips what it already holds, so no table ever goes back in time. A
 * table that cannot go on is suspended; the others continue, and the acknowledged position stays
 * at what the suspended table holds, so the source keeps its changes until it is fixed.
 */
public final class CommitLoop implements ChangeListener {
  private static final Logger LOG = LoggerFactory.getLogger(CommitLoop.class);
  private static final Object STOP = new Object();
  private static final int QUEUE_CAPACITY = 8192;

  private final Source source;
  /** Every lake table, in order; a source table feeds one per format. */
  private final List<MirroredTable> tables;
  private final Map<TableId, List<MirroredTable>> bySource;
  private final Map<TableId, Long> estimatedRows;
  private final PipelineSettings settings;
  private final PipelineListener listener;
  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);

  private volatile boolean stopping;
  private volatile boolean closed;
  private boolean snapshotting;
  private SourcePosition roundEnd;
  private SourcePosition acknowledged;
  private Throwable sourceFailure;

  CommitLoop(
      Source source,
      Map<TableId, List<MirroredTable>> tables,
      Map<TableId, Long> estimatedRows,
      PipelineSettings settings,
      PipelineListener listener) {
    this.source = source;
    this.bySource = tables;
    this.tables = tables.values().stream().flatMap(List::stream).toList();
    this.estimatedRows = estimatedRows;
    this.settings = settings;
    this.listener = listener;
    this.snapshotting = this.tables.stream().anyMatch(t -> !t.snapshotComplete());
  }

  /**
   * Runs until {@link #stop()} or a fatal failure, starting the source from {@code resumeFrom}.
   * On stop, what is in flight is committed and acknowledged first.
   *
   * @throws PipelineException when the source fails or a commit's outcome is unknown
   */
  void run(Optional<SourcePosition> resumeFrom) {
    source.start(resumeFrom, this);
    Instant deadline = Instant.now().plus(settings.commitInterval());
    try {
      while (true) {
        long waitMs = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
        Object item = stopping ? queue.poll() : queue.poll(waitMs, TimeUnit.MILLISECONDS);
        if (item == STOP || (item == null && stopping)) {
          break;
        }
        if (item instanceof Throwable failure) {
          sourceFailure = failure;
          break;
        }
        if (item != null) {
          handle(item);
        }
        if (!snapshotting && (!Instant.now().isBefore(deadline) || pendingChanges() >= settings.maxPendingChanges())) {
          commitRound();
          deadline = Instant.now().plus(settings.commitInterval());
        } else if (snapshotting && !Instant.now().isBefore(deadline)) {
          reportSnapshotProgress();
          deadline = Instant.now().plus(settings.commitInterval());
        }
      }
      if (!snapshotting) {
        commitRound();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closed = true;
      queue.clear();
    }
    if (sourceFailure != null) {
      throw new PipelineException("The source stopped: " + sourceFailure.getMessage(), sourceFailure);
    }
  }

  /** Asks the loop to commit what is in flight and return. Thread-safe; returns at once. */
  public void stop() {
    stopping = true;
    queue.offer(STOP);
  }

  private void handle(Object item) {
    if (item instanceof SourcePosition position) {
      if (snapshotting) {
        completeSnapshot(position);
      } else if (roundEnd == null || position.compareTo(roundEnd) > 0) {
        // progress never moves the round's end back behind a change it already took
        roundEnd = position;
      }
      return;
    }
    ChangeEvent event = (ChangeEvent) item;
    if (snapshotting && !event.position().inSnapshot()) {
      completeSnapshot(roundEnd);
    }
    SourcePosition previous = roundEnd;
    roundEnd = event.position();
    for (MirroredTable table : bySource.getOrDefault(event.table(), List.of())) {
      if (table.suspended() || table.alreadyHolds(event)) {
        continue;
      }
      try {
        accept(table, event, previous);
      } catch (RuntimeException e) {
        suspend(table, e);
      }
    }
  }

  /** Takes an event; when its schema change needs the table's open writer committed first, does that at {@code previous}. */
  private void accept(MirroredTable table, ChangeEvent event, SourcePosition previous) {
    try {
      table.accept(event);
    } catch (MirroredTable.FlushFirstException e) {
      table.commit(previous, false);
      table.accept(event);
    }
  }

  /**
   * Ends the snapshot phase: commits every table with {@code position}, or, when the snapshot
   * emitted nothing (null), leaves each table's first commit to the first round.
   */
  private void completeSnapshot(SourcePosition position) {
    snapshotting = false;
    if (position != null) {
      roundEnd = position;
      reportSnapshotProgress();
      commitRound();
    }
    listener.snapshotCompleted();
  }

  private void reportSnapshotProgress() {
    // one line per source table: every format of it takes the same rows
    for (List<MirroredTable> formats : bySource.values()) {
      MirroredTable table = formats.get(0);
      if (!table.snapshotComplete()) {
        listener.snapshotProgress(table.lakeId(), table.pendingChanges(), estimatedRows.getOrDefault(table.source(), -1L));
      }
    }
  }

  /** Source changes gathered since the last commit: every format of a table takes the same changes, counted once. */
  private long pendingChanges() {
    long pending = 0;
    for (List<MirroredTable> formats : bySource.values()) {
      pending += formats.stream().mapToLong(MirroredTable::pendingChanges).max().orElse(0);
    }
    return pending;
  }

  private void commitRound() {
    if (roundEnd == null) {
      return;
    }
    List<TableReport> reports = new ArrayList<>();
    int committedTables = 0;
    long committedChanges = 0;
    Instant newest = null;
    for (MirroredTable table : tables) {
      long changes = -1;
      if (!table.suspended()) {
        Instant sourceTime = table.newestSourceTime();
        try {
          changes = table.commit(roundEnd, table.committed() == null);
        } catch (CommitStateUnknownException e) {
          throw new PipelineException("The commit of " + table.lakeId() + " may or may not have landed: "
              + e.getMessage() + ". Nothing was acknowledged to the source; restart the sync and it resumes"
              + " from what each table holds.", e);
        } catch (RuntimeException e) {
          suspend(table, e);
        }
        if (changes >= 0) {
          committedTables++;
          committedChanges += changes;
          if (sourceTime != null && (newest == null || sourceTime.isAfter(newest))) {
            newest = sourceTime;
          }
        }
      }
      reports.add(table.report(changes));
    }
    SourcePosition ack = acknowledgeable();
    boolean advanced = ack != null && (acknowledged == null || ack.compareTo(acknowledged) > 0);
    if (advanced) {
      source.acknowledge(ack);
      acknowledged = ack;
    }
    if (committedTables > 0 || advanced) {
      Duration lag = newest == null ? null : Duration.between(newest, Instant.now());
      listener.committed(new CommitReport(Instant.now(), reports, committedTables, committedChanges,
          acknowledged == null ? null : acknowledged.describe(), lag, source.lagBytes(roundEnd)));
    }
  }

  /** The newest position every table holds: the round's end, held back by suspended tables. */
  private SourcePosition acknowledgeable() {
    SourcePosition ack = roundEnd;
    for (MirroredTable table : tables) {
      if (table.suspended()) {
        SourcePosition held = table.committed();
        if (held == null) {
          return null;
        }
        if (held.compareTo(ack) < 0) {
          ack = held;
        }
      }
    }
    return ack;
  }

  /**
   * Stops one table of one format: a change it cannot take, or a failure of its sink (the other
   * formats and tables go on). A failure that is not one of ours keeps its stack trace in the log.
   */
  private void suspend(MirroredTable table, RuntimeException cause) {
    boolean expected = cause instanceof MirroredTable.SuspendException || cause instanceof SinkException;
    String reason = expected ? cause.getMessage()
        : "the " + table.format() + " sink failed: " + cause + ". Fix the cause, then restart the sync; the"
            + " table resumes from its last commit";
    LOG.error("Suspended {} table {}: {}", table.format(), table.lakeId(), reason, expected ? null : cause);
    table.suspend(reason);
    listener.suspended(table.lakeId(), table.format(), reason);
  }

  // ChangeListener: called on the source's thread.

  @Override
  public void onChange(ChangeEvent event) throws InterruptedException {
    enqueue(event);
  }

  @Override
  public void onProgress(SourcePosition position) throws InterruptedException {
    enqueue(position);
  }

  @Override
  public void onFailure(Throwable error) {
    if (!queue.offer(error)) {
      queue.clear();
      queue.offer(error);
    }
  }

  private void enqueue(Object item) throws InterruptedException {
    while (!closed && !queue.offer(item, 200, TimeUnit.MILLISECONDS)) {
      // back-pressure: wait for the loop
    }
  }
}
