package io.changelake.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the commit lines a sync writes to its log ({@code Committed 1 table(s), 12,345 change(s); ...}). */
final class CommitLog {
  private static final Pattern COMMIT = Pattern.compile(
      "^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .*Committed \\d+ table\\(s\\), ([\\d,]+) change\\(s\\)");

  private CommitLog() { }

  /**
   * Changes per second between the first commit and the one that brings the total to {@code changes}: the
   * sustained rate, without the JVM start and the first round before the first commit. NaN when fewer than
   * two commits carry the changes.
   */
  static double sustainedChangesPerSecond(Path log, long changes) throws IOException {
    LocalTime first = null;
    long firstChanges = 0;
    long total = 0;
    for (String line : Files.readAllLines(log)) {
      Matcher m = COMMIT.matcher(line);
      if (!m.find()) {
        continue;
      }
      LocalTime at = LocalTime.parse(m.group(1));
      long n = Long.parseLong(m.group(2).replace(",", ""));
      total += n;
      if (first == null) {
        first = at;
        firstChanges = n;
      } else if (total >= changes) {
        long millis = first.until(at, ChronoUnit.MILLIS);
        return millis <= 0 ? Double.NaN : (total - firstChanges) * 1000.0 / millis;
      }
    }
    return Double.NaN;
  }
}
