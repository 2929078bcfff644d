package io.changelake.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code changelake sync-table} (or {@code serve}) run from the command's jar in a JVM of its own, so that the
 * sync's classpath (Hadoop 3.4, Parquet 1.17, Jackson 2.21) never meets an engine's (Spark, Flink). Its
 * output goes to a log file that failures quote.
 */
public final class ChildSync implements AutoCloseable {
  private final Process process;
  private final Path log;

  private ChildSync(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code java -jar changelake.jar <args>}; the jar is the one {@code changelake-cli}'s
   * package phase built (system property {@code changelake.jar}, set by this module's pom).
   */
  public static ChildSync start(Path log, List<String> args) throws IOException {
    Path jar = Path.of(System.getProperty("changelake.jar", "../changelake-cli/target/changelake.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("No " + jar.toAbsolutePath() + ": these tests run the command's jar. Build it"
          + " first (mvn -pl <the interop module> -am verify builds it in order, or"
          + " mvn -pl changelake-cli -am package -DskipTests).");
    }
    // changelake.java.home: the Java the command runs on where the test's own differs (Trino's tests run on 25)
    String javaHome = System.getProperty("changelake.java.home", System.getProperty("java.home"));
    List<String> command = new ArrayList<>(List.of(Path.of(javaHome, "bin", "java").toString(),
        // nothing on the path may depend on the JVM's zone: run the sync in one with a half-hour offset
        "-Duser.timezone=America/St_Johns", "-Xmx1g", "-jar", jar.toString()));
    command.addAll(args);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new ChildSync(process, log);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Waits for a command that ends by itself (e.g. {@code compact}) and returns its exit code. */
  public int awaitExit(java.time.Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("The command did not end within " + timeout + ":\n" + output());
    }
    return process.exitValue();
  }

  /** Stops the sync as Ctrl-C or a service manager would (SIGTERM) and returns its exit code. */
  public int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("The sync did not stop within 60 s of SIGTERM:\n" + output());
    }
    return process.exitValue();
  }

  /** The URL {@code changelake serve} listens at, once it has printed it (within 60 s); fails if it exits first. */
  public String awaitUrl() throws InterruptedException {
    Pattern printed = Pattern.compile("(http://[0-9.]+:[0-9]+)");
    Instant deadline = Instant.now().plusSeconds(60);
    while (true) {
      Matcher found = printed.matcher(output());
      if (found.find()) {
        return found.group(1);
      }
      if (!isAlive() || Instant.now().isAfter(deadline)) {
        throw new AssertionError("changelake serve did not start:\n" + output());
      }
      Thread.sleep(200);
    }
  }

  /** The last lines the sync printed. */
  public String output() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
