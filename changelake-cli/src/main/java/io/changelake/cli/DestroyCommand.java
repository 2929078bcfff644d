package io.changelake.cli;

import io.changelake.api.spi.Source;
import io.changelake.api.spi.SourceException;
import io.changelake.api.spi.SourceProvider;
import io.changelake.api.spi.TableFilter;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
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
            + " MariaDB pipeline keeps nothing in the server. The lake tables stay.",
        "Asks for confirmation on a terminal; without a terminal it needs --yes."
    },
    footer = {
        "",
        "Example:",
        "  changelake destroy --source-conf-file cdc-credentials.properties --source-conf slot.name=shop_slot \\",
        "      --warehouse ./lake --yes"
    })
final class DestroyCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  SyncOptions options;

  @Option(names = "--yes", description = "Drop without asking.")
  boolean yes;

  @Override
  public Integer call() throws IOException {
    SyncRequest request = options.toRequest(TableFilter.ALL, null);
    SourceProvider provider = Providers.source(request.source());
    String pipeline = provider.pipelineName(request.sourceOptions());
    PrintWriter out = spec.commandLine().getOut();
    for (StatusFile.Status status : StatusFile.readAll(request.warehouse())) {
      if (status.pipeline().equals(pipeline) && status.alive()) {
        throw new SourceException("The sync of pipeline " + pipeline + " runs (pid " + status.pid() + "). Stop"
            + " it first (SIGTERM or Ctrl-C), then destroy: nothing was dropped.");
      }
    }
    try (Source source = provider.create(request.sourceOptions(), request.filter())) {
      List<String> created = source.created();
      if (created.isEmpty()) {
        out.println("Nothing to drop in the " + request.source() + " source for pipeline " + pipeline
            + ": nothing it created is there (a MySQL or MariaDB pipeline keeps nothing in the server).");
        out.flush();
        return ExitCode.OK;
      }
      out.println("Pipeline " + pipeline + " created in the source: " + String.join(", ", created) + ".");
      out.flush();
      if (!yes && !confirmed()) {
        out.println("Nothing was dropped.");
        out.flush();
        return ExitCode.OK;
      }
      source.dropCreated().forEach(out::println);
    }
    out.flush();
    return ExitCode.OK;
  }

  /** Asks on the terminal; refuses without one (use --yes). */
  private static boolean confirmed() {
    Console console = System.console();
    if (console == null) {
      throw new IllegalArgumentException("destroy drops what the pipeline created and asks first, but stdin is not a"
          + " terminal. Add --yes to drop without asking.");
    }
    String answer = console.readLine("Drop them? Type 'yes' to drop: ");
    return answer != null && answer.strip().equalsIgnoreCase("yes");
  }
}
