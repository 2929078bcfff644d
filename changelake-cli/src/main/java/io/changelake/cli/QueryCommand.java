package io.changelake.cli;

import io.changelake.api.model.Row;
import io.changelake.query.QueryResult;
import io.changelake.query.SqlScript;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "query", mixinStandardHelpOptions = true,
    description = {"Runs SQL over every table of the warehouse, whatever its format: filters, joins across tables and"
        + " formats, aggregates, ORDER BY / LIMIT; SHOW DATABASES, SHOW TABLES, USE db, DESCRIBE t, SHOW CREATE TABLE t;"
        + " time travel (t FOR SYSTEM_TIME AS OF TIMESTAMP '...', t /*+ OPTIONS('scan.snapshot-id'='N') */);"
        + " system tables t$snapshots, t$schemas and t$files. Rows are read with each format's own reader, every delete"
        + " applied; Apache Calcite runs the SQL. A table several formats hold is named <format>.<db>.<table>.",
        "Without SQL or --file: the statements on standard input when it is not a terminal (a heredoc), else an"
            + " interactive prompt (statements end with ';', history in ~/.changelake/query_history, 'quit' or Ctrl-D"
            + " to leave).",
        "As in Flink's SQL client, CREATE CATALOG c WITH ('type' = 'paimon', 'warehouse' = '/tmp/paimon') and"
            + " USE CATALOG c switch to another warehouse (and to one format)."},
    footer = {"", "Examples:",
        "  changelake query --warehouse ./lake \"SELECT category, count(*) FROM lakehouse.products GROUP BY category\"",
        "  changelake query --warehouse ./lake --database lakehouse \"SHOW TABLES; DESCRIBE products\"",
        "  changelake query --warehouse ./lake \"SELECT count(*) FROM lakehouse.products"
            + " FOR SYSTEM_TIME AS OF TIMESTAMP '2026-11-23 10:15:00'\"",
        "  changelake query --warehouse ./lake \"SELECT * FROM lakehouse.products /*+ OPTIONS('scan.snapshot-id'='3') */\"",
        "  changelake query --warehouse ./lake --output csv \"SELECT * FROM lakehouse.products\\$snapshots\"",
        "  changelake query --warehouse ./lake -f queries.sql --output json",
        "  changelake query <<EOF",
        "  CREATE CATALOG paimon_catalog WITH ('type' = 'paimon', 'warehouse' = '/tmp/paimon');",
        "  USE CATALOG paimon_catalog;",
        "  SELECT COUNT(*) as product_count FROM lakehouse.products;",
        "  EOF",
        "  changelake query --warehouse ./lake"})
final class QueryCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  WarehouseOptions warehouse;

  @Parameters(arity = "0..1", paramLabel = "SQL", description = "Statements to run, separated by ';'.")
  String sql;

  @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Run the statements of this file.")
  Path file;

  @Option(names = "--database", paramLabel = "DB",
      description = "The database unqualified table names are in (as USE DB). Default: the only database, or 'default'.")
  String database;

  @Option(names = "--output", defaultValue = "table", description = "table, csv or json. Default: ${DEFAULT-VALUE}.")
  RowPrinter.Format output;

  @Option(names = "--max-rows", defaultValue = "1000", paramLabel = "N",
      description = "Print at most N rows of each result; 0 for all. Default: ${DEFAULT-VALUE}.")
  long maxRows;

  @Override
  public Integer call() throws IOException {
    if (maxRows < 0) {
      throw new IllegalArgumentException("--max-rows must be 0 (all) or more, not " + maxRows);
    }
    if (sql != null && file != null) {
      throw new IllegalArgumentException("Give the SQL as an argument or with --file, not both");
    }
    String script = file != null ? readFile() : sql != null ? sql : System.console() == null ? readStdin() : null;
    try (QuerySession session = new QuerySession(warehouse.warehouse, warehouse.format, warehouse.catalogConf,
        database)) {
      if (script == null) {
        try (Terminal terminal = TerminalBuilder.builder().system(true).dumb(true).build()) {
          return new QueryPrompt(session, this::print, Path.of(System.getProperty("user.home"), ".changelake",
              "query_history")).run(terminal);
        }
      }
      List<String> statements = SqlScript.split(script);
      if (statements.isEmpty()) {
        throw new IllegalArgumentException("No SQL statement given: pass it as an argument, with --file, or on"
            + " standard input");
      }
      for (String statement : statements) {
        print(session.execute(statement), spec.commandLine().getOut());
      }
      return ExitCode.OK;
    }
  }

  /** The statements piped in: without a terminal there is no prompt to show. */
  private static String readStdin() throws IOException {
    return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
  }

  private String readFile() {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read --file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Prints a statement's rows (none for USE), at most --max-rows of them. */
  void print(QueryResult result, PrintWriter out) {
    try (result) {
      if (result.columns().isEmpty()) {
        return;
      }
      RowPrinter printer = new RowPrinter(out, output, result.columns());
      long printed = 0;
      while (result.hasNext() && (maxRows == 0 || printed < maxRows)) {
        printer.add(Row.of(result.next().toArray()));
        printed++;
      }
      printer.finish();
      if (result.hasNext()) {
        spec.commandLine().getErr().println("(only the first " + maxRows + " rows are shown; --max-rows 0 prints all)");
      }
    }
  }
}
