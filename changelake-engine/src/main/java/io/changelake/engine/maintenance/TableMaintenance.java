package io.changelake.engine.maintenance;

import io.changelake.api.spi.CompactionResult;
import io.changelake.api.spi.MaintenanceResult;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableFile;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maintains lake tables between a writer's commits, once per {@link MaintenanceSettings#interval()} (the first
 * round one interval after it was created, so a short run is not slowed down): compacts
 * a table whose latest version passes a bound (deleted rows or files), then expires old versions and removes orphan
 * files ({@link SinkTable#maintain}). Knows no format. A failure is logged as a warning and never fails the caller.
 */
public final class TableMaintenance {
  private static final Logger LOG = LoggerFactory.getLogger(TableMaintenance.class);

  private final MaintenanceSettings settings;
  private final Clock clock;
  private Instant lastRound;

  public TableMaintenance(MaintenanceSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.lastRound = clock.instant();
  }

  /** Maintains {@code tables} when a round is due; returns whether one ran. Call it from the tables' own thread. */
  public boolean maybeRun(List<SinkTable> tables) {
    Instant now = clock.instant();
    if (!settings.enabled() || now.isBefore(lastRound.plus(settings.interval()))) {
      return false;
    }
    lastRound = now;
    for (SinkTable table : tables) {
      try {
        maintain(table, now);
      } catch (RuntimeException e) {
        LOG.warn("Maintenance of {} failed; the sync goes on and tries again in {}: {}", table.id(),
            settings.interval(), e.getMessage());
      }
    }
    return true;
  }

  private void maintain(SinkTable table, Instant now) {
    if (needsCompaction(table.files(null))) {
      CompactionResult compaction = table.compact();
      LOG.info("Compacted {}: {}", table.id(), compaction);
    }
    MaintenanceResult result = table.maintain(settings.policy(now));
    if (!result.equals(MaintenanceResult.NOTHING)) {
      LOG.info("Maintained {}: {}", table.id(), result);
    }
  }

  /** Whether readers of {@code files} pay more than the bounds allow: too many files, or too many deleted rows. */
  boolean needsCompaction(List<TableFile> files) {
    if (files.size() >= settings.compactFiles()) {
      return true;
    }
    long rows = files.stream().filter(f -> f.content().equals("DATA")).mapToLong(f -> Math.max(f.recordCount(), 0))
        .sum();
    long deleted = files.stream().filter(f -> !f.content().equals("DATA"))
        .mapToLong(f -> Math.max(f.recordCount(), 0)).sum();
    return rows > 0 && deleted * 100 >= rows * settings.compactDeletePercent();
  }
}
