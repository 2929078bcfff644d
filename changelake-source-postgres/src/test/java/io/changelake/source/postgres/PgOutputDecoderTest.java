package io.changelake.source.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Positions of {@link PgOutputDecoder} on hand-made pgoutput messages: where the server's timing must not matter. */
class PgOutputDecoderTest {
  private static final TableId TABLE = new TableId("public", "t");
  private static final int OID = 4711;
  private static final TableId OTHER = new TableId("public", "other");
  private static final int OTHER_OID = 4712;

  /** What a decoder emitted, in order. */
  private static final class Emitted implements PgOutputDecoder.Receiver {
    final List<ChangeEvent> changes = new ArrayList<>();
    final List<SourcePosition> all = new ArrayList<>();
    final List<PostgresPosition> copyPoints = new ArrayList<>();

    @Override
    public void change(ChangeEvent event) {
      changes.add(event);
      all.add(event.position());
    }

    @Override
    public void progress(PostgresPosition position) {
      all.add(position);
    }

    @Override
    public void copyPointPassed(PostgresPosition position) {
      copyPoints.add(position);
    }
  }

  private static PgOutputDecoder decoder(long major, long idleSub, long skipUpTo) {
    return decoder(Set.of(TABLE), major, idleSub, skipUpTo);
  }

  private static PgOutputDecoder decoder(Set<TableId> captured, long major, long idleSub, long skipUpTo) {
    return new PgOutputDecoder(captured, (table, columns) -> new PgOutputDecoder.Described(new TableSchema(
        List.of(PostgresTypes.column("id", "int4", 0, 0, false, true), PostgresTypes.column("v", "text", 0, 0, true,
            false)), List.of("id")), List.of(PgType.base("int4"), PgType.base("text"))), major, idleSub, skipUpTo);
  }

  /** Relation, then one transaction committed at {@code commitLsn}: an insert of id 1, an update of id 1 leaving v out. */
  private static void transaction(PgOutputDecoder decoder, long commitLsn, Emitted out) throws Exception {
    decoder.decode(relation(), commitLsn - 300, out);
    decoder.decode(message('B', b -> b.putLong(commitLsn).putLong(0).putInt(7)), commitLsn - 200, out);
    decoder.decode(message('I', b -> {
      b.putInt(OID).put((byte) 'N').putShort((short) 2);
      b.put((byte) 'b').putInt(4).putInt(1);
      b.put((byte) 'b').putInt(1).put((byte) 'x');
    }), commitLsn - 100, out);
    decoder.decode(message('U', b -> {
      b.putInt(OID).put((byte) 'N').putShort((short) 2);
      b.put((byte) 'b').putInt(4).putInt(1);
      b.put((byte) 'u');
    }), commitLsn - 50, out);
    decoder.decode(message('C', b -> b.put((byte) 0).putLong(commitLsn).putLong(commitLsn + 40).putLong(0)),
        commitLsn + 40, out);
  }

  @Test
  void aTransactionCommittedExactlyAtAnIdlePositionIsStreamedWithTheSamePositionsOnReplay() throws Exception {
    Emitted first = new Emitted();
    PgOutputDecoder live = decoder(1000, 0, 999);
    PostgresPosition idle = live.idle(2000);
    assertEquals(1999, idle.commitLsn(), "everything before the keepalive's LSN");
    first.all.add(idle);
    assertNull(live.idle(2000), "nothing new, no new position");
    transaction(live, 2000, first); // commits exactly where the keepalive pointed
    assertEquals(2, first.changes.size(), "a commit at the idle LSN is streamed");
    for (int i = 0; i + 1 < first.all.size(); i++) {
      assertTrue(first.all.get(i).compareTo(first.all.get(i + 1)) < 0, "increasing: " + first.all);
    }
    assertEquals(Row.UNAVAILABLE, first.changes.get(1).after().get(1));

    // resumed from the idle position, and again from the start without any keepalive: same positions
    Emitted fromIdle = new Emitted();
    transaction(decoder(idle.major(), idle.sub(), idle.commitLsn()), 2000, fromIdle);
    Emitted fromStart = new Emitted();
    transaction(decoder(1000, 0, 999), 2000, fromStart);
    for (int i = 0; i < 2; i++) {
      assertEquals(0, first.changes.get(i).position().compareTo(fromIdle.changes.get(i).position()));
      assertEquals(0, first.changes.get(i).position().compareTo(fromStart.changes.get(i).position()));
    }
    assertEquals(Operation.UPDATE, fromStart.changes.get(1).operation());
  }

  @Test
  void afterAReconnectOnlyWhatWasNotHandedOverIsEmittedWithTheSamePositions() throws Exception {
    Emitted whole = new Emitted();
    PgOutputDecoder unbroken = decoder(1000, 0, 999);
    transaction(unbroken, 2000, whole);
    transaction(unbroken, 3000, whole);

    Emitted broken = new Emitted();
    PgOutputDecoder live = decoder(1000, 0, 999);
    transaction(live, 2000, broken);
    // the connection breaks inside the next transaction, after its insert was handed over
    live.decode(relation(), 2700, broken);
    live.decode(message('B', b -> b.putLong(3000).putLong(0).putInt(7)), 2800, broken);
    live.decode(message('I', b -> {
      b.putInt(OID).put((byte) 'N').putShort((short) 2);
      b.put((byte) 'b').putInt(4).putInt(1);
      b.put((byte) 'b').putInt(1).put((byte) 'x');
    }), 2900, broken);
    live.reconnected();
    // the new stream resends both transactions from the slot's confirmed LSN
    transaction(live, 2000, broken);
    transaction(live, 3000, broken);

    assertEquals(whole.all.size(), broken.all.size(), "nothing lost, nothing twice: " + broken.all);
    for (int i = 0; i < whole.all.size(); i++) {
      assertEquals(0, whole.all.get(i).compareTo(broken.all.get(i)), "same position at " + i);
    }
  }

  /**
   * The soak test's lost change: the slot was confirmed at a heartbeat past the commit at 2000, but one table
   * holds only a change from before it, so the stream resumes from there; PostgreSQL starts at the slot's
   * confirmed LSN instead and sends the transaction committed at 3000 first, without the one committed at
   * 2000 that came before it.
   */
  @Test
  void aStreamThatTheServerStartsPastTheResumePositionGivesEveryChangeTheOrderItHad() throws Exception {
    Emitted live = new Emitted();
    PgOutputDecoder decoder = decoder(1000, 0, 999);
    transaction(decoder, 2000, live);
    PostgresPosition acknowledged = decoder.idle(2500); // the slot's confirmed LSN becomes 2499
    transaction(decoder, 3000, live);
    PostgresPosition quiet = (PostgresPosition) live.changes.get(0).position();
    SourcePosition heldInTheMiddle = live.changes.get(2).position(); // a table killed during its next commit

    Emitted resumed = new Emitted();
    transaction(decoder(quiet.major(), 0, quiet.commitLsn()), 3000, resumed);

    assertEquals(2, resumed.changes.size());
    for (int i = 0; i < 2; i++) {
      assertEquals(0, resumed.changes.get(i).position().compareTo(live.changes.get(i + 2).position()),
          "change " + i + " of the transaction has the position it had: " + resumed.changes.get(i).position());
      assertTrue(resumed.changes.get(i).position().compareTo(acknowledged) > 0,
          "a table that committed the heartbeat takes it");
    }
    assertTrue(resumed.changes.get(1).position().compareTo(heldInTheMiddle) > 0,
        "a table that holds the transaction's first change takes its second");
  }

  @Test
  void aTransactionCommittedAtTheResumeCommitIsNotSentAgain() throws Exception {
    Emitted first = new Emitted();
    transaction(decoder(1000, 0, 999), 2000, first);
    PostgresPosition commit = (PostgresPosition) first.all.get(first.all.size() - 1);
    assertEquals(2000, commit.commitLsn());
    Emitted resumed = new Emitted();
    transaction(decoder(commit.major(), commit.sub(), commit.commitLsn()), 2000, resumed);
    assertEquals(List.of(), resumed.all, "PostgreSQL re-sends it; the decoder skips it");
  }

  @Test
  void aKeyChangeIsOneUpdateAtThePositionOfTheInsertEarlierVersionsSplitItInto() throws Exception {
    PgOutputDecoder decoder = decoder(1000, 0, 999);
    Emitted out = new Emitted();
    decoder.decode(relation(), 1700, out);
    decoder.decode(message('B', b -> b.putLong(2000).putLong(0).putInt(7)), 1800, out);
    decoder.decode(message('U', b -> {
      b.putInt(OID).put((byte) 'K').putShort((short) 2);
      b.put((byte) 'b').putInt(4).putInt(1);
      b.put((byte) 'n');
      b.put((byte) 'N').putShort((short) 2);
      b.put((byte) 'b').putInt(4).putInt(2);
      b.put((byte) 'b').putInt(1).put((byte) 'y');
    }), 1900, out);
    ChangeEvent update = out.changes.get(0);
    assertEquals(Operation.UPDATE, update.operation());
    assertEquals(1, update.before().get(0), "the before-image holds the old key");
    assertEquals(Row.UNAVAILABLE, update.before().get(1), "a key-only old row says nothing of the other values");
    assertEquals(2, update.after().get(0));
    // a version that sent DELETE (sub 0) then INSERT (sub 1) at this LSN may have committed between them
    assertEquals(1, ((PostgresPosition) update.position()).sub());
  }

  /**
   * Both tables' relations, then a transaction committed at {@code commitLsn} that inserts id {@code id}
   * into {@code t}, then into {@code other}.
   */
  private static void insertIntoBoth(PgOutputDecoder decoder, long commitLsn, int id, Emitted out) throws Exception {
    decoder.decode(relation(OID, "t"), commitLsn - 400, out);
    decoder.decode(relation(OTHER_OID, OTHER.name()), commitLsn - 300, out);
    decoder.decode(message('B', b -> b.putLong(commitLsn).putLong(0).putInt(9)), commitLsn - 200, out);
    for (int oid : new int[] {OID, OTHER_OID}) {
      decoder.decode(message('I', b -> {
        b.putInt(oid).put((byte) 'N').putShort((short) 2);
        b.put((byte) 'b').putInt(4).putInt(id);
        b.put((byte) 'n');
      }), commitLsn - (oid == OID ? 100 : 50), out);
    }
    decoder.decode(message('C', b -> b.put((byte) 0).putLong(commitLsn).putLong(commitLsn + 40).putLong(0)),
        commitLsn + 40, out);
  }

  private static List<String> tablesAndIds(List<ChangeEvent> changes) {
    return changes.stream().map(e -> e.table().name() + " " + e.after().get(0)).toList();
  }

  @Test
  void aCopiedTablesChangesCommittedBeforeTheCopyPointAreDroppedAndThePointIsMarkedBetweenTransactions()
      throws Exception {
    Set<TableId> both = Set.of(TABLE, OTHER);
    PgOutputDecoder decoder = decoder(both, 1000, 0, 999);
    decoder.copyAt(Set.of(TABLE), 3000);
    Emitted out = new Emitted();

    insertIntoBoth(decoder, 2000, 1, out); // in the copy of t
    assertEquals(List.of(), out.copyPoints, "not passed before a transaction committed at or after it");
    insertIntoBoth(decoder, 3500, 2, out);

    assertEquals(List.of("other 1", "t 2", "other 2"), tablesAndIds(out.changes));
    assertEquals(1, out.copyPoints.size());
    PostgresPosition point = out.copyPoints.get(0);
    int at = out.all.indexOf(point);
    assertTrue(at > 0, "handed over as progress too: " + out.all);
    assertEquals(out.changes.get(1).position(), out.all.get(at + 1), "right before the first change after it");
    for (int i = 0; i + 1 < out.all.size(); i++) {
      assertTrue(out.all.get(i).compareTo(out.all.get(i + 1)) < 0, "increasing: " + out.all);
    }

    // a table committed at the point resumes there: the transactions before it skipped, the later ones not
    Emitted resumed = new Emitted();
    PgOutputDecoder replay = decoder(both, point.major(), point.sub(), point.commitLsn());
    insertIntoBoth(replay, 2000, 1, resumed);
    insertIntoBoth(replay, 3500, 2, resumed);
    assertEquals(List.of("t 2", "other 2"), tablesAndIds(resumed.changes));
    assertEquals(0, resumed.changes.get(0).position().compareTo(out.changes.get(1).position()), "the same positions");
  }

  @Test
  void anIdleStreamPassesTheCopyPointOnceTheServerSentEverythingBeforeIt() throws Exception {
    PgOutputDecoder decoder = decoder(1000, 0, 999);
    decoder.copyAt(Set.of(TABLE), 3000);
    Emitted out = new Emitted();

    decoder.idle(2500, out);
    assertEquals(1, out.all.size());
    assertEquals(List.of(), out.copyPoints, "a transaction may still commit before the point");
    decoder.idle(3000, out);

    assertEquals(List.of(out.all.get(1)), out.copyPoints, "everything before the point was sent");
    decoder.idle(4000, out);
    assertEquals(1, out.copyPoints.size(), "passed once");
  }

  private static ByteBuffer relation() {
    return relation(OID, "t");
  }

  private static ByteBuffer relation(int oid, String table) {
    return message('R', b -> {
      b.putInt(oid).put(cstring("public")).put(cstring(table)).put((byte) 'd').putShort((short) 2);
      b.put((byte) 1).put(cstring("id")).putInt(23).putInt(-1);
      b.put((byte) 0).put(cstring("v")).putInt(25).putInt(-1);
    });
  }

  private static byte[] cstring(String s) {
    byte[] text = s.getBytes(StandardCharsets.UTF_8);
    byte[] z = new byte[text.length + 1];
    System.arraycopy(text, 0, z, 0, text.length);
    return z;
  }

  private static ByteBuffer message(char type, java.util.function.Consumer<ByteBuffer> body) {
    ByteBuffer b = ByteBuffer.allocate(256);
    b.put((byte) type);
    body.accept(b);
    b.flip();
    return b;
  }
}
