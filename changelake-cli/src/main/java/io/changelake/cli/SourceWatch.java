package io.changelake.cli;

import io.changelake.api.spi.Source;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads a source's figures ({@link Source#metrics()}) into a {@link PipelineStatus} at a fixed interval. */
final class SourceWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SourceWatch.class);
  private static final Duration SHORTEST = Duration.ofSeconds(1);
  private static final Duration LONGEST = Duration.ofSeconds(10);

  private final Ticker ticker;

  /** Reads {@code source}'s figures now and then every {@code commitInterval}, kept between 1 and 10 seconds. */
  SourceWatch(Source source, PipelineStatus status, Duration commitInterval) {
    Duration interval = commitInterval.compareTo(SHORTEST) < 0 ? SHORTEST
        : commitInterval.compareTo(LONGEST) > 0 ? LONGEST : commitInterval;
    ticker = new Ticker("changelake-source-metrics", Duration.ZERO, interval, () -> {
      try {
        status.source(source.metrics());
      } catch (RuntimeException e) {
        LOG.debug("Reading the source's figures failed: {}", e.toString());
      }
    });
  }

  /** Stops reading, waiting for a read under way, so the source can be closed. */
  @Override
  public void close() {
    ticker.close();
  }
}
