package io.changelake.cli;

import io.changelake.api.spi.CheckResult;
import io.changelake.api.spi.Source;
import io.changelake.api.spi.SourceProvider;
import io.changelake.api.spi.SourceTable;
import io.changelake.api.spi.TableFilter;
import io.changelake.engine.pipeline.Pipeline;
import io.changelake.engine.pipeline.PipelineException;
import io.changelake.engine.pipeline.PipelineSettings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = "Runs every preflight check a sync with these flags runs (the source's: reachable, credentials,"
        + " server settings, privileges, slot, tables; each table's key for the mode; the warehouse writable) and"
        + " prints each with PASS, or FAIL and the fix. Creates nothing. Exit code 3 when a check fails.",
    footer = {
        "",
        "Example:",
        "  changelake check --source-conf-file cdc-credentials.properties --source-conf table-name='orders|items' \\",
        "      --warehouse ./lake"
    })
final class CheckCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  SyncOptions options;

  @Override
  public Integer call() {
    SyncRequest request = options.toRequest(TableFilter.ALL, null);
    SourceProvider provider = Providers.source(request.source());
    PipelineSettings settings = SyncRunner.settings(request, provider.configDef().parse(request.sourceOptions()),
        provider.pipelineName(request.sourceOptions()));
    List<CheckResult> results = new ArrayList<>();
    try (Source source = provider.create(request.sourceOptions(), request.filter())) {
      results.addAll(source.checks());
      if (results.stream().allMatch(CheckResult::passed)) {
        for (SourceTable table : source.discover()) {
          results.add(keyCheck(table, settings, source));
        }
      }
    }
    results.add(warehouseWritable(request.warehouse()));
    PrintWriter out = spec.commandLine().getOut();
    for (CheckResult result : results) {
      out.println((result.passed() ? "PASS  " : "FAIL  ") + result.name());
      if (!result.passed()) {
        out.println("      " + result.problem());
      }
    }
    long failed = results.stream().filter(r -> !r.passed()).count();
    out.println(failed == 0 ? "All " + results.size() + " checks passed."
        : failed + " of " + results.size() + " checks failed.");
    out.flush();
    return failed == 0 ? ExitCode.OK : ExitCode.SOURCE;
  }

  private static CheckResult keyCheck(SourceTable table, PipelineSettings settings, Source source) {
    String name = "table " + table.id() + " has a key for --mode " + settings.mode().name().toLowerCase(Locale.ROOT);
    try {
      Pipeline.checkKey(table, settings, source.advice());
      return CheckResult.passed(name);
    } catch (PipelineException e) {
      return CheckResult.failed(name, e.getMessage());
    }
  }

  /**
   * Whether the sync can create its tables in a local warehouse: the folder, or its nearest existing parent,
   * is a writable folder. Object storage is not checked (its first commit tells).
   */
  static CheckResult warehouseWritable(String warehouse) {
    Optional<Path> folder = LakeFormats.localFolder(warehouse);
    if (folder.isEmpty()) {
      return CheckResult.passed("warehouse " + warehouse + " (object storage: checked by the first commit)");
    }
    String name = "warehouse " + warehouse + " writable";
    Path existing = folder.get().toAbsolutePath();
    while (!Files.exists(existing) && existing.getParent() != null) {
      existing = existing.getParent();
    }
    if (!Files.isDirectory(existing) || !Files.isWritable(existing)) {
      return CheckResult.failed(name, existing + " is not a writable folder. Fix: choose another --warehouse, or"
          + " let the user running changelake write there (e.g. chown or chmod u+w " + existing + ").");
    }
    return CheckResult.passed(name);
  }
}
