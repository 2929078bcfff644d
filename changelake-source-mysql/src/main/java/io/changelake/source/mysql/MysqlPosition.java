package io.changelake.source.mysql;

import io.changelake.api.model.SourcePosition;
import java.util.Arrays;
import java.util.Objects;

/**
 * A point in a MySQL / MariaDB change stream, ordered as changes are emitted: binlog file, offset and
 * the change's place inside the event group (transaction) that starts at that offset.
 *
 * <p>Order is by {@code (file sequence, offset, phase, minor, sub)}:
 * <ul>
 *   <li>snapshot row: (snapshot's binlog position, 0, run epoch, row ordinal) — a snapshot started again
 *       after an interrupted one (new epoch) sorts after it;
 *   <li>end of snapshot: (snapshot's binlog position, 1, 0, 0);
 *   <li>streamed change: (start of its event group, 2, number of its rows event in the group, row index in
 *       the event) — MariaDB writes no offsets for the events inside a transaction;
 *   <li>between groups: (start of the next group, 2, -1, 0) — everything before it has been emitted.
 * </ul>
 * A stream resumes by reading again from the offset of the group a position lies in; the changes up to
 * the position come again and are skipped by the caller. Serialized as
 * {@code file:offset:phase:minor:sub}.
 */
public final class MysqlPosition implements SourcePosition {
  static final int SNAPSHOT = 0;
  static final int SNAPSHOT_DONE = 1;
  static final int STREAM = 2;

  private final String file;
  private final long sequence;
  private final long offset;
  private final int phase;
  private final long minor;
  private final long sub;

  private MysqlPosition(String file, long offset, int phase, long minor, long sub) {
    this.file = Objects.requireNonNull(file, "file");
    this.sequence = sequence(file);
    this.offset = offset;
    this.phase = phase;
    this.minor = minor;
    this.sub = sub;
  }

  static MysqlPosition snapshotRow(String file, long offset, long epoch, long ordinal) {
    return new MysqlPosition(file, offset, SNAPSHOT, epoch, ordinal);
  }

  static MysqlPosition snapshotDone(String file, long offset) {
    return new MysqlPosition(file, offset, SNAPSHOT_DONE, 0, 0);
  }

  /** Row {@code row} of the {@code event}-th event of the group that starts at {@code groupStart}. */
  static MysqlPosition change(String file, long groupStart, long event, long row) {
    return new MysqlPosition(file, groupStart, STREAM, event, row);
  }

  /** Everything before {@code offset} of {@code file} was emitted; the next group starts there. */
  static MysqlPosition between(String file, long offset) {
    return new MysqlPosition(file, offset, STREAM, -1, 0);
  }

  /** Parses {@link #serialize()}'s output. */
  public static MysqlPosition parse(String serialized) {
    try {
      String[] parts = serialized.split(":");
      int n = parts.length;
      String file = String.join(":", Arrays.copyOf(parts, n - 4));
      return new MysqlPosition(file, Long.parseLong(parts[n - 4]), Integer.parseInt(parts[n - 3]),
          Long.parseLong(parts[n - 2]), Long.parseLong(parts[n - 1]));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("Not a MySQL source position: " + serialized, e);
    }
  }

  /** The number after the last dot of a binlog file name ({@code mysql-bin.000042}: 42), or -1. */
  private static long sequence(String file) {
    int dot = file.lastIndexOf('.');
    try {
      return dot < 0 ? -1 : Long.parseLong(file.substring(dot + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public String serialize() {
    return file + ":" + offset + ":" + phase + ":" + minor + ":" + sub;
  }

  @Override
  public boolean inSnapshot() {
    return phase == SNAPSHOT;
  }

  /** The binlog file a stream resumes in. */
  String file() {
    return file;
  }

  /** The offset a stream resumes at: the start of the event group this position lies in. */
  long offset() {
    return offset;
  }

  @Override
  public String describe() {
    String at = file + ":" + offset;
    return switch (phase) {
      case SNAPSHOT -> "snapshot@" + at + "#" + sub;
      case SNAPSHOT_DONE -> "snapshot-done@" + at;
      default -> minor < 0 ? at : at + "/" + minor + "#" + sub;
    };
  }

  @Override
  public int compareTo(SourcePosition o) {
    MysqlPosition other = (MysqlPosition) o;
    int c = Long.compare(sequence, other.sequence);
    if (c == 0) {
      c = file.compareTo(other.file);
    }
    if (c == 0) {
      c = Long.compare(offset, other.offset);
    }
    if (c == 0) {
      c = Integer.compare(phase, other.phase);
    }
    if (c == 0) {
      c = Long.compare(minor, other.minor);
    }
    return c != 0 ? c : Long.compare(sub, other.sub);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MysqlPosition other && compareTo(other) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(file, offset, phase, minor, sub);
  }

  @Override
  public String toString() {
    return "MysqlPosition[" + serialize() + "]";
  }
}
