package io.changelake.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Memory and CPU of a live process from {@code /proc}: peak resident set ({@code VmHWM}), current
 * resident set ({@code VmRSS}) and utime+stime in seconds (less sensitive to other load than wall time).
 */
record ProcStats(long peakRssKib, long rssKib, double cpuSeconds) {
  /** Clock ticks per second of /proc/PID/stat; 100 on Linux (USER_HZ). */
  private static final double TICKS_PER_SECOND = 100.0;

  static ProcStats of(long pid) {
    try {
      long hwm = 0;
      long rss = 0;
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          hwm = kib(line);
        } else if (line.startsWith("VmRSS:")) {
          rss = kib(line);
        }
      }
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // fields after the command name in parentheses (which may hold spaces): state is field 3
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);   // utime (14), stime (15)
      return new ProcStats(hwm, rss, ticks / TICKS_PER_SECOND);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read /proc/" + pid + " (has the process exited?)", e);
    }
  }

  private static long kib(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", ""));
  }

  long peakRssMib() {
    return peakRssKib / 1024;
  }

  long rssMib() {
    return rssKib / 1024;
  }
}
