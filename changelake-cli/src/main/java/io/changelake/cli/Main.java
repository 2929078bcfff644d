package io.changelake.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code changelake} command. */
@Command(
    name = "changelake",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
        "Keeps database tables continuously mirrored as open lakehouse tables (Apache Iceberg, Delta Lake,"
            + " Apache Paimon) through change"
            + " data capture: snapshot, then inserts, updates, deletes and schema changes, exactly once.",
        ""
    },
    subcommands = {
        DemoCommand.class,
        SyncTableCommand.class,
        SyncDatabaseCommand.class,
        PostgresSyncTableCommand.class,
        PostgresSyncDatabaseCommand.class,
        MysqlSyncTableCommand.class,
        MysqlSyncDatabaseCommand.class,
        TablesCommand.class,
        SnapshotsCommand.class,
        ShowCommand.class,
        QueryCommand.class,
        ServeCommand.class,
        CompactCommand.class,
        MaintainCommand.class,
        StatusCommand.class,
        PlanCommand.class,
        CheckCommand.class,
        DestroyCommand.class,
        VerifyCommand.class,
        ResetCommand.class,
        CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:Success; a sync stopped by SIGTERM or Ctrl-C after committing what was in flight.",
        "1:The pipeline failed while running (the message says why; restart resumes safely).",
        "2:Invalid command line or option (the message names the flag and the fix).",
        "3:The source cannot be used: unreachable, authentication, privileges, server settings (wal_level, binlog_format,"
            + " ...), slot or server-id in use, unknown table; plan: the sync would be refused (the plan says why).",
        "4:A lake table cannot take the sync or command as asked (mode mismatch, no primary key, unknown table,"
            + " column or snapshot, a compaction conflicting with a concurrent one, a query that fails).",
        "5:verify: the lake table differs from the source (the differing rows are listed)."
    },
    footer = {"", "Run 'changelake <command> --help' for a command's flags and examples."})
public final class Main {

  private Main() { }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns the exit code. */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /** The command tree with its error handlers and help footers. */
  static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Main());
    commandLine.setExecutionExceptionHandler(new ErrorHandler());
    commandLine.setParameterExceptionHandler(new ErrorHandler());
    HelpFooters.install(commandLine);
    // SQL that starts with a comment ("-- ...") is the statement, not an unknown option
    commandLine.getSubcommands().get("query").setUnmatchedOptionsArePositionalParams(true);
    return commandLine;
  }

  /** Prints the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"changelake " + (version == null ? "development build" : version)};
    }
  }
}
