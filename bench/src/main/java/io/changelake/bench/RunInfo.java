package io.changelake.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** When, where and on what a run happened: date, commit, machine, versions, load. */
record RunInfo(String date, String commit, String machine, String java, String loadAtStart) {

  static RunInfo collect(Path repo) {
    return new RunInfo(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")),
        commit(repo), describeMachine(), System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
        loadAverage());
  }

  /** {@code git rev-parse --short HEAD} of the repo (read-only), or "unknown". */
  private static String commit(Path repo) {
    try {
      Process p = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").directory(repo.toFile())
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "unknown";
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  private static String describeMachine() {
    String model = "";
    long memKib = 0;
    try {
      model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("");
      memKib = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
          .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(0L);
    } catch (IOException ignored) {
      // not Linux: cores only
    }
    return Runtime.getRuntime().availableProcessors() + " cores" + (model.isEmpty() ? "" : " (" + model + ")")
        + String.format(Locale.ROOT, ", %.1f GiB memory", memKib / 1048576.0);
  }

  /** The 1, 5 and 15 minute load averages now. */
  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException e) {
      return "?";
    }
  }
}
