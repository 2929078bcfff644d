package io.changelake.cli;

import io.changelake.api.config.Config;
import io.changelake.api.config.Durations;
import io.changelake.api.model.TableId;
import io.changelake.engine.pipeline.Pipeline;
import io.changelake.engine.pipeline.PipelineException;
import io.changelake.engine.pipeline.PipelineListener;
import io.changelake.engine.pipeline.PipelineSettings;
import io.changelake.api.spi.Source;
import io.changelake.api.spi.SourceProvider;
import io.changelake.api.spi.TableSink;
import io.changelake.engine.transform.ColumnTransforms;
import io.changelake.engine.transform.TransformContext;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one sync from a {@link SyncRequest} until it is stopped. */
final class SyncRunner {
  private static final Logger LOG = LoggerFactory.getLogger(SyncRunner.class);

  private final PrintWriter out;
  private final PrintWriter err;
  private volatile Pipeline running;
  private volatile boolean stopRequested;
  /** Set when a reset asked while the pipeline runs needs it started again ({@link ResetWatch}). */
  private volatile boolean restartRequested;

  SyncRunner(PrintWriter out, PrintWriter err) {
    this.out = out;
    this.err = err;
  }

  /**
   * Runs the sync until it is stopped (SIGTERM, Ctrl-C or {@link #stop()}) and returns the exit
   * code. On a signal, the process exits with that code once what was in flight is committed and
   * the source is closed.
   */
  int run(SyncRequest request) {
    SourceProvider provider = Providers.source(request.source());
    Config sourceConfig = provider.configDef().parse(request.sourceOptions());
    String pipelineName = provider.pipelineName(request.sourceOptions());
    LOG.info("Starting pipeline {}: {} {} -> {} database '{}', commit interval {}", pipelineName, request.source(),
        sourceConfig.masked(), request.warehouse(), request.database(), Durations.format(request.commitInterval()));
    List<String> formats = LakeFormats.parse(request.formats());
    PipelineSettings settings = settings(request, sourceConfig, pipelineName);
    CountDownLatch finished = new CountDownLatch(1);
    int[] exitCode = {ExitCode.FAILED};
    Thread hook = new Thread(() -> {
      LOG.info("Stopping: committing what is in flight");
      stop();
      try {
        finished.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Runtime.getRuntime().halt(exitCode[0]);
    }, "changelake-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    List<TableSink> sinks = new ArrayList<>();
    try {
      for (String format : formats) {
        sinks.add(Providers.sink(format).open(LakeFormats.location(request.warehouse(), format, formats.size() > 1),
            LakeFormats.optionsFor(format, request.catalogOptions()),
            LakeFormats.optionsFor(format, request.tableProperties())));
      }
      PipelineStatus status = new PipelineStatus(StatusFile.forWarehouse(request.warehouse(), pipelineName),
          pipelineName, request.health().retainedWarning());
      try (HealthServer server = request.health().serves()
          ? HealthServer.start(request.health(), status, request.source()) : null) {
        if (server != null) {
          LOG.info("Serving metrics at http://{}:{}/metrics and health at /health", request.health().metricsBind(),
              server.port());
        }
        exitCode[0] = runUntilStopped(request, settings, sinks, status);
      }
      return exitCode[0];
    } finally {
      sinks.forEach(TableSink::close);
      out.flush();
      err.flush();
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running and exits with exitCode once released above
      }
    }
  }

  /** The settings of pipeline {@code pipelineName} that {@code request} asks for, its source options parsed. */
  static PipelineSettings settings(SyncRequest request, Config sourceConfig, String pipelineName) {
    ColumnTransforms transforms = ColumnTransforms.parse(request.computedColumns(), request.metadataColumns(),
        new TransformContext(sourceConfig.withPrefix("").getOrDefault("database-name", ""), request.functionDialect()))
        .withTypeMapping(request.typeMapping());
    return new PipelineSettings(pipelineName, request.mode(), request.primaryKeys(), request.commitInterval(),
        request.maxPendingChanges(), transforms, request.maintenance());
  }

  /** Shows {@code line} on the error stream, e.g. a flag accepted without effect. */
  void notice(String line) {
    err.println(line);
    err.flush();
  }

  /** Asks a running (or starting) sync to commit what is in flight and return. Thread-safe. */
  void stop() {
    stopRequested = true;
    Pipeline pipeline = running;
    if (pipeline != null) {
      pipeline.stop();
    }
  }

  /**
   * Runs the pipeline until it is stopped, starting it again in this process, without a stop in the standing, each
   * time a reset is asked while it runs ({@link ResetWatch}).
   */
  private int runUntilStopped(SyncRequest request, PipelineSettings settings, List<TableSink> sinks,
      PipelineStatus status) {
    try {
      do {
        restartRequested = false;
        runOnce(request, settings, sinks, status);
      } while (restartRequested && !stopRequested);
    } catch (RuntimeException e) {
      status.stopped(e.getMessage());
      throw e;
    }
    status.stopped(null);
    LOG.info("Stopped cleanly");
    return ExitCode.OK;
  }

  /**
   * Prepares the pipeline with the reset requests pending now, and runs it until it is stopped or a reset asked
   * meanwhile needs a restart; then closes the source.
   */
  private void runOnce(SyncRequest request, PipelineSettings settings, List<TableSink> sinks, PipelineStatus status) {
    ResetRequests requests = ResetRequests.forWarehouse(request.warehouse(), settings.name());
    try (Source source = Providers.source(request.source()).create(request.sourceOptions(), request.filter())) {
      Set<TableId> resets = requests.pending();
      if (!resets.isEmpty()) {
        LOG.info("A reset is asked for {} (requests in {}; each is deleted once its copy is committed)", resets,
            requests.folder());
      }
      ResetCopies copies = new ResetCopies(requests, resets, sinks.size());
      Pipeline pipeline = Pipeline.prepare(source, sinks, settings, naming(request),
          PipelineListener.all(new ConsoleReporter(out), status, copies),
          owner -> StatusFile.stopped(request.warehouse(), owner), resets);
      pipeline.tables().forEach(t -> LOG.info("Mirroring {} -> {} {}{}", t.source(), t.format(), t.lake(),
          t.resumed() ? " (resuming)" : ""));
      status.prepared(pipeline.tables());
      Set<TableId> mirrored = pipeline.tables().stream().map(Pipeline.TableMapping::lake).collect(Collectors.toSet());
      try (SourceWatch watch = new SourceWatch(source, status, request.commitInterval());
          ResetWatch resetWatch = new ResetWatch(copies, mirrored, this::restart)) {
        running = pipeline;
        if (stopRequested || restartRequested) {
          pipeline.stop();
        }
        pipeline.run();
      }
    }
  }

  /** Asks the running pipeline to commit what is in flight and return, to be started again. Thread-safe. */
  private void restart() {
    restartRequested = true;
    Pipeline pipeline = running;
    if (pipeline != null) {
      pipeline.stop();
    }
  }

  /** Source table to lake table: the source name in the lake database, or --table. */
  static Function<TableId, TableId> naming(SyncRequest request) {
    return source -> new TableId(request.database(), request.table() == null ? source.name() : request.table());
  }
}
