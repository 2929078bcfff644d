package io.changelake.cli;

import io.changelake.api.spi.SourceMetric;
import io.changelake.engine.pipeline.TableReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Shows each sync of a warehouse, running or stopped: per table its format, state, committed changes,"
        + " commits, rows written, last commit, lag (seconds: the oldest change not committed yet; commit lag: source"
        + " commit to lake commit; bytes) and source position, SUSPENDED tables with their reason; the source's"
        + " figures (PostgreSQL: WAL retained by the slot; Kafka: records not yet committed); warnings. The same"
        + " figures as the sync's /metrics.",
    footer = {"", "Example:", "  changelake status --warehouse ./lake"})
final class StatusCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  WarehouseOptions warehouse;

  @Option(names = "--pipeline", description = "Only this pipeline (its replication slot name).")
  String pipeline;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (LakeFormats.localFolder(warehouse.warehouse).isEmpty()) {
      out.println("A sync keeps its status file only in a local warehouse folder, so " + warehouse.warehouse
          + " has none: read the sync's log, and 'changelake tables' or 'changelake snapshots' for what each table"
          + " holds (its last commit and source position).");
      out.flush();
      return ExitCode.OK;
    }
    List<StatusFile.Status> all = StatusFile.readAll(warehouse.warehouse);
    all.removeIf(s -> pipeline != null && !s.pipeline().equals(pipeline));
    if (all.isEmpty()) {
      out.println("No sync has run on warehouse " + warehouse.warehouse + (pipeline == null ? "" : " as " + pipeline) + ".");
      out.flush();
      return ExitCode.OK;
    }
    for (StatusFile.Status status : all) {
      boolean alive = status.alive();
      String state = alive ? "RUNNING (pid " + status.pid() + ")"
          : "RUNNING".equals(status.state()) ? "STOPPED (process " + status.pid() + " ended without a clean stop)"
          : status.state();
      out.printf("Pipeline %s: %s, started %s, updated %s%n", status.pipeline(), state, status.started(),
          status.updated());
      Instant at = alive ? Instant.now() : status.updated();
      out.printf("  acknowledged to source: %s; lag: %s s, %s bytes%n",
          status.acknowledged() == null ? "-" : status.acknowledged(), seconds(status.lag(at)),
          status.lagBytes() < 0 ? "-" : String.format("%,d", status.lagBytes()));
      for (SourceMetric metric : status.source()) {
        out.printf("  source %s: %s (%s)%n", metric.name(), number(metric.value()), metric.description());
      }
      if (status.error() != null) {
        out.println("  error: " + status.error());
      }
      status.warnings().forEach(warning -> out.println("  WARNING " + warning));
      List<List<String>> rows = new ArrayList<>();
      for (TableReport table : status.tables()) {
        rows.add(List.of(table.lake().toString(), table.source().toString(), table.format(), table.state().name(),
            String.format("%,d", table.totalChanges()), String.format("%,d", table.commits()),
            String.format("%,d", table.rowsWritten()), String.valueOf(table.lastCommit()), seconds(table.lag(at)),
            table.commitLag() == null ? "-" : seconds(table.commitLag()),
            table.lagBytes() < 0 ? "-" : String.format("%,d", table.lagBytes()),
            table.position() == null ? "-" : table.position(), table.reason() == null ? "" : table.reason()));
      }
      TextTable.print(out, List.of("table", "source", "format", "state", "changes", "commits", "rows written",
          "last commit", "lag s", "commit lag s", "lag bytes", "position", "reason"), rows);
      out.println();
    }
    out.flush();
    return ExitCode.OK;
  }

  private static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.1f", duration.toMillis() / 1000.0);
  }

  /** A figure as a whole number when it is one, grouped by thousands. */
  private static String number(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.format("%,d", (long) value)
        : String.format(Locale.ROOT, "%.3f", value);
  }
}
