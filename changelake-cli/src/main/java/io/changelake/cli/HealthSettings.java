package io.changelake.cli;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a sync reports its health.
 *
 * @param metricsPort the port {@code /metrics} and {@code /health} are served on; 0 serves nothing
 * @param metricsBind the address they are served on
 * @param retainedWarning bytes the source may retain for the pipeline before a warning; 0 never warns
 */
record HealthSettings(int metricsPort, String metricsBind, long retainedWarning) {
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kib|mib|gib|tib)?");
  /** Local only: the endpoint has no authentication, and shows table names, positions and suspension reasons. */
  static final String DEFAULT_BIND = "127.0.0.1";
  static final String DEFAULT_RETAINED_WARNING = "1GiB";
  static final HealthSettings DEFAULT = new HealthSettings(0, DEFAULT_BIND, parseSize(DEFAULT_RETAINED_WARNING));

  HealthSettings {
    Objects.requireNonNull(metricsBind, "metricsBind");
    if (metricsPort < 0 || metricsPort > 65535) {
      throw new IllegalArgumentException("--metrics-port must be a TCP port from 1 to 65535, or 0 for no endpoint;"
          + " got " + metricsPort);
    }
    if (metricsBind.isBlank()) {
      throw new IllegalArgumentException("--metrics-bind needs an address, e.g. 127.0.0.1 or 0.0.0.0");
    }
    if (retainedWarning < 0) {
      throw new IllegalArgumentException("--retained-warning must not be negative; got " + retainedWarning);
    }
  }

  /** Whether {@code /metrics} and {@code /health} are served. */
  boolean serves() {
    return metricsPort > 0;
  }

  /** Bytes written as {@code <n>} or {@code <n>B|KiB|MiB|GiB|TiB}, e.g. {@code 512MiB}. */
  static long parseSize(String text) {
    Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a size: write a number of bytes, or a number followed"
          + " by KiB, MiB, GiB or TiB, e.g. 512MiB");
    }
    int shift = switch (m.group(2) == null ? "b" : m.group(2)) {
      case "kib" -> 10;
      case "mib" -> 20;
      case "gib" -> 30;
      case "tib" -> 40;
      default -> 0;
    };
    long value = Long.parseLong(m.group(1));
    if (value > Long.MAX_VALUE >> shift) {
      throw new IllegalArgumentException("'" + text + "' is too large a size");
    }
    return value << shift;
  }

  /** {@code bytes} for people: {@code 1.5 GiB}, {@code 12.0 MiB}, {@code 512 bytes}. */
  static String formatSize(double bytes) {
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    if (bytes < 1024) {
      return String.format(Locale.ROOT, "%,.0f bytes", bytes);
    }
    int unit = -1;
    while (bytes >= 1024 && unit < units.length - 1) {
      bytes /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", bytes, units[unit]);
  }
}
