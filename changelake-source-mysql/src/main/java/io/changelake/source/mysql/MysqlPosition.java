package io.changelake.source.mysql;

import io.changelake.api.model.SourcePosition;
import java.util.Arrays;
import java.util.Objects;

/**
 * A point in a MySQL / MariaDB change stream, ordered as changes are emitted: binlog file, offset and
 * the change's place inside the event group (transaction) that starts at that offset, and, where the server
 * writes GTIDs, the GTID set of every group before that one.
 *
 * <p>Places, as {@code (place in the binlog, phase, minor, sub)}:
 * <ul>
 *   <li>snapshot row: (snapshot's binlog position, 0, run epoch, row ordinal) — a snapshot started again
 *       after an interrupted one (new epoch) sorts after it;
 *   <li>end of snapshot: (snapshot's binlog position, 1, 0, 0);
 *   <li>streamed change: (start of its event group, 2, number of its event in the group, row index in the
 *       event) — MariaDB writes no offsets for the events inside a transaction;
 *   <li>between groups: (start of the next group, 2, -1, 0) — everything before it has been emitted.
 * </ul>
 *
 * <p><b>GTIDs.</b> On MariaDB (which always writes GTIDs) and on MySQL with {@code gtid_mode=ON}, a position
 * also holds the {@link GtidSet} of everything before its group (for a between-groups position: everything
 * up to and including the group just committed). A stream then resumes by that set instead of file and
 * offset, so it survives binlog files renamed, purged or rewritten by another server after a failover (the
 * new primary's binlog holds the same groups at other offsets). Without GTIDs, or for positions written
 * before GTIDs were recorded, file and offset remain.
 *
 * <p><b>Order.</b> Two positions that both hold a GTID set compare by {@code (set's count, set's text, phase,
 * minor, sub)}; file and offset take no part, so the same change read again from a renamed file or another
 * server compares equal. The count ({@link GtidSet#count()}) grows with every group of one history (the
 * reader fails rather than emit a group whose set does not grow), so this is the emission order; the text
 * only breaks ties between sets of unrelated histories, keeping the order total. Any other pair compares
 * by {@code (file's sequence number, file name, offset, phase, minor, sub)}, as positions always have. The
 * two orders agree for positions read from one server's binlog (a group's offset and its set's count grow
 * together), which is where they meet: a position without GTIDs is only ever compared with positions read
 * from the same server after it (a snapshot's rows against its streamed changes; a position stored before
 * GTIDs were recorded against the first positions after it, which must find its file to resume at all). The
 * place inside a group (minor: the number of the event in the group) assumes that a group read from another
 * server after a failover has the same events, which row-based replication keeps (a replica writes each rows
 * event it applies).
 *
 * <p>Serialized as {@code file:offset:phase:minor:sub}, followed by {@code /} and the GTID set when there is
 * one (an empty set included: {@code mysql-bin.000001:4:2:-1:0/}); binlog file names hold no {@code /}.
 * Positions stored before GTIDs were recorded parse as before.
 */
public final class MysqlPosition implements SourcePosition {
  static final int SNAPSHOT = 0;
  static final int SNAPSHOT_DONE = 1;
  static final int STREAM = 2;
  private static final char GTIDS = '/';

  private final String file;
  private final long sequence;
  private final long offset;
  private final int phase;
  private final long minor;
  private final long sub;
  private final GtidSet gtids;

  private MysqlPosition(String file, long offset, int phase, long minor, long sub, GtidSet gtids) {
    this.file = Objects.requireNonNull(file, "file");
    this.sequence = sequence(file);
    this.offset = offset;
    this.phase = phase;
    this.minor = minor;
    this.sub = sub;
    this.gtids = gtids;
  }

  static MysqlPosition snapshotRow(String file, long offset, long epoch, long ordinal) {
    return new MysqlPosition(file, offset, SNAPSHOT, epoch, ordinal, null);
  }

  /**
   * Row {@code row} of the {@code event}-th event of the group that starts at {@code groupStart}, after the
   * groups of {@code gtids} (null without GTIDs).
   */
  static MysqlPosition change(String file, long groupStart, long event, long row, GtidSet gtids) {
    return new MysqlPosition(file, groupStart, STREAM, event, row, gtids);
  }

  /** Everything before {@code offset} of {@code file} was emitted (no GTIDs known); the next group starts there. */
  static MysqlPosition between(String file, long offset) {
    return between(file, offset, null);
  }

  /**
   * Everything before {@code offset} of {@code file}, the groups of {@code gtids} (null without GTIDs), was
   * emitted; the next group starts there.
   */
  static MysqlPosition between(String file, long offset, GtidSet gtids) {
    return new MysqlPosition(file, offset, STREAM, -1, 0, gtids);
  }

  /** The end of a snapshot read at this position. */
  MysqlPosition snapshotDone() {
    return new MysqlPosition(file, offset, SNAPSHOT_DONE, 0, 0, gtids);
  }

  /** This position with the GTID set of the groups before it. */
  MysqlPosition withGtids(GtidSet set) {
    return new MysqlPosition(file, offset, phase, minor, sub, set);
  }

  /** Parses {@link #serialize()}'s output, with or without a GTID set. */
  public static MysqlPosition parse(String serialized) {
    try {
      int slash = serialized.indexOf(GTIDS);
      String place = slash < 0 ? serialized : serialized.substring(0, slash);
      String[] parts = place.split(":");
      int n = parts.length;
      String file = String.join(":", Arrays.copyOf(parts, n - 4));
      int phase = Integer.parseInt(parts[n - 3]);
      GtidSet gtids = slash < 0 ? null : GtidSet.parse(serialized.substring(slash + 1), true);
      return new MysqlPosition(file, Long.parseLong(parts[n - 4]), phase, Long.parseLong(parts[n - 2]),
          Long.parseLong(parts[n - 1]), gtids);
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
    String place = file + ":" + offset + ":" + phase + ":" + minor + ":" + sub;
    return gtids == null ? place : place + GTIDS + gtids;
  }

  @Override
  public boolean inSnapshot() {
    return phase == SNAPSHOT;
  }

  /** The binlog file a stream resumes in when it cannot resume by GTID. */
  String file() {
    return file;
  }

  /** The offset a stream resumes at without GTIDs: the start of the event group this position lies in. */
  long offset() {
    return offset;
  }

  /** The GTID set of the groups before this position's group; null when the position has none. */
  GtidSet gtids() {
    return gtids;
  }

  @Override
  public String describe() {
    String at = file + ":" + offset;
    String place = switch (phase) {
      case SNAPSHOT -> "snapshot@" + at + "#" + sub;
      case SNAPSHOT_DONE -> "snapshot-done@" + at;
      default -> minor < 0 ? at : at + "/" + minor + "#" + sub;
    };
    return gtids == null ? place : place + " gtid " + (gtids.isEmpty() ? "(none)" : gtids);
  }

  @Override
  public int compareTo(SourcePosition o) {
    MysqlPosition other = (MysqlPosition) o;
    int c;
    if (gtids != null && other.gtids != null) {
      c = Long.compare(gtids.count(), other.gtids.count());
      if (c == 0) {
        c = gtids.toString().compareTo(other.gtids.toString());
      }
    } else {
      c = Long.compare(sequence, other.sequence);
      if (c == 0) {
        c = file.compareTo(other.file);
      }
      if (c == 0) {
        c = Long.compare(offset, other.offset);
      }
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

  /** Of the fields every order compares (positions equal by GTID may differ in file and offset). */
  @Override
  public int hashCode() {
    return Objects.hash(phase, minor, sub);
  }

  @Override
  public String toString() {
    return "MysqlPosition[" + serialize() + "]";
  }
}
