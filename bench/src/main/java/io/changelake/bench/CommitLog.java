package io.changelake.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the start and commit lines a sync writes to its log ({@code Committed 1 table(s), 12,345 change(s); ...}). */
final class CommitLog {
  private static final Pattern COMMIT = Pattern.compile(
      "^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .*Committed \\d+ table\\(s\\), ([\\d,]+) change\\(s\\)");
  private static final Pattern START = Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .*SyncRunner - Mirroring ");

  private CommitLog() { }

  /**
   * Changes per second from the pipeline's start (the {@code Mirroring ...} line: JVM up, tables open, the
   * source starting) to the commit that brings the total to {@code changes}: the catch-up without the JVM
   * start and table opening, JIT warm-up included. (A rate between commits would count changes read while
   * the previous round was still committing.) NaN when the log has no start line or never reaches the total.
   */
  static double changesPerSecondFromPipelineStart(Path log, long changes) throws IOException {
    LocalTime start = null;
    long total = 0;
    for (String line : Files.readAllLines(log)) {
      Matcher started = START.matcher(line);
      if (start == null && started.find()) {
        start = LocalTime.parse(started.group(1));
        continue;
      }
      Matcher m = COMMIT.matcher(line);
      if (start == null || !m.find()) {
        continue;
      }
      total += Long.parseLong(m.group(2).replace(",", ""));
      if (total >= changes) {
        long millis = start.until(LocalTime.parse(m.group(1)), ChronoUnit.MILLIS);
        return millis <= 0 ? Double.NaN : changes * 1000.0 / millis;
      }
    }
    return Double.NaN;
  }
}
