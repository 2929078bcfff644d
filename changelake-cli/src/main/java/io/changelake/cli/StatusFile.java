package io.changelake.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.changelake.engine.pipeline.CommitReport;
import io.changelake.engine.pipeline.TableReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A pipeline's standing, rewritten atomically after every commit under
 * {@code <warehouse>/.changelake/status/<pipeline>.json}, for {@code changelake status}. Holds no
 * secrets. Only local warehouses have one.
 */
final class StatusFile {
  static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

  /** What the file holds. */
  record Status(
      String pipeline,
      long pid,
      String state,
      Instant started,
      Instant updated,
      String acknowledged,
      Double lagSeconds,
      long lagBytes,
      String error,
      List<TableReport> tables) {

    /** Whether the sync is running now: its file says so and its process is alive. */
    boolean alive() {
      return "RUNNING".equals(state) && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
  }

  private final Path file;
  private Status current;

  private StatusFile(Path file, String pipeline) {
    this.file = file;
    this.current = new Status(pipeline, ProcessHandle.current().pid(), "RUNNING", Instant.now(), Instant.now(), null,
        null, -1, null, List.of());
    write();
  }

  /** Where a local warehouse keeps its status files; empty for a remote warehouse. */
  private static Optional<Path> directory(String warehouse) {
    return LakeFormats.localFolder(warehouse).map(folder -> folder.resolve(".changelake").resolve("status"));
  }

  /** The status file of a pipeline, or a no-op when the warehouse is not a local folder. */
  static StatusFile forWarehouse(String warehouse, String pipeline) {
    return new StatusFile(directory(warehouse).map(dir -> dir.resolve(pipeline + ".json")).orElse(null), pipeline);
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

  synchronized void committed(CommitReport report) {
    current = new Status(current.pipeline(), current.pid(), current.state(), current.started(), report.at(),
        report.acknowledged() == null ? current.acknowledged() : report.acknowledged(),
        report.lag() == null ? current.lagSeconds() : Double.valueOf(report.lag().toMillis() / 1000.0),
        report.lagBytes(),
        current.error(), report.tables());
    write();
  }

  synchronized void stopped(String error) {
    current = new Status(current.pipeline(), current.pid(), error == null ? "STOPPED" : "FAILED", current.started(),
        Instant.now(), current.acknowledged(), current.lagSeconds(), current.lagBytes(), error, current.tables());
    write();
  }

  private void write() {
    if (file == null) {
      return;
    }
    try {
      Files.createDirectories(file.getParent());
      Path temp = file.resolveSibling(file.getFileName() + ".tmp");
      JSON.writeValue(temp.toFile(), current);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write status file " + file + " (" + e.getMessage() + "). Fix the"
          + " warehouse's file system (free space when it is full, or restore write access), then run the sync"
          + " again: it resumes from each table's last commit, and nothing after it was acknowledged.", e);
    }
  }
}
