package io.changelake.cli;

import io.changelake.api.model.TableId;
import io.changelake.api.spi.ConsistentRead;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.Source;
import io.changelake.api.spi.SourceException;
import io.changelake.api.spi.SourceProvider;
import io.changelake.api.spi.TableFilter;
import io.changelake.api.spi.TableSink;
import java.io.PrintWriter;
import java.time.Duration;
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

@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = "Compares a lake table with its source table at one consistent position, while the sync runs or"
        + " not: the source is read as of a position X (PostgreSQL: a temporary slot's exported snapshot), the lake"
        + " at its newest version, which holds the source up to its last commit's position P; the keys changed between"
        + " X and P are left out (PostgreSQL: read from the slots' pending changes, nothing consumed), every other key"
        + " must hold equal rows. Rows are compared by checksums over buckets of keys; the rows of differing buckets"
        + " are listed. Takes the sync's flags; in each --format that holds the table. Exit code 5 when the table"
        + " differs.",
    footer = {
        "",
        "Example:",
        "  changelake verify lake.orders --source-conf-file cdc-credentials.properties \\",
        "      --source-conf table-name=orders --warehouse ./lake --format iceberg"
    })
final class VerifyCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DB.TABLE", description = "The lake table, e.g. lake.orders.")
  String table;

  @Mixin
  SyncOptions options;

  @Option(names = "--source-table", paramLabel = "SCHEMA.TABLE", description = "The source table (its name, or"
      + " schema.name), when its name is not the lake table's (a sync-table --table). Default: the lake table's name.")
  String sourceTable;

  @Option(names = "--buckets", defaultValue = "1024", paramLabel = "N", description = "How many buckets of keys the"
      + " checksums are taken over; only differing buckets are read twice. Default: ${DEFAULT-VALUE}.")
  int buckets;

  @Option(names = "--wait", defaultValue = "60s", converter = SyncOptions.DurationConverter.class,
      description = "How long to wait for a running sync to commit what the source holds. Default: ${DEFAULT-VALUE}.")
  Duration wait;

  @Option(names = "--max-rows", defaultValue = "20", paramLabel = "N",
      description = "How many differing rows to show per table. Default: ${DEFAULT-VALUE}.")
  int maxRows;

  @Override
  public Integer call() throws InterruptedException {
    if (buckets < 1 || maxRows < 0) {
      throw new IllegalArgumentException("--buckets must be at least 1 and --max-rows at least 0.");
    }
    SyncRequest request = options.toRequest(TableFilter.ALL, null);
    SourceProvider provider = Providers.source(request.source());
    String pipeline = provider.pipelineName(request.sourceOptions());
    TableId lakeId = TableId.parse(table);
    WarehouseOptions.requireExisting(request.warehouse());
    Map<String, TableSink> sinks = new LinkedHashMap<>();
    for (String format : LakeFormats.parse(request.formats())) {
      LakeFormats.openPresent(request.warehouse(), format, request.catalogOptions())
          .forEach(opened -> sinks.put(opened.format(), opened.sink()));
    }
    PrintWriter out = spec.commandLine().getOut();
    boolean differ = false;
    try (Source source = provider.create(request.sourceOptions(), request.filter())) {
      Map<String, SinkTable> tables = lakeTables(sinks, lakeId);
      String sourceName = sourceTable != null ? sourceTable : lakeId.name();
      for (Map.Entry<String, SinkTable> entry : tables.entrySet()) {
        try (ConsistentRead read = readConsistent(source, sourceName)) {
          requirePipeline(entry.getValue(), pipeline);
          TableVerifier.Result result = new TableVerifier(read, entry.getValue(), source::parsePosition, buckets,
              out).verify(wait, maxRows);
          differ |= result.differing() > 0;
          print(out, entry.getKey(), entry.getValue(), read, result);
        }
      }
    } finally {
      sinks.values().forEach(TableSink::close);
    }
    out.flush();
    return differ ? ExitCode.DIFFERENT : ExitCode.OK;
  }

  private static Map<String, SinkTable> lakeTables(Map<String, TableSink> sinks, TableId id) {
    Map<String, SinkTable> found = new LinkedHashMap<>();
    sinks.forEach((format, sink) -> sink.find(id).ifPresent(t -> found.put(format, t)));
    if (found.isEmpty()) {
      throw new SinkException("No table " + id + " in " + String.join(", ", sinks.keySet()) + " in this warehouse."
          + " Fix: name a table 'changelake tables' lists, with the --format it is in.");
    }
    return found;
  }

  private static void requirePipeline(SinkTable table, String pipeline) {
    String wrote = LakeVersion.latest(table).pipeline();
    if (!wrote.isEmpty() && !wrote.equals(pipeline)) {
      throw new SinkException("Lake table " + table.id() + " was written by pipeline " + wrote + ", not " + pipeline
          + ": its positions are another pipeline's. Fix: pass the --source-conf of the sync that writes it (its"
          + " slot.name).");
    }
  }

  private static ConsistentRead readConsistent(Source source, String name) {
    try {
      return source.readConsistent(name);
    } catch (UnsupportedOperationException e) {
      throw new SourceException("verify cannot read this source as of one position yet (" + e.getMessage() + ")."
          + " It supports PostgreSQL.", e);
    }
  }

  private static void print(PrintWriter out, String format, SinkTable table, ConsistentRead read,
      TableVerifier.Result result) {
    String what = table.id() + " (" + format + ", snapshot " + result.version().snapshotId() + ") with source "
        + read.table().id() + " as of " + read.position().describe();
    if (result.everythingChanged()) {
      out.println(what + ": nothing compared, " + result.differences().get(0)
          + " between the two positions. Verify again later.");
      return;
    }
    result.differences().forEach(line -> out.println("  " + line));
    if (result.differing() > result.differences().size()) {
      out.println("  ... and " + (result.differing() - result.differences().size()) + " more");
    }
    out.println(what + ": " + result.compared() + " rows compared over " + result.buckets() + " buckets, "
        + result.leftOut() + " keys left out (changed between the two positions), " + result.differingBuckets()
        + " buckets and " + result.differing() + " rows differ.");
  }
}
