package io.changelake.cli;

import io.changelake.engine.pipeline.TableReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Shows each sync of a warehouse, running or stopped: per table its state, committed changes, last"
        + " commit and source position; the lag in seconds and bytes; SUSPENDED tables with their reason.",
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
      out.printf("  acknowledged to source: %s; lag: %s s, %s bytes%n",
          status.acknowledged() == null ? "-" : status.acknowledged(),
          status.lagSeconds() == null ? "-" : String.format("%.1f", status.lagSeconds()),
          status.lagBytes() < 0 ? "-" : String.format("%,d", status.lagBytes()));
      if (status.error() != null) {
        out.println("  error: " + status.error());
      }
      List<List<String>> rows = new ArrayList<>();
      for (TableReport table : status.tables()) {
        rows.add(List.of(table.lake().toString(), table.source().toString(), table.state().name(),
            String.format("%,d", table.totalChanges()), String.valueOf(table.lastCommit()),
            table.position() == null ? "-" : table.position(), table.reason() == null ? "" : table.reason()));
      }
      TextTable.print(out, List.of("table", "source", "state", "changes", "last commit", "position", "reason"), rows);
      out.println();
    }
    out.flush();
    return ExitCode.OK;
  }
}
