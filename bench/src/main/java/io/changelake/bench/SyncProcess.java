package io.changelake.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code changelake sync-table} child process mirroring the source's {@code orders} into
 * {@code lakehouse.orders} (or another measured JVM, {@link #launch}); its own JVM, so that its memory and CPU are
 * measured alone.
 */
final class SyncProcess implements AutoCloseable {
  private final Process process;
  private final long launchedNanos;
  private final long launchedAtMillis;
  private ProcStats last;

  private SyncProcess(Process process, long launchedNanos, long launchedAtMillis) {
    this.process = process;
    this.launchedNanos = launchedNanos;
    this.launchedAtMillis = launchedAtMillis;
  }

  /** What to run. */
  record Settings(String format, Path warehouse, long commitIntervalMs, String heap, String capture) { }

  /** Launches the sync with {@code sourceArguments} (the flags that pick and reach the source), output to {@code log}. */
  static SyncProcess start(Changelake changelake, List<String> sourceArguments, Settings settings, Path log)
      throws IOException {
    List<String> args = new ArrayList<>(List.of("sync-table"));
    args.addAll(sourceArguments);
    args.addAll(List.of("--warehouse", settings.warehouse().toString(), "--database", LakeTable.ID.namespace(),
        "--table", LakeTable.ID.name(), "--commit-interval", settings.commitIntervalMs() + "ms"));
    if (changelake.hasFormatFlag()) {
      args.add("--format");
      args.add(settings.format());
    } else if (!settings.format().equalsIgnoreCase("iceberg")) {
      throw new IllegalArgumentException("This changelake has no --format flag (it writes Iceberg only); cannot"
          + " benchmark format '" + settings.format() + "'");
    }
    String syncArgs = System.getenv("SYNC_ARGS");
    if (syncArgs != null && !syncArgs.isBlank()) {
      args.addAll(List.of(syncArgs.trim().split("\\s+")));
    }
    List<String> jvmOptions = new ArrayList<>(List.of("-Xmx" + settings.heap()));
    String extra = System.getenv("SYNC_JAVA_OPTS");
    if (extra != null && !extra.isBlank()) {
      jvmOptions.addAll(List.of(extra.trim().split("\\s+")));
    }
    return launch(changelake.command(jvmOptions, args), log);
  }

  /** Launches {@code command} (any JVM measured like the sync, e.g. the Kafka reference), output to {@code log}. */
  static SyncProcess launch(List<String> command, Path log) throws IOException {
    long launchedAtMillis = System.currentTimeMillis();
    long launched = System.nanoTime();
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new SyncProcess(process, launched, launchedAtMillis);
  }

  long launchedNanos() {
    return launchedNanos;
  }

  /** Wall-clock launch time, to place the lake's commit timestamps. */
  long launchedAtMillis() {
    return launchedAtMillis;
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Memory and CPU now; the last reading taken while it was alive once it has exited. */
  ProcStats stats() {
    if (process.isAlive()) {
      try {
        last = ProcStats.of(process.pid());
      } catch (IllegalStateException exited) {
        // keep the last reading
      }
    }
    if (last == null) {
      throw new IllegalStateException("The sync process exited before it could be measured");
    }
    return last;
  }

  /** SIGTERM (changelake commits what is in flight, exit code 0), SIGKILL after 60 s; returns the exit code. */
  int stop() {
    if (process.isAlive()) {
      stats();
    }
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return -1;
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      stop();
    }
  }
}
