package io.changelake.cli;

import io.changelake.api.model.TableId;
import io.changelake.api.spi.SourceMetric;
import io.changelake.engine.pipeline.CommitReport;
import io.changelake.engine.pipeline.Pipeline;
import io.changelake.engine.pipeline.PipelineListener;
import io.changelake.engine.pipeline.TableReport;
import io.changelake.engine.pipeline.TableState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one standing of a running sync: fed by the pipeline (commits, suspensions) and by the source's figures,
 * written to the {@link StatusFile} at each change and read by {@code /metrics} and {@code /health}, so all
 * three show the same figures. Logs each warning when it appears. Thread-safe.
 */
final class PipelineStatus implements PipelineListener {
  private static final Logger LOG = LoggerFactory.getLogger("changelake");

  private final StatusFile file;
  private final long retainedWarning;
  private volatile StatusFile.Status current;
  /** Each table's figures when the pipeline last started in this process, by format and table. */
  private Map<String, TableReport> earlier = Map.of();
  /** The warnings logged, by what they are about, so each is logged once while it lasts. */
  private Set<String> warned = Set.of();

  /** Starts the standing of {@code pipeline} as running, and writes it. */
  PipelineStatus(StatusFile file, String pipeline, long retainedWarning) {
    this.file = file;
    this.retainedWarning = retainedWarning;
    Instant now = Instant.now();
    this.current = new StatusFile.Status(pipeline, ProcessHandle.current().pid(), "RUNNING", now, now, null, -1, null,
        List.of(), List.of(), List.of());
    file.write(current);
  }

  StatusFile.Status current() {
    return current;
  }

  /**
   * The pipeline's tables, before their first commit: resumed ones stream, the others start with a snapshot (or a
   * copy). When the pipeline starts again in this process (a reset asked while it runs), each table keeps its
   * figures: its counts go on from where they were, and its last commit stays until it commits again.
   */
  synchronized void prepared(List<Pipeline.TableMapping> tables) {
    Map<String, TableReport> before = new HashMap<>();
    current.tables().forEach(t -> before.put(key(t.format(), t.lake()), t));
    earlier = before;
    List<TableReport> reports = new ArrayList<>();
    for (Pipeline.TableMapping t : tables) {
      TableState state = t.resumed() ? TableState.STREAMING : TableState.SNAPSHOTTING;
      reports.add(continued(new TableReport(t.source(), t.lake(), t.format(), state, 0, 0, 0, 0, null, null, null, -1,
          null, null)));
    }
    update(current.acknowledged(), current.lagBytes(), reports, current.source(), current.state(), current.error());
  }

  @Override
  public synchronized void committed(CommitReport report) {
    update(report.acknowledged() == null ? current.acknowledged() : report.acknowledged(), report.lagBytes(),
        report.tables().stream().map(this::continued).toList(), current.source(), current.state(), current.error());
  }

  /** {@code now}, a report of the pipeline's current run, added to the table's figures from the runs before it. */
  private TableReport continued(TableReport now) {
    TableReport was = earlier.get(key(now.format(), now.lake()));
    if (was == null) {
      return now;
    }
    boolean committed = now.lastCommit() != null;
    return new TableReport(now.source(), now.lake(), now.format(), now.state(), now.committedChanges(),
        was.totalChanges() + now.totalChanges(), was.commits() + now.commits(), was.rowsWritten() + now.rowsWritten(),
        committed ? now.lastCommit() : was.lastCommit(), now.commitLag() != null ? now.commitLag() : was.commitLag(),
        now.pendingSince(), committed ? now.lagBytes() : was.lagBytes(), committed ? now.position() : was.position(),
        now.reason());
  }

  private static String key(String format, TableId lake) {
    return format + " " + lake;
  }

  @Override
  public synchronized void suspended(TableId lake, String format, String reason) {
    List<TableReport> tables = new ArrayList<>();
    for (TableReport table : current.tables()) {
      tables.add(table.lake().equals(lake) && table.format().equals(format) ? table.suspended(reason) : table);
    }
    update(current.acknowledged(), current.lagBytes(), tables, current.source(), current.state(), current.error());
  }

  /** The source's figures now. */
  synchronized void source(List<SourceMetric> metrics) {
    update(current.acknowledged(), current.lagBytes(), current.tables(), metrics, current.state(), current.error());
  }

  /** The sync ended: cleanly ({@code error} null) or failing for {@code error}. */
  synchronized void stopped(String error) {
    update(current.acknowledged(), current.lagBytes(), current.tables(), current.source(),
        error == null ? "STOPPED" : "FAILED", error);
  }

  private void update(String acknowledged, long lagBytes, List<TableReport> tables, List<SourceMetric> source,
      String state, String error) {
    Map<String, String> warnings = warnings(tables, source, retainedWarning);
    current = new StatusFile.Status(current.pipeline(), current.pid(), state, current.started(), Instant.now(),
        acknowledged, lagBytes, error, tables, source, List.copyOf(warnings.values()));
    file.write(current);
    warnings.forEach((about, warning) -> {
      if (!warned.contains(about)) {
        LOG.warn("{}", warning);
      }
    });
    warned.stream().filter(about -> !warnings.containsKey(about))
        .forEach(about -> LOG.info("Resolved: {}", about));
    warned = Set.copyOf(warnings.keySet());
  }

  /**
   * What needs a person's attention, by what it is about: the source retaining more than {@code threshold}
   * bytes for the pipeline (0: never), and each suspended table for which the source retains data.
   */
  static Map<String, String> warnings(List<TableReport> tables, List<SourceMetric> source, long threshold) {
    Map<String, String> warnings = new LinkedHashMap<>();
    SourceMetric retained = source.stream().filter(m -> m.name().equals(SourceMetric.RETAINED_BYTES)).findFirst()
        .orElse(null);
    if (retained == null || retained.value() <= 0) {
      return warnings;
    }
    String amount = HealthSettings.formatSize(retained.value()) + " (" + retained.description() + ")";
    if (threshold > 0 && retained.value() > threshold) {
      warnings.put("retained data past the threshold", "The source retains " + amount + " for this sync, more than"
          + " --retained-warning " + HealthSettings.formatSize(threshold) + ". It keeps it until every table has"
          + " committed past it: look for a SUSPENDED table or a growing lag in 'changelake status', and fix it; if"
          + " this sync is no longer wanted, stop it and run 'changelake destroy', which drops what it holds.");
    }
    for (TableReport table : tables) {
      if (table.state() == TableState.SUSPENDED && table.position() != null) {
        warnings.put("suspended " + table.format() + " table " + table.lake() + " holding the source",
            "SUSPENDED " + table.format() + " table " + table.lake() + " holds the source at its last commit ("
                + table.position() + "): the source retains " + amount + " and keeps more while it stays suspended."
                + " Fix the cause (" + table.reason() + "), then restart the sync.");
      }
    }
    return warnings;
  }
}
