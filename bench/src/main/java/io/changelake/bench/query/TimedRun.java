package io.changelake.bench.query;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs a command to its end under {@code /usr/bin/time}, keeping its output in a log. */
final class TimedRun {
  private static int count;

  private TimedRun() { }

  /**
   * What a finished command printed, and its wall time and peak RSS as the kernel accounted them.
   */
  record Result(List<String> output, double wallSeconds, long rssKib) { }

  static Result run(List<String> command, Path logs) throws IOException, InterruptedException {
    Files.createDirectories(logs);
    Path log = logs.resolve(String.format("%03d.log", ++count));
    Path time = logs.resolve(String.format("%03d.time", count));
    List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-o", time.toString(), "-f", "%e %M"));
    timed.addAll(command);
    System.out.println("running " + String.join(" ", command.subList(0, Math.min(3, command.size()))) + " ... > " + log);
    int exit = new ProcessBuilder(timed).redirectErrorStream(true).redirectOutput(log.toFile()).start().waitFor();
    List<String> output = Files.readAllLines(log);
    if (exit != 0) {
      throw new IllegalStateException("Exit code " + exit + " from " + String.join(" ", command) + "; see " + log);
    }
    String[] figures = Files.readAllLines(time).get(Files.readAllLines(time).size() - 1).trim().split(" ");
    return new Result(output, Double.parseDouble(figures[0]), Long.parseLong(figures[1]));
  }
}
