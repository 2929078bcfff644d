package io.changelake.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.changelake.api.spi.SourceException;
import io.changelake.api.spi.SourceMetric;
import io.changelake.engine.pipeline.TableReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a pipeline's {@link Status} is kept for {@code changelake status}: {@code
 * <warehouse>/.changelake/status/<pipeline>.json}, rewritten atomically. Holds no secrets. Only local
 * warehouses have one.
 */
final class StatusFile {
  static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /**
   * A pipeline's standing: what {@code changelake status}, {@code /metrics} and {@code /health} show.
   *
   * @param pipeline the pipeline's name
   * @param pid the sync's process
   * @param state RUNNING, STOPPED or FAILED
   * @param started when the sync started
   * @param updated when this standing was taken
   * @param acknowledged the position last acknowledged to the source, or null
   * @param lagBytes how far the newest position the tables hold trails the source, in bytes; -1 when unknown
   * @param error why the sync failed, or null
   * @param tables every table's standing at the last commit
   * @param source the source's figures ({@link io.changelake.api.spi.Source#metrics()})
   * @param warnings what needs a person's attention now, each with its fix
   */
  record Status(
      String pipeline,
      long pid,
      String state,
      Instant started,
      Instant updated,
      String acknowledged,
      long lagBytes,
      String error,
      List<TableReport> tables,
      List<SourceMetric> source,
      List<String> warnings) {

    Status {
      tables = tables == null ? List.of() : List.copyOf(tables);
      source = source == null ? List.of() : List.copyOf(source);
      warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** Whether the sync is running now: its file says so and its process is alive. */
    boolean alive() {
      return "RUNNING".equals(state) && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** The largest lag of a table ({@link TableReport#lag}) at {@code now}. */
    Duration lag(Instant now) {
      return tables.stream().map(t -> t.lag(now)).max(Duration::compareTo).orElse(Duration.ZERO);
    }
  }

  private final Path file;

  private StatusFile(Path file) {
    this.file = file;
  }

  /** Where a local warehouse keeps its status files; empty for a remote warehouse. */
  private static Optional<Path> directory(String warehouse) {
    return LakeFormats.localFolder(warehouse).map(folder -> folder.resolve(".changelake").resolve("status"));
  }

  /** The status file of a pipeline, or a no-op when the warehouse is not a local folder. */
  static StatusFile forWarehouse(String warehouse, String pipeline) {
    return new StatusFile(directory(warehouse).map(dir -> dir.resolve(pipeline + ".json")).orElse(null));
  }

  /** Deletes the status file of {@code pipeline}; false when there was none. */
  static boolean delete(String warehouse, String pipeline) throws IOException {
    Optional<Path> dir = directory(warehouse);
    return dir.isPresent() && Files.deleteIfExists(dir.get().resolve(pipeline + ".json"));
  }

  /**
   * Whether {@code pipeline} is known to have stopped: its status file in this warehouse says it is not running,
   * or its process is gone. False when there is no status file to tell (a remote warehouse, or none written).
   */
  static boolean stopped(String warehouse, String pipeline) {
    Optional<Path> file = directory(warehouse).map(dir -> dir.resolve(pipeline + ".json")).filter(Files::isRegularFile);
    try {
      return file.isPresent() && !JSON.readValue(file.get().toFile(), Status.class).alive();
    } catch (IOException e) {
      return false;
    }
  }

  /** The process of the sync of {@code pipeline}, if its status file in this warehouse says it runs. */
  static Optional<Long> running(String warehouse, String pipeline) throws IOException {
    return readAll(warehouse).stream().filter(s -> s.pipeline().equals(pipeline) && s.alive()).map(Status::pid)
        .findFirst();
  }

  /**
   * Refuses a command that must not run beside the sync of {@code pipeline} while its status file says it runs.
   *
   * @param then the rest of the message after "The sync of pipeline P runs (pid N)": why, and what to do
   * @throws SourceException while the sync runs
   */
  static void requireStopped(String warehouse, String pipeline, String then) throws IOException {
    Optional<Long> pid = running(warehouse, pipeline);
    if (pid.isPresent()) {
      throw new SourceException("The sync of pipeline " + pipeline + " runs (pid " + pid.get() + ")" + then);
    }
  }

  static List<Status> readAll(String warehouse) throws IOException {
    Optional<Path> dir = directory(warehouse).filter(Files::isDirectory);
    List<Status> all = new ArrayList<>();
    if (dir.isPresent()) {
      try (var files = Files.list(dir.get())) {
        for (Path path : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
          all.add(JSON.readValue(path.toFile(), Status.class));
        }
      }
    }
    return all;
  }

  /** Replaces the file's content by {@code status}. */
  void write(Status status) {
    if (file == null) {
      return;
    }
    try {
      Files.createDirectories(file.getParent());
      Path temp = file.resolveSibling(file.getFileName() + ".tmp");
      JSON.writeValue(temp.toFile(), status);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write status file " + file + " (" + e.getMessage() + "). Fix the"
          + " warehouse's file system (free space when it is full, or restore write access), then run the sync"
          + " again: it resumes from each table's last commit, and nothing after it was acknowledged.", e);
    }
  }
}
