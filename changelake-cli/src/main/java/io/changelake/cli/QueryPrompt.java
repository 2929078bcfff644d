package io.changelake.cli;

import io.changelake.api.spi.SinkException;
import io.changelake.query.QueryResult;
import io.changelake.query.SqlScript;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;

/**
 * The interactive prompt of {@code changelake query}: reads statements ending with ';' (over several lines if need
 * be), runs them and prints their rows or what is wrong; keeps a history file.
 */
final class QueryPrompt {
  private static final Set<String> QUIT = Set.of("quit", "exit", "quit;", "exit;", "\\q");

  private final QuerySession session;
  private final BiConsumer<QueryResult, PrintWriter> printer;
  private final Path history;

  QueryPrompt(QuerySession session, BiConsumer<QueryResult, PrintWriter> printer, Path history) {
    this.session = session;
    this.printer = printer;
    this.history = history;
  }

  /** Runs until 'quit' or end of input; returns the exit code. */
  int run(Terminal terminal) throws IOException {
    Files.createDirectories(history.getParent());
    LineReader reader = LineReaderBuilder.builder().terminal(terminal)
        .variable(LineReader.HISTORY_FILE, history)
        .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
        .build();
    PrintWriter out = terminal.writer();
    out.println("changelake query: statements end with ';'. 'quit' or Ctrl-D leaves.");
    StringBuilder pending = new StringBuilder();
    while (true) {
      String line;
      try {
        line = reader.readLine(pending.isEmpty() ? prompt() : " ".repeat(prompt().length() - 3) + "-> ");
      } catch (UserInterruptException e) {
        pending.setLength(0);
        continue;
      } catch (EndOfFileException e) {
        return ExitCode.OK;
      }
      if (pending.isEmpty() && QUIT.contains(line.trim().toLowerCase(Locale.ROOT))) {
        return ExitCode.OK;
      }
      pending.append(line).append('\n');
      if (line.trim().endsWith(";")) {
        for (String statement : SqlScript.split(pending.toString())) {
          run(statement, out);
        }
        pending.setLength(0);
      }
    }
  }

  private String prompt() {
    String database = session.database();
    return "changelake" + (database == null ? "" : ":" + database) + "> ";
  }

  private void run(String statement, PrintWriter out) {
    try {
      printer.accept(session.execute(statement), out);
    } catch (IllegalArgumentException | SinkException e) {
      out.println("Error: " + e.getMessage());
    }
    out.flush();
  }
}
