package io.changelake.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How to start the changelake command: {@code java -jar changelake-cli/target/changelake.jar} when
 * that jar exists (what users run), else {@code java -cp <this classpath> io.changelake.cli.Main}.
 */
final class Changelake {
  private static final String MAIN = "io.changelake.cli.Main";

  private final List<String> launch;
  private final String description;
  private final boolean formatFlag;

  private Changelake(List<String> launch, String description) {
    this.launch = launch;
    this.description = description;
    this.formatFlag = helpOf("sync-table").contains("--format");
  }

  /** The jar if given or found under {@code repo}, else this JVM's classpath. */
  static Changelake find(Path jar, Path repo) {
    Path candidate = jar != null ? jar : repo.resolve("changelake-cli/target/changelake.jar");
    if (Files.isRegularFile(candidate)) {
      return new Changelake(List.of("-jar", candidate.toAbsolutePath().toString()), candidate.toString());
    }
    if (jar != null) {
      throw new IllegalArgumentException("No changelake jar at " + jar);
    }
    String classpath = System.getProperty("java.class.path");
    return new Changelake(List.of("-cp", classpath, MAIN), MAIN + " on the bench's classpath");
  }

  /** The java command line for {@code args} with extra JVM options (e.g. {@code -Xmx2g}). */
  List<String> command(List<String> jvmOptions, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(launch);
    command.addAll(args);
    return command;
  }

  /**
   * Runs {@code changelake args} to its end with its output in {@code log}.
   *
   * @throws IllegalStateException when it does not exit 0 within {@code timeoutSeconds}
   */
  void run(List<String> jvmOptions, List<String> args, Path log, long timeoutSeconds) {
    try {
      Process p = new ProcessBuilder(command(jvmOptions, args)).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("changelake " + String.join(" ", args) + " did not finish in "
            + timeoutSeconds + " s (see " + log + ")");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("changelake " + String.join(" ", args) + " exited " + p.exitValue()
            + " (see " + log + ")");
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot run changelake (" + description + "): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  /** Whether sync-table takes {@code --format} (otherwise it writes Iceberg only). */
  boolean hasFormatFlag() {
    return formatFlag;
  }

  String description() {
    return description;
  }

  private String helpOf(String subcommand) {
    try {
      File out = File.createTempFile("changelake-help", ".txt");
      try {
        run(List.of(), List.of(subcommand, "--help"), out.toPath(), 120);
        return Files.readString(out.toPath(), StandardCharsets.UTF_8);
      } finally {
        out.delete();
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot run changelake (" + description + "): " + e.getMessage(), e);
    }
  }
}
