package io.changelake.cli;

import io.changelake.api.model.TableId;
import io.changelake.api.spi.SinkTable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "tables", mixinStandardHelpOptions = true,
    description = "Lists the lake tables of a warehouse with their mode, columns, snapshots and last commit.",
    footer = {"", "Example:", "  changelake tables --warehouse ./lake"})
final class TablesCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  WarehouseOptions warehouse;

  @Override
  public Integer call() {
    try (OpenWarehouse lakes = warehouse.open()) {
      List<List<String>> rows = new ArrayList<>();
      for (LakeFormats.Opened format : lakes.formats()) {
        for (TableId id : format.sink().listTables()) {
          SinkTable table = format.sink().find(id).orElseThrow();
          var last = table.lastCommit();
          rows.add(List.of(id.toString(), format.format(), table.mode().id(), String.valueOf(table.schema().size()),
              String.join(",", table.schema().primaryKey()), String.valueOf(table.snapshots().size()),
              last.map(c -> String.valueOf(c.committedAt())).orElse("-")));
        }
      }
      TextTable.print(spec.commandLine().getOut(),
          List.of("table", "format", "mode", "columns", "key", "snapshots", "last commit"), rows);
      return ExitCode.OK;
    }
  }
}
