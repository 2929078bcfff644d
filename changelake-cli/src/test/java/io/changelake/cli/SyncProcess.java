package io.changelake.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code changelake <args>} in a process of its own (this JVM's classpath), for tests that kill it with
 * {@code kill -9} ({@link #kill()}) or stop it with SIGTERM ({@link #stop()}). Every process of one test
 * appends its output to one log, whose last lines {@link #log()} shows to explain a failure. Processes still
 * running when the test JVM exits are killed.
 */
final class SyncProcess {
  /** Every process started, killed when this JVM exits, so that a test failing early leaves none running. */
  private static final Set<Process> STARTED = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(Process::destroyForcibly)));
  }

  private final Process process;
  private final Path log;

  private SyncProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code changelake args...} with a 512 MiB heap, appending its output to {@code log}. */
  static SyncProcess start(Path log, List<String> args) throws IOException {
    return start(log, args, Map.of());
  }

  /** {@link #start(Path, List)} with {@code environment} added to this process's environment variables. */
  static SyncProcess start(Path log, List<String> args, Map<String, String> environment) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(environment);
    Process process = builder.start();
    STARTED.add(process);
    process.onExit().thenRun(() -> STARTED.remove(process));
    return new SyncProcess(process, log);
  }

  /**
   * Starts {@code sync-table} of {@code sourceOptions} into database {@code lake} of {@code warehouse}, in
   * every format, committing every 500 ms; the log is the file beside the warehouse.
   */
  static SyncProcess startSyncTable(Path warehouse, Map<String, String> sourceOptions) throws IOException {
    List<String> args = new ArrayList<>(List.of("sync-table", "--warehouse", warehouse.toString(),
        "--database", "lake", "--commit-interval", "500ms", "--format", String.join(",", RunningSync.ALL_FORMATS)));
    args.addAll(RunningSync.asFlags("--source-conf", sourceOptions));
    return start(warehouse.resolveSibling(warehouse.getFileName() + "-sync.log"), args);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits up to {@code millis} for the process to end by itself; true if it did. */
  boolean waitFor(long millis) throws InterruptedException {
    return process.waitFor(millis, TimeUnit.MILLISECONDS);
  }

  /** Waits up to {@code millis} for a match of {@code regex} in the log (checked every 10 ms); true once found. */
  boolean awaitLog(String regex, long millis) throws InterruptedException {
    Pattern pattern = Pattern.compile(regex);
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < deadline && process.isAlive()) {
      try {
        if (pattern.matcher(Files.readString(log)).find()) {
          return true;
        }
      } catch (IOException e) {
        // not written yet
      }
      Thread.sleep(10);
    }
    return false;
  }

  /** The exit code of a process that ended. */
  int exitValue() {
    return process.exitValue();
  }

  /** kill -9, and waits for the process to be gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, and waits up to 60 s for the exit code. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("The sync did not stop within 60 s of SIGTERM:\n" + log());
    }
    return process.exitValue();
  }

  /** The last 80 lines every process of this log printed. */
  String log() {
    List<String> lines = fullLog().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
  }

  /** Everything every process of this log printed so far. */
  String fullLog() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
