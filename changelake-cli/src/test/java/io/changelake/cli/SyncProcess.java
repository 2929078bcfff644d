package io.changelake.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code changelake sync-table} in a JVM of its own, into every format, for tests that kill it (kill -9)
 * at chosen moments. Every run of one test appends its output to one log file.
 */
final class SyncProcess {
  private SyncProcess() { }

  /** Starts a sync of {@code sourceOptions} into database {@code lake} of {@code warehouse}, committing every 500 ms. */
  static Process start(Path warehouse, Map<String, String> sourceOptions, Path log) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "sync-table",
        "--warehouse", warehouse.toString(), "--database", "lake", "--commit-interval", "500ms",
        "--format", String.join(",", RunningSync.ALL_FORMATS)));
    command.addAll(RunningSync.asFlags("--source-conf", sourceOptions));
    return new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
  }

  /** The log file next to {@code warehouse}. */
  static Path logBeside(Path warehouse) {
    return warehouse.resolveSibling(warehouse.getFileName() + "-sync.log");
  }

  /** Everything the syncs wrote to {@code log} so far; empty when nothing. */
  static String log(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** The last lines of {@code log}, to explain a failure. */
  static String tail(Path log) {
    List<String> lines = log(log).lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
  }
}
