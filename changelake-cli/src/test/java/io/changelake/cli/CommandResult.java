package io.changelake.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** What a {@code changelake} command line run in this JVM returned and printed. */
record CommandResult(int code, String out, String err) {

  static CommandResult run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int code = commandLine.execute(args);
    return new CommandResult(code, out.toString(), err.toString());
  }
}
