package io.changelake.cli;

import io.changelake.api.model.TableId;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.Source;
import io.changelake.api.spi.SourceProvider;
import io.changelake.api.spi.SourceTable;
import io.changelake.api.spi.TableFilter;
import io.changelake.api.spi.TableSink;
import io.changelake.engine.pipeline.Pipeline;
import io.changelake.engine.pipeline.PipelineException;
import io.changelake.engine.pipeline.PipelineSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "reset",
    mixinStandardHelpOptions = true,
    description = {
        "Asks the sync with these flags to copy one lake table again from its source table (a lake table that"
            + " drifted: rows deleted by hand, changes lost). A running sync picks the request up within a few"
            + " seconds (it commits what is in flight and starts again in the same process), a stopped one at its"
            + " next start. It then copies that table alone while the pipeline's other tables stream on from where"
            + " they are, and commits the copy as one commit per format that replaces the table's rows: readers see"
            + " the old rows until then, never an empty or half-copied table. The request is kept next to the"
            + " status files (<warehouse>/.changelake/reset/<pipeline>/), so a local warehouse is needed; the sync"
            + " deletes it once the copy is committed in every format it writes.",
        "Refused for a table the source cannot copy alone (a Kafka topic, a source started with"
            + " scan.startup.mode=latest-offset), in append mode, and for a pipeline's only table.",
        "Asks for confirmation on a terminal; without a terminal it needs --yes."
    },
    footer = {
        "",
        "Example:",
        "  changelake reset --source-conf-file cdc-credentials.properties --source-conf slot.name=shop_slot \\",
        "      --source-conf table-name='orders|customers' --warehouse ./lake --database shop \\",
        "      --format iceberg,delta --yes shop.orders",
        "  (the running sync copies the table within a few seconds; a stopped one when it starts next)."
    })
final class ResetCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  SyncOptions options;

  @Parameters(paramLabel = "DB.TABLE", description = "The lake table to copy again, as the sync names it: the"
      + " --database and the source table's name, e.g. shop.orders.")
  String table;

  @Option(names = "--yes", description = "Record the reset without asking.")
  boolean yes;

  @Override
  public Integer call() throws IOException {
    SyncRequest request = options.toRequest(TableFilter.ALL, null);
    SourceProvider provider = Providers.source(request.source());
    String pipeline = provider.pipelineName(request.sourceOptions());
    ResetRequests requests = ResetRequests.forWarehouse(request.warehouse(), pipeline);
    if (!requests.supported()) {
      throw new IllegalArgumentException("reset keeps its request next to the status files, in a local warehouse,"
          + " and --warehouse " + request.warehouse() + " is not a local folder. Nothing was recorded.");
    }
    Optional<Long> running = StatusFile.running(request.warehouse(), pipeline);
    TableId lakeId = TableId.parse(table);
    PipelineSettings settings = SyncRunner.settings(request, provider.configDef().parse(request.sourceOptions()),
        pipeline);
    PrintWriter out = spec.commandLine().getOut();
    Map<String, TableSink> sinks = LakeFormats.openExisting(request.warehouse(), LakeFormats.parse(request.formats()),
        request.catalogOptions());
    try (Source source = provider.create(request.sourceOptions(), request.filter())) {
      List<SourceTable> discovered = source.discoverBesideSync();
      Map<TableId, TableId> lakeIds = Pipeline.lakeIds(discovered, SyncRunner.naming(request));
      TableId sourceId = lakeIds.entrySet().stream().filter(e -> e.getValue().equals(lakeId)).map(Map.Entry::getKey)
          .findFirst().orElseThrow(() -> new PipelineException("Pipeline " + pipeline + " mirrors no lake table "
              + lakeId + ": its tables are " + lakeIds.values().stream().map(TableId::toString)
              .collect(Collectors.joining(", ")) + ". Name one of them (the --database and the source table's"
              + " name), with the flags of the sync. Nothing was recorded.", null));
      try {
        Pipeline.checkReset(source, discovered, settings, Set.of(sourceId));
      } catch (PipelineException e) {
        throw new PipelineException(e.getMessage() + " Nothing was recorded.", null);
      }
      List<String> held = held(sinks, lakeId, pipeline);
      if (held.isEmpty()) {
        out.println("Lake table " + lakeId + " holds no commit yet in the --format formats: nothing to reset, the"
            + " sync copies it when it starts.");
        out.flush();
        return ExitCode.OK;
      }
      String when = running.map(pid -> "by the running sync (pid " + pid + ") within "
          + ResetWatch.INTERVAL.toSeconds() + " seconds, once it committed what is in flight,")
          .orElse("when the sync starts next,");
      out.println("Pipeline " + pipeline + ": lake table " + lakeId + " (" + String.join(", ", held) + ") will be"
          + " copied again from source table " + sourceId + " " + when + " alone, while the other tables stream on."
          + " The copy replaces its rows in one commit per format; readers see the old rows until then.");
      out.flush();
      if (!yes && !Confirmation.ask("Reset it?", "reset replaces the rows of " + lakeId)) {
        out.println("Nothing was recorded.");
        out.flush();
        return ExitCode.OK;
      }
      requests.request(lakeId);
      out.println("Recorded the reset of " + lakeId + ".");
      out.println(running.isPresent() ? "The sync deletes the request once the copy is committed in every format;"
          + " if it stops before then, its next start copies the table."
          : "Start the sync of pipeline " + pipeline + " with the same flags to copy the table.");
    } finally {
      sinks.values().forEach(TableSink::close);
    }
    out.flush();
    return ExitCode.OK;
  }

  /**
   * The formats whose lake table {@code lakeId} holds a commit of {@code pipeline}.
   *
   * @throws PipelineException when another pipeline's commit is the table's last
   */
  private static List<String> held(Map<String, TableSink> sinks, TableId lakeId, String pipeline) {
    List<String> held = new ArrayList<>();
    sinks.forEach((format, sink) -> {
      Optional<CommitMetadata> last = sink.find(lakeId).flatMap(SinkTable::lastCommit);
      if (last.isPresent() && !last.get().pipeline().equals(pipeline)) {
        throw new PipelineException(format + " table " + lakeId + " belongs to pipeline '" + last.get().pipeline()
            + "' (its last commit was made by it), not to pipeline '" + pipeline + "': give the flags of the sync"
            + " that writes it. Nothing was recorded.", null);
      }
      last.ifPresent(c -> held.add(format));
    });
    return held;
  }
}
