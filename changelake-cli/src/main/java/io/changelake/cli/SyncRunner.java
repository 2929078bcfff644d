package io.changelake.cli;

import io.changelake.core.config.ConfigMasking;
import io.changelake.core.model.TableId;
import io.changelake.core.pipeline.Pipeline;
import io.changelake.core.pipeline.PipelineException;
import io.changelake.core.pipeline.PipelineListener;
import io.changelake.core.pipeline.PipelineSettings;
import io.changelake.core.spi.Source;
import io.changelake.core.spi.SourceProvider;
import io.changelake.core.spi.TableSink;
import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one sync from a {@link SyncRequest} until it is stopped. */
final class SyncRunner {
  private static final Logger LOG = LoggerFactory.getLogger(SyncRunner.class);

  private final PrintWriter out;
  private final PrintWriter err;
  private volatile Pipeline running;
  private volatile boolean stopRequested;

  SyncRunner(PrintWriter out, PrintWriter err) {
    this.out = out;
    this.err = err;
  }

  int run(SyncRequest request) {
    SourceProvider provider = Providers.source(request.source());
    provider.configDef().parse(request.sourceOptions());
    String pipelineName = provider.pipelineName(request.sourceOptions());
    LOG.info("Starting pipeline {}: {} {} -> {} database '{}'", pipelineName, request.source(),
        ConfigMasking.mask(request.sourceOptions(), provider.configDef().secretKeys()), request.warehouse(),
        request.database());
    PipelineSettings settings = new PipelineSettings(pipelineName, request.mode(), request.primaryKeys(),
        request.commitInterval(), request.maxPendingChanges());
    try (TableSink sink = Providers.sink(Providers.DEFAULT_FORMAT)
            .open(request.warehouse(), request.catalogOptions(), request.tableProperties());
        Source source = provider.create(request.sourceOptions(), request.filter())) {
      StatusFile status = StatusFile.forWarehouse(request.warehouse(), pipelineName);
      PipelineListener listener = new ConsoleReporter(out, status);
      Pipeline pipeline = Pipeline.prepare(source, sink, settings, naming(request), listener);
      pipeline.tables().forEach(t -> LOG.info("Mirroring {} -> {}{}", t.source(), t.lake(),
          t.resumed() ? " (resuming)" : ""));
      return runUntilStopped(pipeline, status);
    }
  }

  /** Asks a running (or starting) sync to commit what is in flight and return. Thread-safe. */
  void stop() {
    stopRequested = true;
    Pipeline pipeline = running;
    if (pipeline != null) {
      pipeline.stop();
    }
  }

  private int runUntilStopped(Pipeline pipeline, StatusFile status) {
    running = pipeline;
    if (stopRequested) {
      pipeline.stop();
    }
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      LOG.info("Stopping: committing what is in flight");
      pipeline.stop();
      try {
        finished.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "changelake-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      pipeline.run();
      status.stopped(null);
      LOG.info("Stopped cleanly");
      return ExitCode.OK;
    } catch (PipelineException e) {
      status.stopped(e.getMessage());
      throw e;
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it waits for 'finished', released above
      }
      err.flush();
      out.flush();
    }
  }

  /** Source table to lake table: the source name in the lake database, or --table. */
  private static Function<TableId, TableId> naming(SyncRequest request) {
    return source -> new TableId(request.database(), request.table() == null ? source.name() : request.table());
  }
}
