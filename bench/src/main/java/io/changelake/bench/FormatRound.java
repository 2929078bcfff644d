package io.changelake.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * One format's measurement, start to end, on a freshly loaded source: the server's limits, the
 * snapshot, the stream, the server's change-log limit for that stream, freshness, memory and CPU, the catch-up
 * from a backlog, the reader cost of upserts and (optionally) the self-check of the equality test.
 */
final class FormatRound {
  static final String COMPACT_HEAP = "2g";

  private final Source source;
  private final Changelake changelake;
  private final RoundSettings settings;
  private final String format;
  private final Consumer<String> log;

  FormatRound(Source source, Changelake changelake, RoundSettings settings, String format,
              Consumer<String> log) {
    this.source = source;
    this.changelake = changelake;
    this.settings = settings;
    this.format = format;
    this.log = log;
  }

  FormatResult run() throws SQLException, IOException {
    Path dir = settings.runDir().resolve(format);
    Files.createDirectories(dir);
    Path warehouse = dir.resolve("warehouse");
    source.recreateDatabase();
    try (Connection db = source.connect(); LakeTable lake = new LakeTable(format, warehouse)) {
      Workload.Load load = source.load(db, settings.rows(), settings.variant());
      String loadDigest = source.digest(db);
      log.accept(String.format("[%s] loaded %d rows in %.1f s (%s); digest %s", format, load.rows(), load.seconds(),
          load.size(), loadDigest));
      Rate copy = source.scanLimit(db, settings.rows());
      log.accept(String.format("[%s] %s: %.2f s, %.0f rows/s", format, source.labels().scanLimit(), copy.seconds(),
          copy.perSecond()));
      String logStart = source.openChangeLog(db);
      Workload.prepareStream(source, db);

      SyncProcess.Settings sync = new SyncProcess.Settings(format, warehouse, settings.commitIntervalMs(),
          settings.heap(), "bench_" + format);
      try (SyncProcess process = SyncProcess.start(changelake, source.syncArguments(sync.capture()), sync,
          dir.resolve("sync.log"))) {
        // SNAPSHOT: launch -> the first commit whose digest equals the source
        Equality.Match snapshot = Equality.await(lake, () -> loadDigest,
            () -> lake.lastCommit().map(c -> c.snapshotComplete()).orElse(false), process.launchedNanos(),
            settings.timeout(), process::alive, () -> Equality.compare(db, lake));
        double snapshotCpu = process.stats().cpuSeconds();
        log.accept(String.format("[%s] SNAPSHOT equal after %.1f s, %.0f rows/s; sync CPU %.1f s", format,
            snapshot.detectedSeconds(), settings.rows() / snapshot.detectedSeconds(), snapshotCpu));

        // STREAMING: stream start -> the first commit whose digest equals the source after the stream
        long lastId = Workload.lastInsertedId(Workload.maxId(db), settings.changes());
        long streamStart = System.nanoTime();
        Instant streamStartWall = Instant.now();
        CompletableFuture<String[]> stream = CompletableFuture.supplyAsync(() -> streamAndDigest());
        Equality.Match caughtUp = Equality.await(lake, () -> stream.isDone() ? join(stream)[1] : null,
            () -> lake.contains(lastId), streamStart, settings.timeout(), process::alive,
            () -> Equality.compare(db, lake));
        double applySeconds = Double.parseDouble(join(stream)[0]);
        String logEnd = join(stream)[2];
        double streamCpu = process.stats().cpuSeconds() - snapshotCpu;
        log.accept(String.format("[%s] STREAMING caught up after %.1f s, %.0f changes/s (source-side apply %.1f s)", format,
            caughtUp.detectedSeconds(), settings.changes() / caughtUp.detectedSeconds(), applySeconds));

        Rate decoding = source.changeLogLimit(db, logStart, logEnd, settings.changes());
        log.accept(String.format("[%s] %s: %.2f s, %.0f changes/s (%s)", format, source.labels().changeLogLimit(),
            decoding.seconds(), decoding.perSecond(), decoding.detail()));

        Freshness.Result freshness = Freshness.measure(source, db, lake, settings.probes(), settings.commitIntervalMs(),
            settings.timeout().toMillis());
        log.accept("[" + format + "] FRESHNESS visible " + Freshness.Result.summary(freshness.visibleMs()));

        ProcStats stats = process.stats();
        int exitCode = process.stop();
        Backlog backlog = catchUpFromBacklog(db, lake, sync, dir);
        source.releaseCaptures();
        int commits = lake.snapshots().size();
        long bytes = Dirs.size(warehouse);

        ScanCost.Result scan = null;
        if (settings.scanRepeats() > 0) {
          scan = ScanCost.measure(lake, dir.resolve("rewritten"), settings.scanRepeats(), this::compact);
          log.accept(String.format("[%s] SCAN after the streams %.2f s, rewritten %.2f s (x%.2f); %s", format,
              scan.afterStreamSeconds(), scan.rewrittenSeconds(), scan.ratio(), ResultsTable.compaction(scan)));
        }
        String finalDigest = source.digest(db);
        String selfCheck = settings.selfCheck() ? SelfCheck.run(source, db, lake, finalDigest) : null;
        if (selfCheck != null) {
          log.accept("[" + format + "] " + selfCheck);
        }
        return new FormatResult(format, load, copy, decoding, snapshot.detectedSeconds(),
            (snapshot.committedAt().toEpochMilli() - process.launchedAtMillis()) / 1000.0,
            snapshotCpu, applySeconds, caughtUp.detectedSeconds(),
            (caughtUp.committedAt().toEpochMilli() - streamStartWall.toEpochMilli()) / 1000.0, streamCpu,
            freshness, stats, exitCode, backlog, commits, bytes, scan, loadDigest, caughtUp.digest(), selfCheck);
      }
    }
  }

  /**
   * CATCH-UP FROM BACKLOG: with the sync stopped, applies another CHANGES changes, then relaunches it
   * (it resumes from the lake's last commit) and waits for the first commit that equals the source.
   * Unlike the live stream, the server's apply speed does not bound this one.
   */
  private Backlog catchUpFromBacklog(Connection db, LakeTable lake, SyncProcess.Settings sync, Path dir)
      throws SQLException, IOException {
    long lastId = Workload.lastInsertedId(Workload.maxId(db), settings.changes());
    double applySeconds = Workload.stream(db, settings.changes());
    String digest = source.digest(db);
    try (SyncProcess process = SyncProcess.start(changelake, source.syncArguments(sync.capture()), sync,
        dir.resolve("sync-backlog.log"))) {
      Equality.Match match = Equality.await(lake, () -> digest, () -> lake.contains(lastId),
          process.launchedNanos(), settings.timeout(), process::alive, () -> Equality.compare(db, lake));
      double commitSeconds = (match.committedAt().toEpochMilli() - process.launchedAtMillis()) / 1000.0;
      ProcStats stats = process.stats();
      int exitCode = process.stop();
      double fromPipelineStart = CommitLog.changesPerSecondFromPipelineStart(dir.resolve("sync-backlog.log"),
          settings.changes());
      log.accept(String.format("[%s] BACKLOG of %d changes caught up %.1f s after relaunch (%.0f changes/s;"
          + " %.0f changes/s from the pipeline's start); sync CPU %.1f s, exit %d", format,
          settings.changes(), commitSeconds, settings.changes() / commitSeconds, fromPipelineStart,
          stats.cpuSeconds(), exitCode));
      return new Backlog(applySeconds, match.detectedSeconds(), commitSeconds, fromPipelineStart, stats, exitCode);
    }
  }

  /**
   * The backlog phase's figures: seconds from the relaunch, the rate from the pipeline's start (no JVM start,
   * see {@link CommitLog#changesPerSecondFromPipelineStart}), and the relaunched process's use.
   */
  record Backlog(double applySeconds, double detectedSeconds, double commitSeconds,
                 double changesPerSecondFromPipelineStart, ProcStats process, int exitCode) { }

  /**
   * {@code changelake compact} on the table, in its own JVM with {@link #COMPACT_HEAP}: Iceberg's reader
   * holds the equality-delete keys of a data file in memory, so compacting needs more heap than syncing.
   */
  private void compact() {
    Path warehouse = settings.runDir().resolve(format).resolve("warehouse");
    changelake.run(List.of("-Xmx" + COMPACT_HEAP), List.of("compact", LakeTable.ID.toString(), "--warehouse",
        warehouse.toString(), "--format", format), settings.runDir().resolve(format).resolve("compact.log"),
        settings.timeout().toSeconds());
  }

  /** Runs the stream on its own connection; returns {apply seconds, digest after, change log's end}. */
  private String[] streamAndDigest() {
    try (Connection c = source.connect()) {
      double seconds = Workload.stream(c, settings.changes());
      String end = source.changeLogEnd(c);
      return new String[] {Double.toString(seconds), source.digest(c), end};
    } catch (SQLException e) {
      throw new IllegalStateException("The stream failed: " + e.getMessage(), e);
    }
  }

  private static String[] join(CompletableFuture<String[]> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    }
  }
}
