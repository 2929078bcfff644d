package io.changelake.cli;

import io.changelake.api.spi.TableFilter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "sync-database",
    mixinStandardHelpOptions = true,
    description = "Mirrors every table of the source schema (narrowed by --including-tables / --excluding-tables)"
        + " into lake tables of the same names. Runs until SIGTERM or Ctrl-C; a restart resumes.",
    footer = {
        "",
        "Examples:",
        "  changelake sync-database --source-conf hostname=localhost --source-conf username=postgres \\",
        "      --source-conf 'password=$${env:PGPASSWORD}' --source-conf database-name=shop --warehouse ./lake \\",
        "      --database lakehouse",
        "  changelake sync-database ... --including-tables 'prod.*|orders' --excluding-tables '.*_tmp'"
    })
final class SyncDatabaseCommand extends SyncCommand {
  @Mixin
  SyncOptions options;

  @Option(names = "--including-tables", paramLabel = "REGEX", description = "Only tables whose names match.")
  String including;

  @Option(names = "--excluding-tables", paramLabel = "REGEX", description = "Leave out tables whose names match.")
  String excluding;

  @Override
  SyncRequest request() {
    if (options.sourceOptions().containsKey("table-name")) {
      throw new IllegalArgumentException("sync-database takes every table of the schema; use --including-tables"
          + " instead of --source-conf table-name, or use sync-table.");
    }
    return options.toRequest(TableFilter.of(including, excluding), null);
  }
}
