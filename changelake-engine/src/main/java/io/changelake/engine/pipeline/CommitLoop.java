package io.changelake.engine.pipeline;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableId;
import io.changelake.api.spi.ChangeListener;
import io.changelake.api.spi.CommitStateUnknownException;
import io.changelake.api.spi.OwnerConflictException;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.Source;
import io.changelake.engine.mirror.MirrorCommit;
import io.changelake.engine.mirror.MirrorException;
import io.changelake.engine.maintenance.TableMaintenance;
import io.changelake.engine.mirror.TableMirror;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command's driver of {@link TableMirror}s, one per source table and format, and the one place that
 * knows both the source and the tables: it holds the threads and the schedule. Takes changes from the source, commits
 * every touched table once per interval with the source position inside the table commit, and
 * acknowledges that position to the source only after every table committed.
 *
 * <p>A round's tables are written and committed on a committer thread while the loop gathers the next
 * round, one round at a time and in order: the next round starts only after the previous one finished,
 * and the loop waits for a round in flight before it touches a lake table itself (a schema change, a
 * writer for snapshot or append-mode rows), so only upsert-mode folds gather during a commit. The
 * round in flight and the round gathering hold at most {@link PipelineSettings#maxPendingChanges()}
 * changes together.
 *
 * <p>Tables the source copies alone (a table added to a running pipeline) take their copied rows while the
 * others stream, and the streamed changes after the copy's position meanwhile; they take part in no round
 * until {@link #onTableCopied} commits the copy, and the acknowledged position stays before the first
 * streamed change such a table holds uncommitted. Tables the source starts alone (their changes read from the
 * source's start for them while the others resume) take part in every round like the others, and are committed
 * in the first one even without a change (as every table without a commit is), so that a restart resumes them.
 *
 * <p>On restart each table skips what it already holds, so no table ever goes back in time. A
 * table that cannot go on (a change it cannot take, a failure of its sink, a change its source cannot read:
 * {@link #onUnreadable}) is suspended; the others continue, and the acknowledged position stays
 * at what the suspended table holds, so the source keeps its changes until it is fixed. Once every
 * table is suspended, nothing is left to mirror and the loop ends with a {@link PipelineException}
 * that names each table and its reason.
 */
public final class CommitLoop implements ChangeListener {
  private static final Logger LOG = LoggerFactory.getLogger(CommitLoop.class);
  private static final Object STOP = new Object();
  private static final int QUEUE_CAPACITY = 8192;
  /** How often the loop looks whether the round in flight landed, when no change arrives. */
  private static final long IN_FLIGHT_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final Source source;
  /** Every lake table, in order; a source table feeds one per format. */
  private final List<TableMirror> tables;
  private final Map<TableId, List<TableMirror>> bySource;
  /** Each table's format, for reports and messages. */
  private final Map<TableMirror, String> formats;
  private final Map<TableId, Long> estimatedRows;
  /** The tables asked of the source to copy alone, for {@link Source#start(Optional, Set, Set, ChangeListener)}. */
  private final Set<TableId> copies;
  /** The tables asked of the source to start alone, for {@link Source#start(Optional, Set, Set, ChangeListener)}. */
  private final Set<TableId> starts;
  /** The source tables being copied alone, until their copy is committed. */
  private final Set<TableId> copying;
  /**
   * For each table being copied that took streamed changes: the round end before the first of them (null
   * when there was none), which the acknowledgement must not pass while they are uncommitted.
   */
  private final Map<TableId, SourcePosition> holds = new HashMap<>();
  private final PipelineSettings settings;
  private final PipelineListener listener;
  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final ExecutorService committer = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "changelake-commit");
    thread.setDaemon(true);
    return thread;
  });

  /** Used on the committer thread only, after a round's commits. */
  private final TableMaintenance maintenance;

  private volatile boolean stopping;
  private volatile boolean closed;
  private boolean snapshotting;
  private SourcePosition roundEnd;
  /** Changes taken since the last round was staged, each source change counted once. */
  private long roundChanges;
  private Round inFlight;
  private SourcePosition acknowledged;
  private Throwable sourceFailure;
  private boolean everyTableSuspended;

  CommitLoop(
      Source source,
      Map<TableId, List<TableMirror>> tables,
      Map<TableMirror, String> formats,
      Set<TableId> copies,
      Set<TableId> starts,
      Map<TableId, Long> estimatedRows,
      PipelineSettings settings,
      PipelineListener listener) {
    this.source = source;
    this.bySource = tables;
    this.tables = tables.values().stream().flatMap(List::stream).toList();
    this.formats = formats;
    this.estimatedRows = estimatedRows;
    this.settings = settings;
    this.listener = listener;
    this.maintenance = new TableMaintenance(settings.maintenance(), Clock.systemUTC());
    this.copies = Set.copyOf(copies);
    this.starts = Set.copyOf(starts);
    this.copying = new HashSet<>(copies);
    this.snapshotting = this.tables.stream().anyMatch(t -> !t.snapshotComplete() && !copies.contains(t.source()));
  }

  /**
   * Runs until {@link #stop()} or a fatal failure, starting the source from {@code resumeFrom}.
   * On stop, what is in flight is committed and acknowledged first.
   *
   * @throws PipelineException when the source fails or a commit's outcome is unknown
   */
  void run(Optional<SourcePosition> resumeFrom) {
    source.start(resumeFrom, copies, starts, this);
    long interval = settings.commitInterval().toNanos();
    long deadline = System.nanoTime() + interval;
    try {
      while (true) {
        long waitNanos = Math.max(0, deadline - System.nanoTime());
        if (inFlight != null) {
          // a round due while one is in flight waits for that one, not for changes
          waitNanos = waitNanos == 0 ? IN_FLIGHT_POLL_NANOS : Math.min(waitNanos, IN_FLIGHT_POLL_NANOS);
        }
        Object item = stopping ? queue.poll() : queue.poll(waitNanos, TimeUnit.NANOSECONDS);
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
        if (inFlight != null && inFlight.done()) {
          finishRound();
        }
        if (everyTableSuspended) {
          break;
        }
        boolean due = System.nanoTime() - deadline >= 0;
        if (snapshotting) {
          if (due) {
            reportSnapshotProgress();
            deadline = System.nanoTime() + interval;
          }
        } else {
          if (inFlight != null && pendingChanges() >= settings.maxPendingChanges()) {
            finishRound(); // the memory bound covers the round in flight and the one gathering
          }
          // a round due while the last one is still being written keeps gathering until that one lands
          if (inFlight == null && (due || roundChanges >= settings.maxPendingChanges())) {
            startRound();
            deadline = System.nanoTime() + interval;
          }
        }
      }
      if (!snapshotting) {
        startRound();
      }
      finishRound();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closed = true;
      queue.clear();
      committer.shutdown();
      awaitCommitter();
    }
    if (sourceFailure != null) {
      throw new PipelineException("The source stopped: " + sourceFailure.getMessage(), sourceFailure);
    }
    if (everyTableSuspended) {
      throw new PipelineException(nothingLeftToMirror(), null);
    }
  }

  private String nothingLeftToMirror() {
    StringBuilder message = new StringBuilder("Every table of the pipeline is suspended, so nothing is left to"
        + " mirror:");
    for (TableMirror table : tables) {
      message.append(System.lineSeparator()).append("  ").append(formats.get(table)).append(' ').append(table.lakeId())
          .append(": ").append(table.suspendedReason());
    }
    return message.append(System.lineSeparator()).append("Fix each cause, then restart the sync: each table resumes"
        + " from its last commit, and the source keeps the changes since then.").toString();
  }

  /**
   * Lets a commit still running after a failure or an interrupt end before the sinks are closed; an
   * interrupt meanwhile is kept for the caller.
   */
  private void awaitCommitter() {
    boolean interrupted = Thread.interrupted();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (!committer.isTerminated()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        LOG.warn("A lake commit did not end within a minute of the pipeline stopping");
        break;
      }
      try {
        committer.awaitTermination(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Asks the loop to commit what is in flight and return. Thread-safe; returns at once. */
  public void stop() {
    stopping = true;
    queue.offer(STOP);
  }

  private void handle(Object item) throws InterruptedException {
    if (item instanceof Copied copied) {
      commitCopy(copied.table(), copied.position());
      return;
    }
    if (item instanceof Unreadable unreadable) {
      suspendAt(unreadable);
      return;
    }
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
    // a copied row's position lies in the copy, not in the stream the rounds end in
    boolean copiedRow = event.position().inSnapshot() && copying.contains(event.table());
    SourcePosition previous = roundEnd;
    if (!copiedRow) {
      roundEnd = event.position();
    }
    boolean taken = false;
    for (TableMirror table : bySource.getOrDefault(event.table(), List.of())) {
      // a change the table holds touches nothing (holding only grows, so it is held after the round too)
      if (inFlight != null && !table.suspended() && !table.alreadyHolds(event) && table.touchesLake(event)) {
        finishRound();
      }
      if (table.suspended() || table.alreadyHolds(event)) {
        continue;
      }
      try {
        table.accept(event);
        taken = true;
      } catch (CommitStateUnknownException e) {
        throw unknownOutcome(table, e);
      } catch (RuntimeException e) {
        suspend(table, e);
      }
    }
    if (taken && !copiedRow) {
      roundChanges++;
      if (copying.contains(event.table()) && !holds.containsKey(event.table())) {
        holds.put(event.table(), previous);
      }
    }
  }

  /**
   * Suspends each format of a table the source cannot read a change of (see {@link #onUnreadable}), after
   * committing what it took before that change at the position the loop reached, so the table holds exactly
   * the changes before it and a restart meets the change again. A table that already holds the change (a run
   * before skipped it) goes on. Rows of a snapshot or of a copy are not committed partially: such a table is
   * suspended at its last commit.
   */
  private void suspendAt(Unreadable unreadable) throws InterruptedException {
    if (snapshotting && !unreadable.position().inSnapshot()) {
      completeSnapshot(roundEnd);
    }
    List<TableMirror> stopping = bySource.getOrDefault(unreadable.table(), List.of()).stream()
        .filter(t -> !t.suspended() && !t.holds(unreadable.position())).toList();
    if (stopping.isEmpty()) {
      return;
    }
    finishRound();
    boolean partial = snapshotting || unreadable.position().inSnapshot() || copying.contains(unreadable.table());
    for (TableMirror table : stopping) {
      try {
        if (!partial && roundEnd != null) {
          table.commit(roundEnd);
        }
      } catch (CommitStateUnknownException e) {
        throw unknownOutcome(table, e);
      } catch (RuntimeException e) {
        suspend(table, e);
        continue;
      }
      suspend(table, unreadable.reason());
    }
  }

  /**
   * Commits the copy of {@code table} at {@code position} in each of its formats, once the round in flight
   * landed; from then on the table takes part in the rounds.
   */
  private void commitCopy(TableId table, SourcePosition position) throws InterruptedException {
    finishRound();
    for (TableMirror mirror : bySource.getOrDefault(table, List.of())) {
      if (mirror.suspended()) {
        continue;
      }
      try {
        mirror.copied(position);
        LOG.info("Copied {} alone into {} table {} at {}", table, formats.get(mirror), mirror.lakeId(),
            position.describe());
        listener.tableCopied(mirror.lakeId(), formats.get(mirror));
      } catch (CommitStateUnknownException e) {
        throw unknownOutcome(mirror, e);
      } catch (RuntimeException e) {
        suspend(mirror, e);
      }
    }
    copying.remove(table);
    holds.remove(table);
    if (copying.isEmpty()) {
      listener.snapshotCompleted();
    }
  }

  /**
   * Ends the snapshot phase: commits every table with {@code position}, or, when the snapshot
   * emitted nothing (null), leaves each table's first commit to the first round.
   */
  private void completeSnapshot(SourcePosition position) throws InterruptedException {
    snapshotting = false;
    if (position != null) {
      roundEnd = position;
      reportSnapshotProgress();
      startRound();
      finishRound();
    }
    listener.snapshotCompleted();
  }

  private void reportSnapshotProgress() {
    // one line per source table: every format of it takes the same rows
    for (List<TableMirror> formats : bySource.values()) {
      TableMirror table = formats.get(0);
      if (!table.snapshotComplete()) {
        listener.snapshotProgress(table.lakeId(), table.pendingChanges(), estimatedRows.getOrDefault(table.source(), -1L));
      }
    }
  }

  /** Changes held in memory: the round gathering and the round in flight, each source change counted once. */
  private long pendingChanges() {
    return roundChanges + (inFlight == null ? 0 : inFlight.changes());
  }

  /**
   * Stages every table's pending changes at the round's end and hands them to the committer, once the
   * round before has landed. A round that stages nothing still acknowledges progress.
   */
  private void startRound() throws InterruptedException {
    if (roundEnd == null) {
      return;
    }
    finishRound();
    if (!copying.isEmpty()) {
      reportSnapshotProgress();
    }
    List<TableCommit> commits = new ArrayList<>();
    for (TableMirror table : tables) {
      if (!table.suspended() && !copying.contains(table.source())) {
        MirrorCommit staged = table.stage(roundEnd, table.committed() == null);
        if (staged != null) {
          commits.add(new TableCommit(table, staged));
        }
      }
    }
    Future<?> written = commits.isEmpty() ? CompletableFuture.completedFuture(null)
        : committer.submit(() -> {
          commitAll(commits);
          maintenance.maybeRun(commits.stream().filter(c -> c.landed).map(c -> c.table.lake()).toList());
        });
    inFlight = new Round(roundEnd, roundChanges, commits, written);
    roundChanges = 0;
  }

  /** On the committer thread: commits each table in turn; an unknown outcome ends the round. */
  private static void commitAll(List<TableCommit> commits) {
    for (TableCommit commit : commits) {
      try {
        commit.table.write(commit.staged);
        commit.landed = true;
      } catch (RuntimeException e) {
        commit.failure = e;
        if (e instanceof CommitStateUnknownException) {
          return;
        }
      }
    }
  }

  /**
   * Waits for the round in flight, if any, then records what landed, suspends the tables whose commit
   * failed, acknowledges what every table holds and reports the round.
   *
   * @throws PipelineException when a commit's outcome is unknown
   */
  private void finishRound() throws InterruptedException {
    if (inFlight == null) {
      return;
    }
    Round round = inFlight;
    inFlight = null;
    try {
      round.written().get();
    } catch (ExecutionException e) {
      throw new PipelineException("The lake commit failed: " + e.getCause(), e.getCause());
    }
    Map<TableMirror, Long> committedNow = new IdentityHashMap<>();
    long committedChanges = 0;
    Instant newest = null;
    for (TableCommit commit : round.commits()) {
      if (commit.failure instanceof CommitStateUnknownException e) {
        throw unknownOutcome(commit.table, e);
      }
      if (commit.failure != null) {
        if (!commit.table.suspended()) {
          suspend(commit.table, commit.failure);
        }
      } else if (commit.landed) {
        commit.table.committed(commit.staged);
        committedNow.put(commit.table, commit.staged.changes());
        committedChanges += commit.staged.changes();
        Instant sourceTime = commit.staged.newestSourceTime();
        if (sourceTime != null && (newest == null || sourceTime.isAfter(newest))) {
          newest = sourceTime;
        }
      }
    }
    SourcePosition ack = acknowledgeable(round.end());
    boolean advanced = ack != null && (acknowledged == null || ack.compareTo(acknowledged) > 0);
    if (advanced) {
      source.acknowledge(ack);
      acknowledged = ack;
    }
    if (!committedNow.isEmpty() || advanced) {
      long lagBytes = source.lagBytes(round.end());
      Map<SourcePosition, Long> measured = new HashMap<>();
      List<TableReport> reports = new ArrayList<>();
      for (TableMirror table : tables) {
        reports.add(report(table, committedNow.getOrDefault(table, -1L), lagBytes(table, lagBytes, measured)));
      }
      Duration lag = newest == null ? null : Duration.between(newest, Instant.now());
      listener.committed(new CommitReport(Instant.now(), reports, committedNow.size(), committedChanges,
          acknowledged == null ? null : acknowledged.describe(), lag, lagBytes));
    }
  }

  /**
   * How far {@code table} trails the source, in bytes: a table that streams holds every change up to the round's
   * end ({@code roundLag}); a suspended table, or one being copied, only what it committed ({@code measured}
   * keeps each position's answer, so tables held at one position cost one question).
   */
  private long lagBytes(TableMirror table, long roundLag, Map<SourcePosition, Long> measured) {
    if (!table.suspended() && !copying.contains(table.source())) {
      return roundLag;
    }
    return table.committed() == null ? -1 : measured.computeIfAbsent(table.committed(), source::lagBytes);
  }

  private TableReport report(TableMirror table, long committedNow, long lagBytes) {
    TableState state = table.suspended() ? TableState.SUSPENDED
        : table.snapshotComplete() ? TableState.STREAMING : TableState.SNAPSHOTTING;
    return new TableReport(table.source(), table.lakeId(), formats.get(table), state, Math.max(committedNow, 0),
        table.totalChanges(), table.commits(), table.rowsWritten(), table.lastCommit(), table.commitLag(),
        table.pendingSince(), lagBytes, table.committed() == null ? null : table.committed().describe(),
        table.suspendedReason());
  }

  private static PipelineException unknownOutcome(TableMirror table, CommitStateUnknownException e) {
    return new PipelineException("The commit of " + table.lakeId() + " may or may not have landed: "
        + e.getMessage() + ". Nothing was acknowledged to the source; restart the sync and it resumes"
        + " from what each table holds.", e);
  }

  /**
   * The newest position every table holds: the round's end, held back by suspended tables and by tables
   * being copied with streamed changes uncommitted. A table that holds no position yet holds nothing back:
   * a restart copies it again.
   */
  private SourcePosition acknowledgeable(SourcePosition end) {
    List<SourcePosition> held = new ArrayList<>(holds.values());
    for (TableMirror table : tables) {
      if (table.suspended() && table.committed() != null) {
        held.add(table.committed());
      }
    }
    SourcePosition ack = end;
    for (SourcePosition position : held) {
      if (position == null) {
        return null;
      }
      if (position.compareTo(ack) < 0) {
        ack = position;
      }
    }
    return ack;
  }

  /**
   * Stops one table of one format: a change it cannot take, or a failure of its sink (the other
   * formats and tables go on). A failure that is not one of ours keeps its stack trace in the log.
   *
   * @throws PipelineException when the table belongs to another pipeline
   */
  private void suspend(TableMirror table, RuntimeException cause) {
    if (cause instanceof OwnerConflictException conflict) {
      // not this table's problem but the pipeline's: it is ended as at a start that finds the table taken
      throw Pipeline.ownedByAnother(formats.get(table), table.lakeId(), conflict.owner(), conflict.pipeline(),
          "it committed to the table first, while this pipeline was starting; the commit of this one was refused",
          source.advice(), conflict);
    }
    boolean expected = cause instanceof MirrorException || cause instanceof SinkException;
    String reason = expected ? cause.getMessage()
        : "the " + formats.get(table) + " sink failed: " + cause + ". Fix the cause, then restart the sync; the"
            + " table resumes from its last commit";
    LOG.error("Suspended {} table {}: {}", formats.get(table), table.lakeId(), reason, expected ? null : cause);
    suspended(table, reason);
  }

  /** Stops one table of one format for a reason the source gave. */
  private void suspend(TableMirror table, String reason) {
    LOG.error("Suspended {} table {}: {}", formats.get(table), table.lakeId(), reason);
    suspended(table, reason);
  }

  private void suspended(TableMirror table, String reason) {
    table.suspend(reason);
    listener.suspended(table.lakeId(), formats.get(table), reason);
    everyTableSuspended = tables.stream().allMatch(TableMirror::suspended);
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
  public void onTableCopied(TableId table, SourcePosition position) throws InterruptedException {
    enqueue(new Copied(table, position));
  }

  @Override
  public void onUnreadable(TableId table, SourcePosition position, String reason) throws InterruptedException {
    enqueue(new Unreadable(table, position, reason));
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

  /** One table's part of a round; the outcome fields are written by the committer, read after the round. */
  private static final class TableCommit {
    private final TableMirror table;
    private final MirrorCommit staged;
    private boolean landed;
    private RuntimeException failure;

    private TableCommit(TableMirror table, MirrorCommit staged) {
      this.table = table;
      this.staged = staged;
    }
  }

  /** The source emitted every row of {@code table}'s copy, consistent with the stream at {@code position}. */
  private record Copied(TableId table, SourcePosition position) { }

  /** The source cannot read a change of {@code table} at {@code position}, for {@code reason}. */
  private record Unreadable(TableId table, SourcePosition position, String reason) { }

  /** A round handed to the committer: its end position, its source changes, its tables, and when they are written. */
  private record Round(SourcePosition end, long changes, List<TableCommit> commits, Future<?> written) {
    boolean done() {
      return written.isDone();
    }
  }
}
