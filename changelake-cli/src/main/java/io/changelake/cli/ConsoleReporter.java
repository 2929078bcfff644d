package io.changelake.cli;

import io.changelake.api.model.TableId;
import io.changelake.engine.pipeline.CommitReport;
import io.changelake.engine.pipeline.PipelineListener;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows a running pipeline: a progress bar per table while snapshotting (a log line per interval
 * when not on a terminal) and one INFO line per commit.
 */
final class ConsoleReporter implements PipelineListener {
  private static final Logger LOG = LoggerFactory.getLogger("changelake");

  private final PrintWriter out;
  private final boolean terminal = System.console() != null;
  private final Map<TableId, ProgressBar> bars = new HashMap<>();
  private final Map<TableId, Instant> snapshotStarts = new HashMap<>();

  ConsoleReporter(PrintWriter out) {
    this.out = out;
  }

  @Override
  public void snapshotProgress(TableId lake, long rows, long estimatedRows) {
    if (rows == 0) {
      return;
    }
    Instant start = snapshotStarts.computeIfAbsent(lake, t -> Instant.now());
    if (terminal) {
      ProgressBar bar = bars.computeIfAbsent(lake, t -> new ProgressBarBuilder().setTaskName("snapshot " + t)
          .setInitialMax(Math.max(estimatedRows, 0)).setUnit(" rows", 1).showSpeed().continuousUpdate().build());
      bar.maxHint(Math.max(estimatedRows, rows));
      bar.stepTo(rows);
    } else {
      double seconds = Math.max(Duration.between(start, Instant.now()).toMillis(), 1) / 1000.0;
      LOG.info("Snapshot {}: {} rows{} ({} rows/s)", lake, String.format("%,d", rows),
          estimatedRows > 0 ? String.format(" of ~%,d", estimatedRows) : "", String.format("%,.0f", rows / seconds));
    }
  }

  @Override
  public void snapshotCompleted() {
    bars.values().forEach(ProgressBar::close);
    bars.clear();
    LOG.info("Snapshot complete; streaming changes");
  }

  @Override
  public void committed(CommitReport report) {
    if (report.committedTables() == 0) {
      return;
    }
    LOG.info("Committed {} table(s), {} change(s); lag {}{}; source acknowledged up to {}",
        report.committedTables(), String.format("%,d", report.committedChanges()),
        report.lag() == null ? "-" : String.format("%.1f s", report.lag().toMillis() / 1000.0),
        report.lagBytes() < 0 ? "" : String.format(", %,d bytes", report.lagBytes()),
        report.acknowledged() == null ? "-" : report.acknowledged());
  }

  @Override
  public void suspended(TableId lake, String format, String reason) {
    out.println("SUSPENDED " + format + " " + lake + ": " + reason);
    out.flush();
  }
}
