package io.changelake.cli;

import io.changelake.api.model.TableId;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks for reset requests made while a pipeline runs ({@code changelake reset} beside a running sync) every {@link
 * #INTERVAL}: the first time a request for one of the pipeline's lake tables is pending that the run's copies do not
 * answer ({@link ResetCopies#unanswered()}), it logs it and asks for a restart, once. A request for a table the
 * pipeline does not mirror is left alone (the next start warns about it).
 */
final class ResetWatch implements AutoCloseable {
  /** How often the requests are looked at: a running sync picks a request up within this much time. */
  static final Duration INTERVAL = Duration.ofSeconds(2);
  private static final Logger LOG = LoggerFactory.getLogger(ResetWatch.class);

  private final Ticker ticker;
  /** Whether the restart was asked; read and set on the ticker's thread only. */
  private boolean asked;

  /**
   * Looks at the requests {@code copies} leaves unanswered, for the lake tables {@code mirrored}, and calls {@code
   * restart} once when there is one.
   */
  ResetWatch(ResetCopies copies, Set<TableId> mirrored, Runnable restart) {
    ticker = new Ticker("changelake-reset-watch", INTERVAL, INTERVAL, () -> {
      if (asked) {
        return;
      }
      try {
        Set<TableId> asking = copies.unanswered().stream().filter(mirrored::contains)
            .collect(Collectors.toCollection(LinkedHashSet::new));
        if (!asking.isEmpty()) {
          asked = true;
          LOG.info("A reset is asked for {} while the sync runs: committing what is in flight, then starting again"
              + " to copy {} alone while the other tables stream on", asking, asking.size() == 1 ? "it" : "them");
          restart.run();
        }
      } catch (RuntimeException e) {
        LOG.warn("Looking for reset requests failed: {}", e.getMessage());
      }
    });
  }

  /** Stops looking, waiting for a look under way. */
  @Override
  public void close() {
    ticker.close();
  }
}
