package io.changelake.source.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.changelake.api.model.SourcePosition;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A point in a PostgreSQL change stream, ordered as changes are emitted.
 *
 * <p>Order is by {@code (major, phase, minor, sub)}:
 * <ul>
 *   <li>snapshot row: ({@code snapshot LSN}, 0, run epoch, row ordinal) — a snapshot started again
 *       after an interrupted one (new epoch) sorts after it;
 *   <li>end of snapshot: ({@code snapshot LSN}, 1, 0, 0);
 *   <li>streamed change: ({@code last commit LSN}, 2, {@code change LSN}, tie) — Debezium's
 *       {@code source.sequence}; {@code tie} numbers changes sharing one LSN (a key update becomes a
 *       delete and an insert at the same LSN). Before the first commit of a stream Debezium has no
 *       last commit LSN; the stream's starting LSN ({@link #floor}) stands in for it;
 *   <li>heartbeat: ({@code last commit LSN}, 2, -1, 0) — every transaction committed at or before it
 *       has been emitted, and none after.
 * </ul>
 *
 * <p>A change read by changelake's own reader also knows the commit LSN of its own transaction
 * ({@link #streamedIn}). Against another such change, a heartbeat, a commit or a snapshot position it is
 * ordered by that transaction instead: (its commit LSN, 2, before that commit's own position, change LSN,
 * tie). That order needs nothing from before the transaction, so a replay gives every change the place it
 * had even when the stream resumes past the last commit LSN of the position it was asked to resume from:
 * PostgreSQL starts a slot at its confirmed LSN when asked for an older one, skipping the transactions in
 * between, and the first change it then sends cannot know the commit before it. Against a change that
 * does not know its transaction (Debezium's, or one stored by an older version) both are ordered by last
 * commit LSN as above.
 *
 * <p>The position carries Debezium's offset (and partition) verbatim so that a pipeline resumes
 * exactly there; {@link #serialize()} is JSON.
 */
public final class PostgresPosition implements SourcePosition {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The source partition of every position, as Debezium names it for topic prefix {@code changelake}. */
  static final Map<String, Object> PARTITION = Map.of("server", PostgresSource.TOPIC_PREFIX);

  static final int SNAPSHOT = 0;
  static final int SNAPSHOT_DONE = 1;
  static final int STREAM = 2;

  private final long major;
  private final int phase;
  private final long minor;
  private final long sub;
  private final long floor;
  /** The commit LSN of a streamed change's own transaction, when the reader knew it; else 0. */
  private final long commit;
  private final Map<String, Object> partition;
  private final Map<String, Object> offset;

  PostgresPosition(long major, int phase, long minor, long sub, long floor,
      Map<String, ?> partition, Map<String, ?> offset) {
    this(Map.copyOf(partition), java.util.Collections.unmodifiableMap(new LinkedHashMap<>(offset)),
        major, phase, minor, sub, floor, 0);
  }

  private PostgresPosition(Map<String, Object> partition, Map<String, Object> offset,
      long major, int phase, long minor, long sub, long floor, long commit) {
    this.major = major;
    this.phase = phase;
    this.minor = minor;
    this.sub = sub;
    this.floor = floor;
    this.commit = commit;
    this.partition = partition;
    this.offset = offset;
  }

  /**
   * The position of row {@code ordinal} of a snapshot taken at {@code lsn} in run {@code epoch};
   * {@code partition} and {@code offset} must be immutable (they are shared, not copied).
   */
  static PostgresPosition snapshotRow(long lsn, long epoch, long ordinal, Map<String, Object> partition,
      Map<String, Object> offset) {
    return new PostgresPosition(partition, offset, lsn, SNAPSHOT, epoch, ordinal, lsn, 0);
  }

  /**
   * The end of a snapshot taken at {@code lsn}: streaming with {@code offset} goes on from there.
   */
  static PostgresPosition snapshotDone(long lsn, Map<String, ?> partition, Map<String, ?> offset) {
    return new PostgresPosition(lsn, SNAPSHOT_DONE, 0, 0, lsn, partition, offset);
  }

  /**
   * A change at {@code lsn} read by changelake's own stream reader, of the transaction committed at
   * {@code commit}, after the transaction committed at {@code lastCommit}; its offset has Debezium's keys,
   * so either reader resumes from it.
   */
  static PostgresPosition streamedIn(long commit, long lastCommit, long lsn, long sub, long xid, long tsMicros,
      long floor) {
    return new PostgresPosition(PARTITION, offset(lsn, lastCommit, xid, tsMicros), lastCommit, STREAM, lsn, sub,
        floor, commit);
  }

  /** Everything committed up to {@code commitLsn} was emitted (a transaction's end, or an idle stream's). */
  static PostgresPosition streamCommitted(long commitLsn, long xid, long tsMicros, long floor) {
    return new PostgresPosition(PARTITION, offset(commitLsn, commitLsn, xid, tsMicros), commitLsn, STREAM, -1, 0,
        floor, 0);
  }

  /**
   * Everything committed before {@code lsn + 1} was emitted, seen between transactions; ordered after the
   * commit at {@code lastCommit} (and earlier idle positions, by {@code sub}) and before the next change.
   */
  static PostgresPosition streamIdle(long lastCommit, long sub, long lsn, long floor) {
    return new PostgresPosition(PARTITION, offset(lsn, lsn, 0, 0), lastCommit, STREAM, -1, sub, floor, 0);
  }

  private static Map<String, Object> offset(long lsn, long lastCommit, long xid, long tsMicros) {
    return Map.of("lsn", lsn, "lsn_proc", lsn, "lsn_commit", lastCommit, "txId", xid, "ts_usec", tsMicros);
  }

  /** Parses {@link #serialize()}'s output. */
  public static PostgresPosition parse(String serialized) {
    try {
      Map<?, ?> map = JSON.readValue(serialized, Map.class);
      Object commit = map.get("commit");
      return new PostgresPosition(typed(map.get("partition")), typed(map.get("offset")), number(map, "major"),
          (int) number(map, "phase"), number(map, "minor"), number(map, "sub"), number(map, "floor"),
          commit == null ? 0 : ((Number) commit).longValue());
    } catch (JsonProcessingException | RuntimeException e) {
      throw new IllegalArgumentException("Not a PostgreSQL source position: " + serialized, e);
    }
  }

  private static long number(Map<?, ?> map, String key) {
    return ((Number) Objects.requireNonNull(map.get(key), key)).longValue();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> typed(Object value) {
    Map<String, Object> map = new LinkedHashMap<>((Map<String, Object>) Objects.requireNonNull(value));
    // JSON gives Integer for small numbers; Debezium reads LSNs and ids as Long.
    map.replaceAll((k, v) -> v instanceof Integer i ? Long.valueOf(i) : v);
    return map;
  }

  @Override
  public String serialize() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("major", major);
    map.put("phase", phase);
    map.put("minor", minor);
    map.put("sub", sub);
    map.put("floor", floor);
    if (commit != 0) {
      map.put("commit", commit);
    }
    map.put("partition", partition);
    map.put("offset", offset);
    try {
      return JSON.writeValueAsString(map);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot serialize position " + describe(), e);
    }
  }

  @Override
  public boolean inSnapshot() {
    return phase == SNAPSHOT;
  }

  boolean snapshotDone() {
    return phase == SNAPSHOT_DONE;
  }

  /** The LSN this position stands at, as PostgreSQL writes it (e.g. {@code 0/16B3748}). */
  @Override
  public String describe() {
    String lsn = formatLsn(lsn());
    return switch (phase) {
      case SNAPSHOT -> "snapshot@" + lsn + "#" + sub;
      case SNAPSHOT_DONE -> "snapshot-done@" + lsn;
      default -> lsn;
    };
  }

  /** The WAL position of this change (the change's own LSN, or the snapshot's). */
  long lsn() {
    Object lsn = offset.get("lsn");
    return lsn instanceof Number n ? n.longValue() : major;
  }

  /** The LSN up to which the slot may be confirmed once this position is durable. */
  long commitLsn() {
    Object commit = offset.get("lsn_commit");
    return commit instanceof Number n ? n.longValue() : lsn();
  }

  /** The commit LSN of a streamed change's own transaction, when the reader knew it; else 0. */
  long ownCommit() {
    return commit;
  }

  /** The commit LSN that orders this position first (see the class comment). */
  long major() {
    return major;
  }

  /** Whether this is a stream position between transactions (a commit, heartbeat or idle position). */
  boolean betweenTransactions() {
    return phase == STREAM && minor == -1;
  }

  /** The idle number of a position between transactions. */
  long sub() {
    return sub;
  }

  long floor() {
    return floor;
  }

  Map<String, Object> partition() {
    return partition;
  }

  /** Debezium's offset for this position; do not modify. */
  Map<String, Object> offset() {
    return offset;
  }

  static String formatLsn(long lsn) {
    return Long.toHexString(lsn >>> 32).toUpperCase(java.util.Locale.ROOT) + "/"
        + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase(java.util.Locale.ROOT);
  }

  @Override
  public int compareTo(SourcePosition o) {
    PostgresPosition other = (PostgresPosition) o;
    boolean byTransaction = (commit != 0 || other.commit != 0) && !changeWithoutCommit()
        && !other.changeWithoutCommit();
    int c = Long.compareUnsigned(orderingLsn(byTransaction), other.orderingLsn(byTransaction));
    if (c == 0) {
      c = Integer.compare(phase, other.phase);
    }
    if (c == 0 && byTransaction) {
      // a transaction's changes come before its commit's own position (and the heartbeats after it)
      c = Boolean.compare(commit == 0, other.commit == 0);
    }
    if (c == 0) {
      c = Long.compare(minor, other.minor);
    }
    return c != 0 ? c : Long.compare(sub, other.sub);
  }

  /** The LSN this position is ordered by first: its transaction's commit when ordered by transaction and known. */
  private long orderingLsn(boolean byTransaction) {
    return byTransaction && commit != 0 ? commit : major;
  }

  /** Whether this is a streamed change that does not know its own transaction's commit LSN. */
  private boolean changeWithoutCommit() {
    return phase == STREAM && minor >= 0 && commit == 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PostgresPosition other && compareTo(other) == 0;
  }

  /** Leaves {@code major} out: two changes equal by their transaction may differ in it. */
  @Override
  public int hashCode() {
    return Objects.hash(phase, minor, sub);
  }

  @Override
  public String toString() {
    return "PostgresPosition[" + describe() + " " + major + "/" + phase + "/" + minor + "/" + sub
        + (commit != 0 ? " in " + formatLsn(commit) : "") + "]";
  }
}
