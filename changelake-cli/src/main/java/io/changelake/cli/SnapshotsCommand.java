package io.changelake.cli;

import io.changelake.api.spi.CommitKind;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.TableSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "snapshots", mixinStandardHelpOptions = true,
    description = {"Lists the snapshots of a lake table, oldest first, with the source position each one holds.",
        "Kind says what a pipeline commit did: stream (a round of streamed changes), snapshot (rows of the table's"
            + " first copy), reset (a copy replacing the table's rows: changelake reset, or an initial snapshot taken"
            + " again), repair (rows verify --repair rewrote, at the same position) or unknown (a commit made before"
            + " changelake recorded kinds); - for a commit without a source position (a compaction, another"
            + " engine's maintenance)."},
    footer = {"", "Example:", "  changelake snapshots lakehouse.products --warehouse ./lake"})
final class SnapshotsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  WarehouseOptions warehouse;

  @Parameters(paramLabel = "DB.TABLE", description = "The lake table.")
  String table;

  @Override
  public Integer call() {
    try (OpenWarehouse lakes = warehouse.open()) {
      List<List<String>> rows = new ArrayList<>();
      for (TableSnapshot snapshot : lakes.table(table).snapshots()) {
        var summary = snapshot.summary();
        rows.add(List.of(String.valueOf(snapshot.id()), snapshot.committedAt().toString(), snapshot.operation(),
            summary.getOrDefault("added-records", "0"), summary.getOrDefault("added-equality-deletes",
                summary.getOrDefault("added-delete-files", "0")),
            summary.getOrDefault("total-records", "-"), kind(summary),
            summary.getOrDefault(CommitMetadata.POSITION, "-")));
      }
      TextTable.print(spec.commandLine().getOut(),
          List.of("snapshot", "committed at", "operation", "added rows", "deletes", "data rows (before deletes)",
              "kind", "source position"),
          rows);
      return ExitCode.OK;
    }
  }

  /** The kind of a pipeline commit's snapshot, or - for a snapshot without a source position. */
  private static String kind(Map<String, String> summary) {
    return summary.containsKey(CommitMetadata.POSITION)
        ? CommitKind.ofLabel(summary.get(CommitMetadata.KIND)).label() : "-";
  }
}
