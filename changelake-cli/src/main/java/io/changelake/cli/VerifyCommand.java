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
import io.changelake.engine.transform.ColumnTransforms;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
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
        "With --repair (the sync stopped: refused while it runs), the differing rows are then rewritten: the source's"
            + " row as an upsert, or a delete where the lake holds a row the source lacks, in one commit per format"
            + " that keeps the table's source position, so the sync resumes where it was; the keys left out are not"
            + " touched (the sync brings them). It prints what it will write per format and asks first (without a"
            + " terminal it needs --yes), then verifies again: exit code 0 when the table now matches, 5 when it"
            + " still differs. Rows are written as the sync writes a copied row: give the sync's --computed-column"
            + " and --metadata-column flags.",
        "",
        "Examples:",
        "  changelake verify lake.orders --source-conf-file cdc-credentials.properties \\",
        "      --source-conf table-name=orders --warehouse ./lake --format iceberg",
        "  changelake verify lake.orders ... --repair --yes   (with the sync stopped)"
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

  @Option(names = "--repair", description = "Rewrite the differing rows in one commit per format that keeps the"
      + " table's source position, then verify again. Refused while the sync runs.")
  boolean repair;

  @Option(names = "--yes", description = "With --repair: rewrite without asking.")
  boolean yes;

  @Override
  public Integer call() throws InterruptedException, IOException {
    if (buckets < 1 || maxRows < 0) {
      throw new IllegalArgumentException("--buckets must be at least 1 and --max-rows at least 0.");
    }
    if (yes && !repair) {
      throw new IllegalArgumentException("--yes answers the question of --repair; add --repair, or leave --yes out.");
    }
    SyncRequest request = options.toRequest(TableFilter.ALL, null);
    SourceProvider provider = Providers.source(request.source());
    String pipeline = provider.pipelineName(request.sourceOptions());
    TableId lakeId = TableId.parse(table);
    WarehouseOptions.requireExisting(request.warehouse());
    ColumnTransforms transforms = ColumnTransforms.NONE;
    if (repair) {
      requireStopped(request.warehouse(), pipeline);
      transforms = SyncRunner.settings(request, provider.configDef().parse(request.sourceOptions()), pipeline)
          .transforms();
    }
    Map<String, TableSink> sinks = new LinkedHashMap<>();
    for (String format : LakeFormats.parse(request.formats())) {
      LakeFormats.openPresent(request.warehouse(), format, request.catalogOptions())
          .forEach(opened -> sinks.put(opened.format(), opened.sink()));
    }
    PrintWriter out = spec.commandLine().getOut();
    try (Source source = provider.create(request.sourceOptions(), request.filter())) {
      Map<String, SinkTable> tables = lakeTables(sinks, lakeId);
      List<TableRepair> found = verify(source, tables, pipeline, transforms, out);
      if (repair) {
        return repair(source, tables, pipeline, found, transforms, out);
      }
      return found.stream().anyMatch(TableRepair::needed) ? ExitCode.DIFFERENT : ExitCode.OK;
    } finally {
      sinks.values().forEach(TableSink::close);
      out.flush();
    }
  }

  /**
   * Verifies the table in each format and prints what it found; returns, per format, the repair it calls for.
   *
   * @param transforms the pipeline's computed and metadata columns, which a repair computes
   */
  private List<TableRepair> verify(Source source, Map<String, SinkTable> tables, String pipeline,
      ColumnTransforms transforms, PrintWriter out) throws InterruptedException {
    String sourceName = sourceTable != null ? sourceTable : TableId.parse(table).name();
    List<TableRepair> found = new ArrayList<>();
    for (Map.Entry<String, SinkTable> entry : tables.entrySet()) {
      try (ConsistentRead read = readConsistent(source, sourceName)) {
        Instant readTime = Instant.now();
        requirePipeline(entry.getValue(), pipeline);
        TableVerifier.Result result = new TableVerifier(read, entry.getValue(), source::parsePosition, buckets,
            out).verify(wait, maxRows);
        print(out, entry.getKey(), entry.getValue(), read, result);
        found.add(new TableRepair(entry.getKey(), entry.getValue(), read.table(), read.position(), readTime, result,
            source.parsePosition(result.version().position()), transforms));
      }
    }
    out.flush();
    return found;
  }

  /**
   * Writes each format's repair, once every format can be repaired and the user agreed, then verifies again.
   *
   * @return {@link ExitCode#OK} when the table matches its source afterwards
   */
  private int repair(Source source, Map<String, SinkTable> tables, String pipeline, List<TableRepair> found,
      ColumnTransforms transforms, PrintWriter out) throws InterruptedException {
    List<String> refusals = found.stream().flatMap(r -> r.refusal().stream()).toList();
    if (!refusals.isEmpty()) {
      throw new SinkException("Cannot repair " + table + ": " + String.join("; ", refusals) + ". Nothing was"
          + " written.");
    }
    List<TableRepair> needed = found.stream().filter(TableRepair::needed).toList();
    if (needed.isEmpty()) {
      out.println("Nothing to repair: " + table + " matches its source.");
      return ExitCode.OK;
    }
    out.println("The repair of " + table + " rewrites:");
    needed.forEach(r -> out.println("  " + r.describe()));
    out.flush();
    if (!yes && !Confirmation.ask("Repair it?", "verify --repair rewrites rows of " + table)) {
      out.println("Nothing was written.");
      return ExitCode.DIFFERENT;
    }
    for (TableRepair r : needed) {
      out.println(r.describeWritten(r.write()));
      out.flush();
    }
    out.println("Verifying again:");
    List<TableRepair> after = verify(source, tables, pipeline, transforms, out);
    if (after.stream().anyMatch(TableRepair::needed)) {
      out.println(table + " still differs from its source: the rows above changed in the lake or the source while"
          + " it was repaired. Verify again, and repair again if they stay.");
      return ExitCode.DIFFERENT;
    }
    out.println(table + " now matches its source in " + String.join(", ", tables.keySet()) + ".");
    return ExitCode.OK;
  }

  /** Refuses while the sync of {@code pipeline} runs: it would commit over the repair, or the repair over it. */
  private static void requireStopped(String warehouse, String pipeline) throws IOException {
    if (LakeFormats.localFolder(warehouse).isEmpty()) {
      throw new IllegalArgumentException("verify --repair makes sure the sync is stopped through its status file,"
          + " which only a local warehouse keeps, and --warehouse " + warehouse + " is not a local folder. Nothing"
          + " was written.");
    }
    StatusFile.requireStopped(warehouse, pipeline, ": a repair would race its commits. Stop it first (SIGTERM or"
        + " Ctrl-C), verify --repair, then start it again with the same flags: it resumes where it was. Nothing was"
        + " written.");
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
