package io.changelake.cli;

import io.changelake.api.model.TableId;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.Source;
import io.changelake.api.spi.SourceProvider;
import io.changelake.api.spi.TableFilter;
import io.changelake.api.spi.TableSink;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "destroy",
    mixinStandardHelpOptions = true,
    description = {
        "Removes what the sync with these flags created in the source, in a safe order: refuses while the sync runs"
            + " (its status file) or while any process reads the replication slot (naming its pid), then drops the"
            + " replication slot and the publication, the latter only when changelake created it. A MySQL or"
            + " MariaDB pipeline keeps nothing in the server. With --drop-tables it then drops the lake tables whose"
            + " last commit names this pipeline (in the --format formats), with their files, and the pipeline's status"
            + " file; otherwise the lake tables stay.",
        "Asks for confirmation on a terminal; without a terminal it needs --yes."
    },
    footer = {
        "",
        "Example:",
        "  changelake destroy --source-conf-file cdc-credentials.properties --source-conf slot.name=shop_slot \\",
        "      --warehouse ./lake --yes",
        "  changelake destroy ... --format iceberg,delta --drop-tables --yes   (the lake tables too)"
    })
final class DestroyCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  SyncOptions options;

  @Option(names = "--yes", description = "Drop without asking.")
  boolean yes;

  @Option(names = "--drop-tables", description = "Also drop the lake tables this pipeline wrote (in the --format"
      + " formats; only tables whose last commit names this pipeline), with their files, and its status file.")
  boolean dropTables;

  @Override
  public Integer call() throws IOException {
    SyncRequest request = options.toRequest(TableFilter.ALL, null);
    SourceProvider provider = Providers.source(request.source());
    String pipeline = provider.pipelineName(request.sourceOptions());
    PrintWriter out = spec.commandLine().getOut();
    StatusFile.requireStopped(request.warehouse(), pipeline, ". Stop it first (SIGTERM or Ctrl-C), then destroy:"
        + " nothing was dropped.");
    Map<String, TableSink> sinks = dropTables
        ? LakeFormats.openExisting(request.warehouse(), LakeFormats.parse(request.formats()), request.catalogOptions())
        : Map.of();
    try (Source source = provider.create(request.sourceOptions(), request.filter())) {
      List<String> created = source.created();
      Map<String, List<TableId>> written = written(sinks, pipeline);
      if (created.isEmpty()) {
        out.println("Nothing to drop in the " + request.source() + " source for pipeline " + pipeline
            + ": nothing it created is there (a MySQL or MariaDB pipeline keeps nothing in the server).");
      } else {
        out.println("Pipeline " + pipeline + " created in the source: " + String.join(", ", created) + ".");
      }
      written.forEach((format, tables) -> out.println("Pipeline " + pipeline + " wrote " + format + " tables: "
          + tables.stream().map(TableId::toString).collect(Collectors.joining(", ")) + "."));
      out.flush();
      if (created.isEmpty() && written.isEmpty() && !dropTables) {
        return ExitCode.OK;
      }
      if (!yes && !Confirmation.ask("Drop them?", "destroy drops what the pipeline created")) {
        out.println("Nothing was dropped.");
        out.flush();
        return ExitCode.OK;
      }
      if (!created.isEmpty()) {
        source.dropCreated().forEach(out::println);
      }
      written.forEach((format, tables) -> tables.forEach(id -> {
        if (sinks.get(format).drop(id)) {
          out.println("dropped " + format + " table " + id);
        }
      }));
      if (dropTables && StatusFile.delete(request.warehouse(), pipeline)) {
        out.println("deleted the status file of pipeline " + pipeline);
      }
    } finally {
      sinks.values().forEach(TableSink::close);
    }
    out.flush();
    return ExitCode.OK;
  }

  /** The tables of each sink whose last pipeline commit names {@code pipeline}, by format; formats with none left out. */
  static Map<String, List<TableId>> written(Map<String, TableSink> sinks, String pipeline) {
    Map<String, List<TableId>> written = new LinkedHashMap<>();
    sinks.forEach((format, sink) -> {
      List<TableId> tables = sink.listTables().stream()
          .filter(id -> sink.find(id).flatMap(SinkTable::lastCommit).filter(c -> c.pipeline().equals(pipeline))
              .isPresent())
          .toList();
      if (!tables.isEmpty()) {
        written.put(format, tables);
      }
    });
    return written;
  }
}
