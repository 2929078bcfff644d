package io.changelake.source.postgres;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.SourceException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decodes the messages of a {@code pgoutput} logical replication stream (protocol version 1, values in
 * binary) into {@link ChangeEvent}s, and marks each transaction's end with a {@link PostgresPosition}.
 *
 * <p>An UPDATE that changes the key stays one UPDATE whose before-image holds the old key (the whole old
 * row under REPLICA IDENTITY FULL; otherwise the key, its other values {@link Row#UNAVAILABLE}), unlike
 * Debezium, which splits it into a DELETE and an INSERT; an unchanged TOAST value becomes
 * {@link Row#UNAVAILABLE}; only the captured tables' changes are emitted. Transactions committed at or
 * before the position the stream resumes from were emitted before and are skipped.
 *
 * <p>Not thread-safe: one per stream, used from the reading thread.
 */
final class PgOutputDecoder {
  /** PostgreSQL's epoch, 2000-01-01, in microseconds since 1970-01-01. */
  private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;
  private static final int KEY_FLAG = 1;

  /** Receives decoded changes and transaction ends, in stream order. */
  interface Receiver {
    void change(ChangeEvent event) throws InterruptedException;

    /** Every change up to {@code position} was handed over. */
    void progress(PostgresPosition position) throws InterruptedException;

    /**
     * The stream passed the copy point ({@link #copyAt}): every transaction committed before it was handed
     * over and none after; {@code position} (already passed to {@link #progress}) lies between the two.
     */
    default void copyPointPassed(PostgresPosition position) throws InterruptedException { }
  }

  /** Gives the table schema and column types of a relation as the stream describes it (columns in tuple order). */
  @FunctionalInterface
  interface SchemaResolver {
    Described schema(TableId table, List<RelationColumn> columns);
  }

  /** A relation's schema and the type of each of its columns. */
  record Described(TableSchema schema, List<PgType> types) { }

  /** A column of a Relation message: {@code key} when it is part of the replica identity. */
  record RelationColumn(String name, int typeOid, int typmod, boolean key) { }

  /** A captured relation, ready to decode tuples. */
  private record Relation(TableId table, TableSchema schema, BinaryCopyValues.Decoder[] decoders, int[] key) { }

  private final Set<TableId> captured;
  private final SchemaResolver resolver;
  private long skipUpTo;
  private final long floor;
  private final Map<Integer, Relation> relations = new HashMap<>();
  /** The commit LSN of the last transaction emitted: the major of every position until the next commit. */
  private long lastCommit;
  /** Numbers the idle positions after {@link #lastCommit}, which sort after its commit and before later changes. */
  private long idleSub;
  /** Every transaction committed at or before this LSN has been emitted. */
  private long emittedUpTo;
  private boolean inTransaction;
  private boolean skipping;
  /** Tables copied alone as of {@link #copyPoint}: their changes committed before it are in the copy. */
  private Set<TableId> copied = Set.of();
  private long copyPoint;
  private boolean copyPointPassed = true;
  /** The open transaction commits before the copy point: the copied tables' changes in it are dropped. */
  private boolean beforeCopyPoint;
  private long xid;
  private long commitMicros;
  private Instant commitTime;
  private long lastLsn = -1;
  private long sub;
  /** Change messages of the open transaction decoded so far. */
  private int changesInTransaction;
  /** The final LSN of the open transaction. */
  private long finalLsn;
  /** The final LSN of the transaction a reconnect broke off, resent whole by the new stream; 0 when none. */
  private long replayFinalLsn;
  /** How many of its change messages were decoded before the break, and are skipped when resent. */
  private int replaySkip;

  /**
   * Positions are a function of the stream alone, so a replay gives every change the position it had:
   * {@code (commit LSN of the transaction before, change LSN, tie)}, as Debezium numbers them.
   *
   * @param captured the tables whose changes are emitted
   * @param resolver schemas of new or changed relations
   * @param major the commit LSN the stream resumes after (the resume position's major)
   * @param idleSub the resume position's idle number when it is an idle position, else 0
   * @param skipUpTo every transaction committed at or before this LSN was emitted before and is skipped
   */
  PgOutputDecoder(Set<TableId> captured, SchemaResolver resolver, long major, long idleSub, long skipUpTo) {
    this.captured = Set.copyOf(captured);
    this.resolver = resolver;
    this.skipUpTo = skipUpTo;
    this.floor = major;
    this.lastCommit = major;
    this.idleSub = idleSub;
    this.emittedUpTo = skipUpTo;
  }

  /**
   * Drops the changes of {@code tables} in transactions committed before {@code point}, the consistent point
   * of the snapshot they are copied in, and tells the receiver where the stream passes that point. Call
   * before decoding.
   */
  void copyAt(Set<TableId> tables, long point) {
    copied = Set.copyOf(tables);
    copyPoint = point;
    copyPointPassed = false;
  }

  /**
   * Prepares for a new stream of the same slot after the connection broke: it resends every transaction
   * committed after the slot's confirmed LSN, and of these only what was not decoded yet is handed over
   * (transactions emitted whole are skipped; of one broken off, the changes after those decoded).
   */
  void reconnected() {
    skipUpTo = emittedUpTo;
    if (inTransaction && !skipping) {
      replayFinalLsn = finalLsn;
      replaySkip = changesInTransaction;
    }
    inTransaction = false;
    skipping = false;
  }

  /** Decodes one message that the stream delivered at {@code lsn}. */
  void decode(ByteBuffer message, long lsn, Receiver out) throws InterruptedException {
    ByteBuffer b = message.slice();
    byte type = b.get();
    if ((type == 'I' || type == 'U' || type == 'D' || type == 'T') && !skipping) {
      changesInTransaction++;
      if (replaySkip > 0 && finalLsn == replayFinalLsn) {
        replaySkip--;
        return;
      }
    }
    switch (type) {
      case 'B' -> begin(b, out);
      case 'C' -> commit(b, out);
      case 'R' -> relation(b);
      case 'I' -> insert(b, lsn, out);
      case 'U' -> update(b, lsn, out);
      case 'D' -> delete(b, lsn, out);
      case 'T' -> truncate(b, lsn, out);
      case 'Y', 'O', 'M' -> { } // types are looked up by oid; origins and logical messages carry no rows
      default -> throw new SourceException("Unexpected pgoutput message '" + (char) type + "' at "
          + PostgresPosition.formatLsn(lsn) + "; changelake reads protocol version 1 without streamed transactions");
    }
  }

  /**
   * A position standing for everything the server has sent before {@code lsn} (a keepalive between
   * transactions: a commit may still start exactly at {@code lsn}), or null when a transaction is open or
   * nothing new was sent. It sorts after the last commit and before the next change, whatever the timing.
   */
  PostgresPosition idle(long lsn) {
    long before = lsn - 1;
    if (inTransaction || Long.compareUnsigned(before, emittedUpTo) <= 0) {
      return null;
    }
    emittedUpTo = before;
    return PostgresPosition.streamIdle(lastCommit, ++idleSub, before, floor);
  }

  /** Hands {@link #idle}'s position, if any, to {@code out}, and says when it passes the copy point. */
  void idle(long lsn, Receiver out) throws InterruptedException {
    PostgresPosition idle = idle(lsn);
    if (idle == null) {
      return;
    }
    out.progress(idle);
    if (!copyPointPassed && Long.compareUnsigned(idle.commitLsn(), copyPoint - 1) >= 0) {
      copyPointPassed = true;
      out.copyPointPassed(idle);
    }
  }

  private void begin(ByteBuffer b, Receiver out) throws InterruptedException {
    finalLsn = b.getLong();
    commitMicros = PG_EPOCH_MICROS + b.getLong();
    xid = Integer.toUnsignedLong(b.getInt());
    commitTime = Instant.EPOCH.plusNanos(commitMicros * 1000);
    inTransaction = true;
    changesInTransaction = 0;
    skipping = Long.compareUnsigned(finalLsn, skipUpTo) <= 0;
    beforeCopyPoint = !copyPointPassed && Long.compareUnsigned(finalLsn, copyPoint) < 0;
    if (!copyPointPassed && !beforeCopyPoint) {
      // the first transaction the copy does not hold: a position after every one it holds, before this one
      copyPointPassed = true;
      if (Long.compareUnsigned(copyPoint - 1, emittedUpTo) > 0) {
        emittedUpTo = copyPoint - 1;
      }
      PostgresPosition passed = PostgresPosition.streamIdle(lastCommit, ++idleSub, copyPoint - 1, floor);
      out.progress(passed);
      out.copyPointPassed(passed);
    }
  }

  private void commit(ByteBuffer b, Receiver out) throws InterruptedException {
    b.get(); // flags
    long commitLsn = b.getLong();
    inTransaction = false;
    if (skipping) {
      skipping = false;
      return;
    }
    if (Long.compareUnsigned(commitLsn, emittedUpTo) > 0) {
      emittedUpTo = commitLsn;
    }
    if (Long.compareUnsigned(commitLsn, lastCommit) > 0) {
      lastCommit = commitLsn;
      idleSub = 0;
      out.progress(PostgresPosition.streamCommitted(commitLsn, xid, commitMicros, floor));
    }
  }

  private void relation(ByteBuffer b) {
    int oid = b.getInt();
    TableId table = new TableId(string(b), string(b));
    b.get(); // replica identity setting
    int count = Short.toUnsignedInt(b.getShort());
    List<RelationColumn> columns = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int flags = b.get();
      columns.add(new RelationColumn(string(b), b.getInt(), b.getInt(), (flags & KEY_FLAG) != 0));
    }
    if (!captured.contains(table)) {
      relations.remove(oid);
      return;
    }
    Described described = resolver.schema(table, columns);
    TableSchema schema = described.schema();
    BinaryCopyValues.Decoder[] decoders = new BinaryCopyValues.Decoder[schema.size()];
    for (int i = 0; i < decoders.length; i++) {
      PgType type = described.types().get(i);
      if (!BinaryCopyValues.supports(type)) {
        throw new SourceException("Column " + table + "." + schema.column(i).name() + " now has type "
            + type.name() + ", which changelake's pgoutput reader does not decode. Restart the"
            + " sync: it resumes from each table's last commit and streams this table through Debezium.");
      }
      decoders[i] = BinaryCopyValues.decoder(schema.column(i).type(), type);
    }
    int[] key = schema.primaryKey().stream().mapToInt(schema::indexOf).toArray();
    relations.put(oid, new Relation(table, schema, decoders, key));
  }

  private void insert(ByteBuffer b, long lsn, Receiver out) throws InterruptedException {
    Relation r = relationAt(b);
    b.get(); // 'N'
    Row after = tuple(b, r);
    if (r != null) {
      out.change(event(r, Operation.INSERT, null, after, lsn));
    }
  }

  private void update(ByteBuffer b, long lsn, Receiver out) throws InterruptedException {
    Relation r = relationAt(b);
    byte kind = b.get();
    byte old = 0;
    Row before = null;
    if (kind == 'K' || kind == 'O') {
      old = kind;
      before = tuple(b, r);
      kind = b.get();
    }
    if (kind != 'N') {
      throw new SourceException("Malformed pgoutput UPDATE at " + PostgresPosition.formatLsn(lsn));
    }
    Row after = tuple(b, r);
    if (r == null) {
      return;
    }
    if (before != null) {
      after = keyFromBefore(r, before, after);
    }
    // a key-only old row ('K') says nothing of the other columns: it cannot fill unchanged values, and
    // is sent only for a key change, whose before-image then holds the old key
    boolean movesKey = before != null && !sameKey(r, before, after);
    Row oldRow = old == 'O' ? before : movesKey ? keyOnly(r, before) : null;
    if (movesKey) {
      // earlier versions sent a key change as a DELETE and an INSERT at this LSN: the UPDATE takes the
      // INSERT's position, so a table committed between the two (by such a version) resumes exactly
      nextSub(lsn);
    }
    out.change(event(r, Operation.UPDATE, oldRow, after, lsn));
  }

  /** The old key row with its other values marked not sent ({@link Row#UNAVAILABLE}) rather than null. */
  private static Row keyOnly(Relation r, Row keyRow) {
    Object[] values = new Object[keyRow.size()];
    Arrays.fill(values, Row.UNAVAILABLE);
    for (int position : r.key()) {
      values[position] = keyRow.get(position);
    }
    return Row.of(values);
  }

  private void delete(ByteBuffer b, long lsn, Receiver out) throws InterruptedException {
    Relation r = relationAt(b);
    b.get(); // 'K' or 'O'
    Row before = tuple(b, r);
    if (r != null) {
      out.change(event(r, Operation.DELETE, before, null, lsn));
    }
  }

  private void truncate(ByteBuffer b, long lsn, Receiver out) throws InterruptedException {
    int count = b.getInt();
    b.get(); // options: CASCADE, RESTART IDENTITY
    for (int i = 0; i < count; i++) {
      Relation r = relations.get(b.getInt());
      if (r != null && !skipping && !inCopy(r)) {
        out.change(event(r, Operation.TRUNCATE, null, null, lsn));
      }
    }
  }

  /**
   * The captured relation of the message, or null when it is not captured, its transaction is skipped or
   * the change is in the table's copy.
   */
  private Relation relationAt(ByteBuffer b) {
    Relation r = relations.get(b.getInt());
    return skipping || r == null || inCopy(r) ? null : r;
  }

  /** Whether the open transaction's changes of {@code r} are in its copy. */
  private boolean inCopy(Relation r) {
    return beforeCopyPoint && copied.contains(r.table());
  }

  private ChangeEvent event(Relation r, Operation op, Row before, Row after, long lsn) {
    nextSub(lsn);
    return new ChangeEvent(r.table(), op, r.schema(), before, after,
        PostgresPosition.streamedIn(finalLsn, lastCommit, lsn, sub, xid, commitMicros, floor), commitTime);
  }

  /** Takes the next position at {@code lsn}: 0 for the first change there, then 1, 2, ... */
  private void nextSub(long lsn) {
    sub = lsn == lastLsn ? sub + 1 : 0;
    lastLsn = lsn;
  }

  /** The tuple's row; null (values skipped) when {@code r} is null. */
  private static Row tuple(ByteBuffer b, Relation r) {
    int count = Short.toUnsignedInt(b.getShort());
    Object[] values = r == null ? null : new Object[count];
    if (r != null && count != r.decoders().length) {
      throw new SourceException("pgoutput sent " + count + " columns for " + r.table() + ", whose relation has "
          + r.decoders().length);
    }
    byte[] array = b.array();
    for (int i = 0; i < count; i++) {
      byte kind = b.get();
      switch (kind) {
        case 'n' -> { }
        case 'u' -> {
          if (values != null) {
            values[i] = Row.UNAVAILABLE;
          }
        }
        case 'b', 't' -> {
          int length = b.getInt();
          if (values != null) {
            if (kind == 't') {
              throw new SourceException("pgoutput sent column " + r.table() + "." + r.schema().column(i).name()
                  + " as text; changelake's reader asks for binary values (PostgreSQL 14 or later)");
            }
            values[i] = r.decoders()[i].decode(array, b.arrayOffset() + b.position(), length);
          }
          b.position(b.position() + length);
        }
        default -> throw new SourceException("Unknown pgoutput tuple value kind '" + (char) kind + "'");
      }
    }
    return r == null ? null : PostgresRecordDecoder.toRow(r.table(), r.schema(), values);
  }

  /** The new row with key values it left out (unchanged and stored out of line) taken from the old key row. */
  private static Row keyFromBefore(Relation r, Row before, Row after) {
    Object[] values = null;
    for (int position : r.key()) {
      if (after.get(position) == Row.UNAVAILABLE) {
        values = values == null ? after.copyValues() : values;
        values[position] = before.get(position);
      }
    }
    return values == null ? after : Row.of(values);
  }

  private static boolean sameKey(Relation r, Row before, Row after) {
    for (int position : r.key()) {
      if (!Objects.equals(before.get(position), after.get(position))) {
        return false;
      }
    }
    return true;
  }

  private static String string(ByteBuffer b) {
    int start = b.position();
    int end = start;
    while (b.get(end) != 0) {
      end++;
    }
    String s = new String(b.array(), b.arrayOffset() + start, end - start, StandardCharsets.UTF_8);
    b.position(end + 1);
    return s;
  }
}
