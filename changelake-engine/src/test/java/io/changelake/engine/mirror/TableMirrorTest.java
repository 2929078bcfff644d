package io.changelake.engine.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.memory.MemoryPosition;
import io.changelake.api.memory.MemorySink;
import io.changelake.api.memory.MemorySource;
import io.changelake.api.memory.MemoryTable;
import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.CommitKind;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.CommitStateUnknownException;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.SourceTable;
import io.changelake.api.spi.WriteMode;
import io.changelake.engine.transform.ColumnTransforms;
import io.changelake.engine.transform.FunctionDialect;
import io.changelake.engine.transform.TransformContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-table mirror on the in-memory source and sink: what a runtime driving it can rely on. */
class TableMirrorTest {
  private static final TableId TABLE = new TableId("shop", "products");
  private static final TableSchema SCHEMA = new TableSchema(List.of(Column.of("id", DataType.LONG, false),
      Column.of("name", DataType.STRING, true), Column.of("qty", DataType.INT, true)), List.of("id"));
  private static final MirrorSettings PLAIN = new MirrorSettings("test", List.of(), ColumnTransforms.NONE);
  private static final Object U = Row.UNAVAILABLE;

  private final MemorySource source = new MemorySource(List.of(new SourceTable(TABLE, SCHEMA, 0)));
  private final MemorySink sink = new MemorySink();

  private TableMirror mirror(WriteMode mode, MirrorSettings settings, TableSchema lakeSchema) {
    MemoryTable lake = (MemoryTable) sink.open(TABLE, lakeSchema, mode);
    SourcePosition committed = lake.lastCommit().map(c -> source.parsePosition(c.position())).orElse(null);
    return new TableMirror(TABLE, source, lake, settings, committed);
  }

  private TableMirror upsert() {
    return mirror(WriteMode.UPSERT, PLAIN, SCHEMA);
  }

  private MemoryTable lake() {
    return sink.table(TABLE);
  }

  private ChangeEvent change(Operation operation, Row before, Row after) {
    return source.change(TABLE, operation, before, after);
  }

  /** Takes each change the mirror does not hold yet, as a driver does; returns the last position. */
  private static SourcePosition feed(TableMirror mirror, ChangeEvent... events) {
    for (ChangeEvent event : events) {
      if (!mirror.alreadyHolds(event)) {
        mirror.accept(event);
      }
    }
    return events[events.length - 1].position();
  }

  private List<Row> rows() {
    List<Row> rows = new ArrayList<>(lake().rows());
    rows.sort(Comparator.comparing(r -> (Long) r.get(0)));
    return rows;
  }

  private String committedPosition() {
    return lake().lastCommit().orElseThrow().position();
  }

  private List<ChangeEvent> snapshotOf(int rows) {
    List<ChangeEvent> events = new ArrayList<>();
    for (long id = 1; id <= rows; id++) {
      events.add(change(Operation.SNAPSHOT, null, Row.of(id, "p" + id, (int) id)));
    }
    return events;
  }

  @Test
  void countsCommitsAndTheRowsWrittenAfterFoldingAndKnowsHowOldItsPendingChangesAre() {
    TableMirror mirror = upsert();
    feed(mirror, snapshotOf(3).toArray(ChangeEvent[]::new));
    mirror.commit(MemoryPosition.at(3));
    assertEquals(1, mirror.commits());
    assertEquals(3, mirror.rowsWritten());
    assertNull(mirror.pendingSince());

    ChangeEvent first = change(Operation.INSERT, null, Row.of(4L, "p4", 4));
    SourcePosition end = feed(mirror, first,
        change(Operation.UPDATE, Row.of(4L, "p4", 4), Row.of(4L, "p4", 40)),  // folds into the insert: one row
        change(Operation.DELETE, Row.of(1L, "p1", 1), null),                 // one delete
        change(Operation.INSERT, null, Row.of(5L, "p5", 5)),
        change(Operation.DELETE, Row.of(5L, "p5", 5), null));                // inserted and deleted: nothing written
    assertEquals(first.sourceTime(), mirror.pendingSince(), "the oldest change not committed");
    mirror.commit(end);

    assertEquals(2, mirror.commits());
    assertEquals(8, mirror.totalChanges());
    assertEquals(5, mirror.rowsWritten(), "3 snapshot rows, then key 4 once and key 1's delete");
    assertNull(mirror.pendingSince(), "holds every change it took");
    assertFalse(mirror.commitLag().isNegative());
  }

  @Test
  void snapshotRowsLandInOneCommitWithThePosition() {
    TableMirror mirror = upsert();
    feed(mirror, snapshotOf(3).toArray(ChangeEvent[]::new));
    assertEquals(3, mirror.pendingChanges());
    assertFalse(mirror.snapshotComplete());

    mirror.commit(MemoryPosition.at(10));

    assertEquals(List.of(Row.of(1L, "p1", 1), Row.of(2L, "p2", 2), Row.of(3L, "p3", 3)), rows());
    CommitMetadata commit = lake().lastCommit().orElseThrow();
    assertEquals("10", commit.position());
    assertTrue(commit.snapshotComplete());
    assertEquals("test", commit.pipeline());
    assertEquals(CommitKind.SNAPSHOT, commit.kind());
    assertEquals(MemoryPosition.at(10), mirror.committed());
    assertTrue(mirror.snapshotComplete());
    assertEquals(3, mirror.totalChanges());
    assertEquals(0, mirror.pendingChanges());
  }

  @Test
  void changesToOneKeyFoldIntoItsFinalState() {
    TableMirror mirror = upsert();
    SourcePosition end = feed(mirror,
        change(Operation.INSERT, null, Row.of(1L, "a", 1)),
        change(Operation.UPDATE, null, Row.of(1L, "b", 2)),
        change(Operation.INSERT, null, Row.of(2L, "gone", 0)),
        change(Operation.UPDATE, null, Row.of(1L, "c", 3)),
        change(Operation.DELETE, Row.of(2L, null, null), null),
        change(Operation.INSERT, null, Row.of(3L, "x", 9)));
    mirror.commit(end);

    assertEquals(List.of(Row.of(1L, "c", 3), Row.of(3L, "x", 9)), rows());
    assertEquals(1, lake().commits().size(), "one table commit for the whole fold");
    assertEquals(6, mirror.totalChanges());
  }

  @Test
  void updatesAndDeletesApplyToRowsOfEarlierCommits() {
    TableMirror mirror = upsert();
    mirror.commit(feed(mirror, snapshotOf(4).toArray(ChangeEvent[]::new)));
    mirror.commit(feed(mirror,
        change(Operation.UPDATE, Row.of(2L, "p2", 2), Row.of(2L, "two", 20)),
        change(Operation.DELETE, Row.of(3L, null, null), null)));

    assertEquals(List.of(Row.of(1L, "p1", 1), Row.of(2L, "two", 20), Row.of(4L, "p4", 4)), rows());
  }

  @Test
  void aKeyChangeMovesTheRow() {
    TableMirror mirror = upsert();
    mirror.commit(feed(mirror, snapshotOf(2).toArray(ChangeEvent[]::new)));
    mirror.commit(feed(mirror, change(Operation.UPDATE, Row.of(1L, "p1", 1), Row.of(7L, "moved", 1))));

    assertEquals(List.of(Row.of(2L, "p2", 2), Row.of(7L, "moved", 1)), rows());
  }

  @Test
  void aKeyChangeSplitByTheSourceTakesTheValuesItLeftOutFromTheLakeRow() {
    MemorySource splitting = new MemorySource(List.of(new SourceTable(TABLE, SCHEMA, 0)), true);
    MemoryTable lake = (MemoryTable) sink.open(TABLE, SCHEMA, WriteMode.UPSERT);
    TableMirror mirror = new TableMirror(TABLE, splitting, lake, PLAIN, null);
    mirror.commit(feed(mirror, splitting.change(TABLE, Operation.SNAPSHOT, null, Row.of(1L, "big text", 5))));

    mirror.commit(feed(mirror,
        splitting.change(TABLE, Operation.DELETE, Row.of(1L, null, null), null),
        splitting.change(TABLE, Operation.INSERT, null, Row.of(9L, U, 6))));

    assertEquals(List.of(Row.of(9L, "big text", 6)), rows());
  }

  @Test
  void valuesAnUpdateLeftOutAreFilledFromTheLakeRow() {
    TableMirror mirror = upsert();
    mirror.commit(feed(mirror, snapshotOf(2).toArray(ChangeEvent[]::new)));

    mirror.commit(feed(mirror,
        change(Operation.UPDATE, null, Row.of(1L, U, 100)),
        change(Operation.UPDATE, null, Row.of(2L, U, 200)),
        change(Operation.UPDATE, null, Row.of(2L, U, 201))));

    assertEquals(List.of(Row.of(1L, "p1", 100), Row.of(2L, "p2", 201)), rows());
  }

  @Test
  void aLeftOutValueWithNoLakeRowToTakeItFromStopsTheTableWithTheSourcesAdvice() {
    TableMirror mirror = upsert();
    feed(mirror, change(Operation.UPDATE, null, Row.of(5L, U, 1)));

    MirrorException e = assertThrows(MirrorException.class, () -> mirror.commit(MemoryPosition.at(50)));

    assertTrue(e.getMessage().contains("key 5 ") && e.getMessage().contains("send every value with each update"),
        e.getMessage());
    assertTrue(lake().lastCommit().isEmpty(), "nothing committed");
  }

  @Test
  void aDeleteWithoutItsKeyStopsTheTable() {
    TableMirror mirror = upsert();
    MirrorException e = assertThrows(MirrorException.class,
        () -> mirror.accept(change(Operation.DELETE, Row.of(null, "x", 1), null)));
    assertTrue(e.getMessage().contains("send the old row"), e.getMessage());
  }

  @Test
  void rowsAreProjectedOntoTheLakeColumnsAndTheKeyOverride() {
    // the lake table still has a column the source dropped, and is keyed by name
    TableSchema lakeSchema = new TableSchema(List.of(Column.of("id", DataType.LONG, false),
        Column.of("name", DataType.STRING, false), Column.of("qty", DataType.INT, true),
        Column.of("dropped", DataType.STRING, true)), List.of("name"));
    TableMirror mirror = mirror(WriteMode.UPSERT,
        new MirrorSettings("test", List.of("name"), ColumnTransforms.NONE), lakeSchema);

    mirror.commit(feed(mirror,
        change(Operation.INSERT, null, Row.of(1L, "a", 1)),
        change(Operation.INSERT, null, Row.of(2L, "b", 2)),
        change(Operation.UPDATE, null, Row.of(3L, "a", 3))));

    assertEquals(List.of(Row.of(2L, "b", 2, null), Row.of(3L, "a", 3, null)), rows());
  }

  @Test
  void computedColumnsAreAddedAndEvaluatedAgainAfterAFill() {
    ColumnTransforms transforms = ColumnTransforms.parse(List.of("label=upper(name) || '-' || cast(qty as string)"),
        List.of(), new TransformContext("shop", FunctionDialect.SQL));
    MirrorSettings settings = new MirrorSettings("test", List.of(), transforms);
    TableMirror mirror = mirror(WriteMode.UPSERT, settings, transforms.outputSchema(SCHEMA));
    mirror.commit(feed(mirror, change(Operation.SNAPSHOT, null, Row.of(1L, "ab", 1))));
    assertEquals(List.of(Row.of(1L, "ab", 1, "AB-1")), rows());

    mirror.commit(feed(mirror, change(Operation.UPDATE, null, Row.of(1L, U, 2))));

    assertEquals(List.of(Row.of(1L, "ab", 2, "AB-2")), rows(), "the name filled in, the label computed again");
  }

  @Test
  void appendModeRecordsEveryChangeWithWhatAndWhere() {
    TableMirror mirror = mirror(WriteMode.APPEND, PLAIN, ChangeLog.schemaFor(SCHEMA));
    ChangeEvent insert = change(Operation.INSERT, null, Row.of(1L, "a", 1));
    ChangeEvent update = change(Operation.UPDATE, Row.of(1L, "a", 1), Row.of(1L, "b", 1));
    ChangeEvent delete = change(Operation.DELETE, Row.of(1L, null, null), null);
    mirror.commit(feed(mirror, insert, update, delete));

    List<Row> rows = lake().rows();
    assertEquals(3, rows.size());
    int op = lake().schema().indexOf(ChangeLog.OPERATION);
    int position = lake().schema().indexOf(ChangeLog.POSITION);
    assertEquals(List.of("c", "u", "d"), rows.stream().map(r -> r.get(op)).toList());
    assertEquals(List.of(insert, update, delete).stream().map(e -> e.position().describe()).toList(),
        rows.stream().map(r -> r.get(position)).toList());
    assertEquals("b", rows.get(1).get(1));
  }

  @Test
  void aResumedMirrorSkipsWhatTheLakeHoldsAndAppliesTheRestOnce() {
    TableMirror first = mirror(WriteMode.APPEND, PLAIN, ChangeLog.schemaFor(SCHEMA));
    List<ChangeEvent> stream = new ArrayList<>();
    for (long id = 1; id <= 6; id++) {
      stream.add(change(Operation.INSERT, null, Row.of(id, "r" + id, 0)));
    }
    first.commit(feed(first, stream.subList(0, 3).toArray(ChangeEvent[]::new)));
    feed(first, stream.subList(3, 5).toArray(ChangeEvent[]::new)); // taken, then the process dies: not committed

    TableMirror resumed = mirror(WriteMode.APPEND, PLAIN, ChangeLog.schemaFor(SCHEMA));
    assertEquals(stream.get(2).position(), resumed.committed());
    assertTrue(resumed.alreadyHolds(stream.get(2)));
    assertFalse(resumed.alreadyHolds(stream.get(3)));
    resumed.commit(feed(resumed, stream.toArray(ChangeEvent[]::new))); // the source re-sends from the start

    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), lake().rows().stream().map(r -> (Long) r.get(0)).toList(),
        "each change recorded exactly once");
    assertEquals(stream.get(5).position().serialize(), committedPosition());
  }

  @Test
  void aResumedMirrorSkipsSnapshotRowsOnceItsSnapshotIsComplete() {
    TableMirror first = upsert();
    List<ChangeEvent> snapshot = snapshotOf(2);
    first.commit(feed(first, snapshot.toArray(ChangeEvent[]::new)));

    TableMirror resumed = upsert();
    assertTrue(resumed.snapshotComplete());
    assertTrue(resumed.alreadyHolds(snapshot.get(0)));

    TableMirror restartedSnapshot = new TableMirror(TABLE, source, lake(), PLAIN, null);
    assertFalse(restartedSnapshot.alreadyHolds(snapshot.get(0)), "a new initial snapshot takes every row");
  }

  @Test
  void aNewInitialSnapshotReplacesTheRowsTheLakeTableHeld() {
    TableMirror first = upsert();
    first.commit(feed(first, snapshotOf(3).toArray(ChangeEvent[]::new)));

    TableMirror again = new TableMirror(TABLE, source, lake(), PLAIN, null);
    again.commit(feed(again, change(Operation.SNAPSHOT, null, Row.of(2L, "kept", 2))));

    assertEquals(List.of(Row.of(2L, "kept", 2)), rows());
    assertEquals(CommitKind.RESET, lake().lastCommit().orElseThrow().kind());
  }

  @Test
  void aTruncationEmptiesTheTableBeforeTheChangesThatFollow() {
    TableMirror mirror = upsert();
    mirror.commit(feed(mirror, snapshotOf(3).toArray(ChangeEvent[]::new)));

    mirror.commit(feed(mirror,
        change(Operation.UPDATE, null, Row.of(1L, "lost", 1)),
        change(Operation.TRUNCATE, null, null),
        change(Operation.INSERT, null, Row.of(8L, "after", 8)),
        change(Operation.UPDATE, null, Row.of(8L, "after2", 8))));

    assertEquals(List.of(Row.of(8L, "after2", 8)), rows());
    assertEquals(CommitKind.STREAM, lake().lastCommit().orElseThrow().kind(), "a truncation is streamed");
  }

  @Test
  void anAddedColumnIsAddedToTheLakeTable() {
    TableMirror mirror = upsert();
    mirror.commit(feed(mirror, snapshotOf(1).toArray(ChangeEvent[]::new)));
    TableSchema wider = new TableSchema(List.of(Column.of("id", DataType.LONG, false),
        Column.of("name", DataType.STRING, true), Column.of("qty", DataType.LONG, true),
        Column.of("color", DataType.STRING, true)), List.of("id"));

    mirror.commit(feed(mirror, source.change(TABLE, Operation.INSERT, wider, null, Row.of(2L, "n", 5L, "red"))));

    assertEquals(wider.columns().stream().map(c -> c.name() + " " + c.type()).toList(),
        lake().schema().columns().stream().map(c -> c.name() + " " + c.type()).toList(), "qty widened, color added");
    assertEquals(List.of(Row.of(1L, "p1", 1L, null), Row.of(2L, "n", 5L, "red")), rows());
  }

  @Test
  void aSchemaChangeWhileRowsAreInAnOpenWriterCommitsThemFirstAtTheChangeBefore() {
    TableMirror mirror = mirror(WriteMode.APPEND, PLAIN, ChangeLog.schemaFor(SCHEMA));
    ChangeEvent before = change(Operation.INSERT, null, Row.of(1L, "a", 1));
    feed(mirror, before);
    TableSchema wider = new TableSchema(List.of(Column.of("id", DataType.LONG, false),
        Column.of("name", DataType.STRING, true), Column.of("qty", DataType.INT, true),
        Column.of("color", DataType.STRING, true)), List.of("id"));
    ChangeEvent after = source.change(TABLE, Operation.INSERT, wider, null, Row.of(2L, "b", 2, "red"));

    feed(mirror, after);

    assertEquals(before.position().serialize(), committedPosition(), "the rows before the change committed first");
    mirror.commit(after.position());
    assertEquals(after.position().serialize(), committedPosition());
    assertEquals(2, lake().rows().size());
    assertEquals("red", lake().rows().get(1).get(lake().schema().indexOf("color")));
  }

  @Test
  void anIncompatibleSchemaChangeStopsTheTableAndSaysHowToFixIt() {
    TableMirror mirror = upsert();
    mirror.commit(feed(mirror, snapshotOf(1).toArray(ChangeEvent[]::new)));
    TableSchema narrowed = new TableSchema(List.of(Column.of("id", DataType.LONG, false),
        Column.of("name", DataType.INT, true), Column.of("qty", DataType.INT, true)), List.of("id"));

    MirrorException e = assertThrows(MirrorException.class,
        () -> mirror.accept(source.change(TABLE, Operation.INSERT, narrowed, null, Row.of(2L, 5, 1))));
    mirror.suspend(e.getMessage());

    assertTrue(e.getMessage().contains("Fix:"), e.getMessage());
    assertTrue(mirror.suspended());
    assertEquals(e.getMessage(), mirror.suspendedReason());
    assertEquals(SCHEMA, lake().schema(), "the lake table is left as it was");
    assertNull(mirror.stage(MemoryPosition.at(99), false), "a suspended table's pending changes are dropped");
  }

  @Test
  void aFailedCommitLeavesTheTableAndThePositionAsTheyWere() {
    TableMirror mirror = upsert();
    mirror.commit(feed(mirror, snapshotOf(1).toArray(ChangeEvent[]::new)));
    SourcePosition held = mirror.committed();
    lake().failNextCommit(new SinkException("disk full"), false);

    SourcePosition end = feed(mirror, change(Operation.INSERT, null, Row.of(2L, "b", 2)));
    assertThrows(SinkException.class, () -> mirror.commit(end));

    assertSame(held, mirror.committed());
    assertEquals(List.of(Row.of(1L, "p1", 1)), rows());
  }

  @Test
  void anUnknownOutcomeIsPassedOnAndNotRecordedAsCommitted() {
    TableMirror mirror = upsert();
    mirror.commit(feed(mirror, snapshotOf(1).toArray(ChangeEvent[]::new)));
    SourcePosition held = mirror.committed();
    lake().failNextCommit(new CommitStateUnknownException("timed out", null), true);

    SourcePosition end = feed(mirror, change(Operation.INSERT, null, Row.of(2L, "b", 2)));
    assertThrows(CommitStateUnknownException.class, () -> mirror.commit(end));

    assertSame(held, mirror.committed(), "the runtime must not acknowledge what it cannot know landed");
    TableMirror restarted = upsert();
    assertEquals(end, restarted.committed(), "a restart resumes from what the lake table holds");
  }

  @Test
  void aStagedCommitIsWrittenWhileTheNextChangesGather() {
    TableMirror mirror = upsert();
    SourcePosition snapshot = feed(mirror, snapshotOf(2).toArray(ChangeEvent[]::new));
    mirror.commit(snapshot);
    SourcePosition first = feed(mirror, change(Operation.UPDATE, null, Row.of(1L, "one", 1)));
    MirrorCommit staged = mirror.stage(first, false);
    assertNotNull(staged);
    assertEquals(1, staged.changes());

    SourcePosition second = feed(mirror, change(Operation.UPDATE, null, Row.of(2L, "two", 2)));
    mirror.write(staged);
    assertEquals(List.of(Row.of(1L, "one", 1), Row.of(2L, "p2", 2)), rows(), "only the staged change landed");
    assertEquals(snapshot, mirror.committed(), "not recorded until committed()");
    mirror.committed(staged);
    assertEquals(first, mirror.committed());
    mirror.commit(second);

    assertEquals(List.of(Row.of(1L, "one", 1), Row.of(2L, "two", 2)), rows());
  }

  @Test
  void aCopyCommitsItsRowsAtItsPositionAndTheChangesStreamedMeanwhileAfterThem() {
    TableMirror mirror = upsert();
    feed(mirror, change(Operation.SNAPSHOT, null, Row.of(1L, "copied", 1)));
    ChangeEvent update = source.change(TABLE, Operation.UPDATE, SCHEMA, null, Row.of(2L, "streamed", 20));
    ChangeEvent delete = source.change(TABLE, Operation.DELETE, SCHEMA, Row.of(1L, null, null), null);
    feed(mirror, update, delete); // streamed after the copy's position, before the copy ended
    feed(mirror, change(Operation.SNAPSHOT, null, Row.of(2L, "copied", 2)));

    mirror.copied(MemoryPosition.at(3));

    assertEquals(List.of(Row.of(1L, "copied", 1), Row.of(2L, "copied", 2)), rows(), "the copy alone");
    assertEquals("3", committedPosition());
    assertTrue(mirror.snapshotComplete());
    assertEquals(2, mirror.pendingChanges(), "the streamed changes wait for the next commit");
    mirror.commit(delete.position());
    assertEquals(List.of(Row.of(2L, "streamed", 20)), rows());
    assertEquals(delete.position().serialize(), committedPosition());
  }

  @Test
  void aTruncationStreamedDuringACopyVoidsTheCopysRows() {
    TableMirror mirror = upsert();
    mirror.commit(feed(mirror, snapshotOf(2).toArray(ChangeEvent[]::new)));
    TableMirror recopy = new TableMirror(TABLE, source, lake(), PLAIN, null);
    feed(recopy, change(Operation.SNAPSHOT, null, Row.of(1L, "copied", 1)));
    feed(recopy, change(Operation.TRUNCATE, null, null), change(Operation.INSERT, null, Row.of(9L, "after", 9)));
    feed(recopy, change(Operation.SNAPSHOT, null, Row.of(2L, "copied, void", 2)));

    recopy.copied(MemoryPosition.at(1));
    assertEquals(List.of(), rows(), "emptied at the copy's position");
    recopy.commit(MemoryPosition.at(100));

    assertEquals(List.of(Row.of(9L, "after", 9)), rows());
  }

  @Test
  void aSchemaChangeStreamedDuringACopyStopsTheTable() {
    TableMirror mirror = upsert();
    feed(mirror, change(Operation.SNAPSHOT, null, Row.of(1L, "copied", 1)));
    TableSchema wider = new TableSchema(List.of(Column.of("id", DataType.LONG, false),
        Column.of("name", DataType.STRING, true), Column.of("qty", DataType.INT, true),
        Column.of("color", DataType.STRING, true)), List.of("id"));

    MirrorException e = assertThrows(MirrorException.class,
        () -> mirror.accept(source.change(TABLE, Operation.INSERT, wider, null, Row.of(2L, "b", 2, "red"))));

    assertTrue(e.getMessage().contains("copies the table again"), e.getMessage());
    assertTrue(lake().lastCommit().isEmpty(), "nothing committed");
  }
}
