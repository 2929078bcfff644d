package io.changelake.cli;

import io.changelake.api.spi.Source;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads a source's figures ({@link Source#metrics()}) into a {@link PipelineStatus} at a fixed interval. */
final class SourceWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SourceWatch.class);
  private static final Duration SHORTEST = Duration.ofSeconds(1);
  private static final Duration LONGEST = Duration.ofSeconds(10);

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "changelake-source-metrics");
    thread.setDaemon(true);
    return thread;
  });

  /** Reads {@code source}'s figures now and then every {@code commitInterval}, kept between 1 and 10 seconds. */
  SourceWatch(Source source, PipelineStatus status, Duration commitInterval) {
    Duration interval = commitInterval.compareTo(SHORTEST) < 0 ? SHORTEST
        : commitInterval.compareTo(LONGEST) > 0 ? LONGEST : commitInterval;
    timer.scheduleWithFixedDelay(() -> {
      try {
        status.source(source.metrics());
      } catch (RuntimeException e) {
        LOG.debug("Reading the source's figures failed: {}", e.toString());
      }
    }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stops reading, waiting for a read under way, so the source can be closed. */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
