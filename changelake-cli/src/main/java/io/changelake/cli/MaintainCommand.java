package io.changelake.cli;

import io.changelake.api.model.TableId;
import io.changelake.api.spi.MaintenanceResult;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableSink;
import io.changelake.engine.maintenance.MaintenanceConfig;
import io.changelake.engine.maintenance.MaintenanceSettings;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "maintain", mixinStandardHelpOptions = true,
    description = {"Runs one maintenance round now, as the sync does once per maintenance interval: versions older"
        + " than snapshot-retention (beyond the retain-last newest, never the newest pipeline commit) expire, with the"
        + " files only they read; files no version reads, older than orphan-age, are deleted.",
        "Maintains the named tables, else every table of the warehouse (or of --pipeline). Compaction is"
            + " `changelake compact`.",
        "It may run while a sync writes the tables: it removes only versions older than those it keeps (the sync"
            + " adds newer ones) and never a file younger than orphan-age. It adds no version; the sync's position"
            + " stays where it was."},
    footer = {"", "Examples:",
        "  changelake maintain --warehouse ./lake --pipeline changelake_shop",
        "  changelake maintain lakehouse.products --warehouse ./lake --maintenance-conf snapshot-retention=1d"})
final class MaintainCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  WarehouseOptions warehouse;

  @Parameters(paramLabel = "DB.TABLE", arity = "0..*", description = "The lake tables (default: every table).")
  List<String> tables = List.of();

  @Option(names = "--pipeline", paramLabel = "NAME",
      description = "Only the tables whose last commit names this pipeline (as `changelake status` shows it).")
  String pipeline;

  @Option(names = "--maintenance-conf", paramLabel = "KEY=VALUE",
      description = "A maintenance option (repeatable): snapshot-retention, retain-last, orphan-age (the others"
          + " only apply to the sync). Defaults as the sync's.")
  Map<String, String> maintenanceConf = new LinkedHashMap<>();

  @Override
  public Integer call() {
    MaintenanceSettings settings = MaintenanceConfig.parse(maintenanceConf);
    PrintWriter out = spec.commandLine().getOut();
    try (OpenWarehouse lakes = warehouse.open()) {
      List<SinkTable> chosen = chosen(lakes);
      if (chosen.isEmpty()) {
        out.println("No table to maintain" + (pipeline == null ? "" : " written by pipeline " + pipeline) + ".");
        return ExitCode.OK;
      }
      int failed = 0;
      for (SinkTable table : chosen) {
        try {
          MaintenanceResult result = table.maintain(settings.policy(Instant.now()));
          out.printf("%s: %d versions expired, %d files of expired versions and %d orphan files deleted.%n",
              table.id(), result.versionsExpired(), result.filesDeleted(), result.orphansDeleted());
        } catch (SinkException e) {
          failed++;
          spec.commandLine().getErr().println(table.id() + ": " + e.getMessage());
        }
      }
      out.flush();
      if (failed > 0) {
        throw new SinkException("Maintenance of " + failed + " of " + chosen.size() + " tables failed (above);"
            + " the tables stay readable. Run it again.");
      }
      return ExitCode.OK;
    }
  }

  private List<SinkTable> chosen(OpenWarehouse lakes) {
    List<SinkTable> chosen = new ArrayList<>();
    if (!tables.isEmpty()) {
      tables.forEach(name -> chosen.add(lakes.table(name)));
      return chosen;
    }
    Map<String, TableSink> sinks = new LinkedHashMap<>();
    lakes.formats().forEach(opened -> sinks.put(opened.format(), opened.sink()));
    if (pipeline != null) {
      DestroyCommand.written(sinks, pipeline).forEach((format, ids) ->
          ids.forEach(id -> chosen.add(sinks.get(format).find(id).orElseThrow())));
    } else {
      sinks.values().forEach(sink -> {
        for (TableId id : sink.listTables()) {
          sink.find(id).ifPresent(chosen::add);
        }
      });
    }
    return chosen;
  }
}
