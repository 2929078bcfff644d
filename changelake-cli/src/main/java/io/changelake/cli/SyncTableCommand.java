package io.changelake.cli;

import io.changelake.api.spi.TableFilter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "sync-table",
    mixinStandardHelpOptions = true,
    description = "Mirrors the tables that --source-conf table-name selects (one name, a|b|c, or a regex) into lake"
        + " tables: initial snapshot, then every change, committed every --commit-interval. Runs until SIGTERM or"
        + " Ctrl-C, which commit what is in flight first. A restart resumes where every table left off.",
    footer = {
        "",
        "Examples:",
        "  changelake sync-table --source-conf hostname=localhost --source-conf username=postgres \\",
        "      --source-conf password=@/run/secrets/pg --source-conf database-name=shop \\",
        "      --source-conf table-name=products --warehouse ./lake --database lakehouse",
        "  changelake sync-table ... --source-conf-file cdc-credentials.properties   (hostname, username, password, ...)",
        "  changelake sync-table ... --source-conf 'table-name=products|orders' --commit-interval 1s",
        "  changelake sync-table ... --source-conf table-name=events --mode append"
    })
final class SyncTableCommand extends SyncCommand {
  @Mixin
  SyncOptions options;

  @Option(names = "--table", description = "Lake table name when table-name selects one table. Default: the source"
      + " table's name.")
  String table;

  @Override
  SyncRequest request() {
    return options.toRequest(TableFilter.ALL, table);
  }
}
