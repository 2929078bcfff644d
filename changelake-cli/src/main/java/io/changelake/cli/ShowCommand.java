package io.changelake.cli;

import io.changelake.api.model.Row;
import io.changelake.api.spi.RowScan;
import io.changelake.api.spi.SinkTable;
import io.changelake.query.TimeTravel;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "show", mixinStandardHelpOptions = true,
    description = "Prints the rows of a lake table, read with the format's own reader: the latest version, or an"
        + " earlier one (time travel).",
    footer = {"", "Examples:",
        "  changelake show lakehouse.products --limit 20",
        "  changelake show lakehouse.products --as-of '2026-11-23 10:15:00' --output csv",
        "  changelake show lakehouse.products --snapshot 4857170094452133301 --output json"})
final class ShowCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  WarehouseOptions warehouse;

  @Parameters(paramLabel = "DB.TABLE", description = "The lake table.")
  String table;

  @ArgGroup(exclusive = true)
  Version version;

  static final class Version {
    @Option(names = "--as-of", paramLabel = "TIMESTAMP",
        description = "The table as it was at this time: ISO instant (2026-11-23T10:15:00Z) or local time"
            + " (2026-11-23 10:15:00).")
    String asOf;

    @Option(names = "--snapshot", paramLabel = "ID", description = "The table at this snapshot id (see 'changelake"
        + " snapshots').")
    Long snapshot;
  }

  @Option(names = "--limit", defaultValue = "100", description = "At most this many rows; 0 for all. Default: ${DEFAULT-VALUE}.")
  long limit;

  @Option(names = "--output", defaultValue = "table", description = "table, csv or json. Default: ${DEFAULT-VALUE}.")
  RowPrinter.Format output;

  @Override
  public Integer call() {
    try (OpenWarehouse lakes = warehouse.open()) {
      SinkTable lake = lakes.table(table);
      try (RowScan scan = lake.scan(snapshotId(lake))) {
        RowPrinter printer = new RowPrinter(spec.commandLine().getOut(), output, scan.schema().columnNames());
        long printed = 0;
        for (Row row : scan) {
          if (limit > 0 && printed == limit) {
            break;
          }
          printer.add(row);
          printed++;
        }
        printer.finish();
      }
      return ExitCode.OK;
    }
  }

  private Long snapshotId(SinkTable lake) {
    if (version == null) {
      return null;
    }
    return version.snapshot != null ? version.snapshot : TimeTravel.snapshotAt(lake, asOf(version.asOf));
  }

  private static Instant asOf(String text) {
    try {
      return TimeTravel.parseTime(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--as-of " + e.getMessage(), e);
    }
  }
}
