package io.changelake.cli;

import io.changelake.api.spi.CompactionResult;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.SinkTable;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "compact", mixinStandardHelpOptions = true,
    description = {"Rewrites a lake table so that readers merge nothing: an Iceberg table's live rows go into new"
        + " data files and its delete files are dropped; each bucket of a Paimon table becomes one sorted run."
        + " A Delta table's files with deletion vectors and its small files are rewritten with their live rows.",
        "It may run while a sync writes the table: what the sync commits meanwhile is kept, and the sync's"
            + " source position stays where it was. When both rewrite the same files, the compaction fails"
            + " and leaves the table as it was; run it again."},
    footer = {"", "Examples:",
        "  changelake compact lakehouse.products --warehouse ./lake",
        "  changelake compact lakehouse.products --warehouse ./lake --format paimon"})
final class CompactCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  WarehouseOptions warehouse;

  @Parameters(paramLabel = "DB.TABLE", description = "The lake table.")
  String table;

  @Override
  public Integer call() {
    try (OpenWarehouse lakes = warehouse.open()) {
      SinkTable lake = lakes.table(table);
      long start = System.nanoTime();
      CompactionResult result;
      try {
        result = lake.compact();
      } catch (OutOfMemoryError e) {
        // nothing was committed; the rows read so far are garbage now
        throw new SinkException("Compacting " + lake.id() + " ran out of memory (max heap "
            + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB; reading an Iceberg table with its deletes"
            + " applied holds the keys of a data file's equality deletes in memory). The table is unchanged. Give"
            + " the JVM more heap, e.g. JAVA_OPTS=-Xmx4g ./changelake compact " + table);
      }
      String took = String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - start) / 1e9);
      PrintWriter out = spec.commandLine().getOut();
      if (result.committed()) {
        out.printf("Compacted %s in %s: %d data files and %d delete files replaced by %d data files holding %d"
                + " rows (snapshot %d).%n", lake.id(), took, result.filesRewritten(), result.deleteFilesRemoved(),
            result.filesWritten(), result.rowsWritten(), result.snapshotId());
      } else {
        out.printf("Nothing to compact in %s: %s (checked in %s).%n", lake.id(), result.skipped(), took);
      }
      return ExitCode.OK;
    }
  }
}
