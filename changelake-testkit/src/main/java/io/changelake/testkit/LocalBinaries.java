package io.changelake.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A cluster run with PostgreSQL binaries installed on this machine ({@code initdb}, {@code pg_ctl}). */
final class LocalBinaries implements PostgresServer.Runtime {
  private final Path bin;
  private final Path dataDir;
  private final int port;

  LocalBinaries(Path bin, Path dataDir, int port) {
    this.bin = bin;
    this.dataDir = dataDir;
    this.port = port;
  }

  /** Directories holding {@code initdb} and {@code pg_ctl}, newest version first. */
  static List<Path> candidates() {
    List<Path> result = new ArrayList<>();
    Path lib = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(lib)) {
      try (Stream<Path> versions = Files.list(lib)) {
        versions.map(v -> v.resolve("bin"))
            .filter(LocalBinaries::hasBinaries)
            .sorted(Comparator.comparing(Path::toString).reversed())
            .forEach(result::add);
      } catch (IOException ignored) {
        // no candidates there
      }
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        Path candidate = Path.of(dir);
        if (hasBinaries(candidate) && !result.contains(candidate)) {
          result.add(candidate);
        }
      }
    }
    return result;
  }

  private static boolean hasBinaries(Path dir) {
    return Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("pg_ctl"));
  }

  void start(Map<String, String> settings) throws IOException {
    run(List.of(bin.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", PostgresServer.USERNAME,
        "-A", "trust", "-E", "UTF8", "--no-sync"));
    StringBuilder conf = new StringBuilder("\n");
    settings.forEach((k, v) -> conf.append(k).append(" = '").append(v.replace("'", "''")).append("'\n"));
    conf.append("port = ").append(port).append('\n');
    conf.append("unix_socket_directories = '").append(dataDir).append("'\n");
    Files.writeString(dataDir.resolve("postgresql.conf"), conf, StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.APPEND);
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-w", "-t", "60",
        "-l", dataDir.resolve("server.log").toString(), "start"));
  }

  @Override
  public void stop() throws IOException {
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate", "-w", "stop"));
  }

  private void run(List<String> command) throws IOException {
    Path log = Files.createTempFile("changelake-pg-cmd", ".log");
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!process.waitFor(90, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish in 90 s");
      }
      if (process.exitValue() != 0) {
        String output = Files.readString(log, StandardCharsets.UTF_8).strip();
        throw new IOException(String.join(" ", command) + " failed (exit " + process.exitValue() + "): " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while running " + command.get(0), e);
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
