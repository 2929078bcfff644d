package io.changelake.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code changelake <args>} in a process of its own (this JVM's classpath) whose stdin and stdout are a terminal
 * (util-linux {@code script} runs it on a pseudo-terminal), with {@code answer} typed in: for the questions a
 * command asks only on a terminal ({@link Confirmation}).
 *
 * @param code the exit code
 * @param output what the terminal showed, the answer's echo included, lines ending in CR LF
 */
record TerminalCommand(int code, String output) {

  static TerminalCommand run(String answer, List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", Main.class.getName()));
    command.addAll(args);
    StringBuilder line = new StringBuilder();
    command.forEach(arg -> line.append(" '").append(arg.replace("'", "'\\''")).append('\''));
    ProcessBuilder builder = new ProcessBuilder("script", "--quiet", "--return", "--command", line.toString(),
        "/dev/null").redirectErrorStream(true);
    builder.environment().put("CLASSPATH", System.getProperty("java.class.path"));
    Process process = builder.start();
    // stdin stays open until the command ends: its end would end the terminal session
    try (OutputStream in = process.getOutputStream()) {
      in.write((answer + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("changelake " + String.join(" ", args) + " did not end:\n"
            + new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return new TerminalCommand(process.exitValue(),
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }
}
