package io.changelake.source.mysql;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * MySQL date and time values as lake values, from the server's text ({@code 2024-02-29 10:00:00.123456})
 * and from the binlog's packed forms. A zero date (year, month and day 0) or one with month or day 0 is
 * null: no lake type holds it. TIME is signed microseconds, as it spans -838:59:59 to 838:59:59.
 */
final class Temporals {
  private static final long MICROS_PER_SECOND = 1_000_000L;

  private Temporals() { }

  static LocalDate date(String text) {
    if (text == null) {
      return null;
    }
    int year = Integer.parseInt(text, 0, text.indexOf('-'), 10);
    int month = Integer.parseInt(text, 5, 7, 10);
    int day = Integer.parseInt(text, 8, 10, 10);
    return date(year, month, day);
  }

  static LocalDate date(int year, int month, int day) {
    return month == 0 || day == 0 ? null : LocalDate.of(year, month, day);
  }

  static LocalDateTime dateTime(String text) {
    if (text == null) {
      return null;
    }
    LocalDate date = date(text);
    if (date == null) {
      return null;
    }
    return date.atTime(Integer.parseInt(text, 11, 13, 10), Integer.parseInt(text, 14, 16, 10),
        Integer.parseInt(text, 17, 19, 10), (int) fractionMicros(text, 19) * 1000);
  }

  static OffsetDateTime instant(String text) {
    LocalDateTime utc = dateTime(text);
    return utc == null ? null : utc.atOffset(ZoneOffset.UTC);
  }

  /** {@code [-]h:mm:ss[.ffffff]} as signed microseconds. */
  static Long timeMicros(String text) {
    if (text == null) {
      return null;
    }
    boolean negative = text.startsWith("-");
    int start = negative ? 1 : 0;
    int colon = text.indexOf(':', start);
    long hours = Long.parseLong(text, start, colon, 10);
    long minutes = Long.parseLong(text, colon + 1, colon + 3, 10);
    long seconds = Long.parseLong(text, colon + 4, colon + 6, 10);
    long micros = ((hours * 60 + minutes) * 60 + seconds) * MICROS_PER_SECOND + fractionMicros(text, colon + 6);
    return negative ? -micros : micros;
  }

  /** The digits after the dot at {@code dot} (if any) as microseconds. */
  private static long fractionMicros(String text, int dot) {
    if (text.length() <= dot + 1 || text.charAt(dot) != '.') {
      return 0;
    }
    long value = 0;
    int digits = 0;
    for (int i = dot + 1; i < text.length() && digits < 6; i++, digits++) {
      value = value * 10 + (text.charAt(i) - '0');
    }
    for (; digits < 6; digits++) {
      value *= 10;
    }
    return value;
  }

  /** A binlog DATE: 3 bytes little-endian, day in bits 0-4, month in 5-8, year above. */
  static LocalDate binlogDate(int packed) {
    return date(packed >>> 9, (packed >>> 5) & 0x0F, packed & 0x1F);
  }

  /** A binlog DATETIME2 value: 40 bits big-endian (offset by 2^39), then {@code fraction} microseconds. */
  static LocalDateTime binlogDateTime(long packed, int fraction) {
    long value = packed - 0x8000000000L;
    long ymd = value >> 17;
    long hms = value & 0x1FFFF;
    int yearMonth = (int) (ymd >> 5);
    LocalDate date = date(yearMonth / 13, yearMonth % 13, (int) (ymd & 0x1F));
    return date == null ? null
        : date.atTime((int) (hms >> 12), (int) ((hms >> 6) & 0x3F), (int) (hms & 0x3F), fraction * 1000);
  }

  /** A binlog TIMESTAMP2 value: seconds since the epoch and microseconds; 0 is the zero timestamp (null). */
  static OffsetDateTime binlogTimestamp(long seconds, int fraction) {
    return seconds == 0 && fraction == 0 ? null
        : OffsetDateTime.ofInstant(Instant.ofEpochSecond(seconds, fraction * 1000L), ZoneOffset.UTC);
  }

  /**
   * A binlog TIME2 value as signed microseconds: {@code packed} is the integer part offset by 2^23 in its
   * 3 bytes and shifted left by 24, plus the signed fraction in microseconds.
   */
  static long binlogTime(long packed) {
    long magnitude = Math.abs(packed);
    long hms = magnitude >> 24;
    long micros = ((((hms >> 12) & 0x3FF) * 60 + ((hms >> 6) & 0x3F)) * 60 + (hms & 0x3F)) * MICROS_PER_SECOND
        + (magnitude & 0xFFFFFF);
    return packed < 0 ? -micros : micros;
  }
}
