package io.changelake.engine.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyedFoldTest {
  private static final TableSchema SCHEMA = new TableSchema(
      List.of(Column.of("id", DataType.LONG, false), Column.of("body", DataType.STRING, true)), List.of("id"));
  private static final TableId TABLE = new TableId("public", "t");

  private record Pos(long n) implements SourcePosition {
    @Override
    public String serialize() {
      return Long.toString(n);
    }

    @Override
    public boolean inSnapshot() {
      return false;
    }

    @Override
    public String describe() {
      return serialize();
    }

    @Override
    public int compareTo(SourcePosition o) {
      return Long.compare(n, ((Pos) o).n);
    }
  }

  private long seq;

  private ChangeEvent event(Operation op, Row before, Row after) {
    return new ChangeEvent(TABLE, op, SCHEMA, before, after, new Pos(++seq), Instant.EPOCH);
  }

  private static Map<RowKey, KeyedFold.Entry> byKey(KeyedFold fold) {
    Map<RowKey, KeyedFold.Entry> map = new HashMap<>();
    fold.entries().forEach(e -> map.put(e.key(), e));
    return map;
  }

  private static RowKey key(long id) {
    return new RowKey(List.of(id));
  }

  @Test
  void aRowThatLeftValuesOutIsRefilledAfterFillingOthersAreNot() {
    KeyedFold fold = new KeyedFold(SCHEMA, true, (row, schema) -> Row.of(row.get(0), row.get(1) + " refilled"));
    fold.add(event(Operation.INSERT, null, Row.of(1L, "a")));
    fold.add(event(Operation.UPDATE, null, Row.of(1L, Row.UNAVAILABLE)));
    fold.add(event(Operation.UPDATE, null, Row.of(2L, "b")));
    assertEquals(Row.of(1L, "a refilled"), byKey(fold).get(key(1)).row());
    assertEquals(Row.of(2L, "b"), byKey(fold).get(key(2)).row());
  }

  @Test
  void insertThenUpdatesWriteOnlyTheFinalRowWithoutDelete() {
    KeyedFold fold = new KeyedFold(SCHEMA, true, (row, schema) -> row);
    fold.add(event(Operation.INSERT, null, Row.of(1L, "a")));
    fold.add(event(Operation.UPDATE, null, Row.of(1L, "b")));
    fold.add(event(Operation.UPDATE, null, Row.of(1L, "c")));
    KeyedFold.Entry entry = byKey(fold).get(key(1));
    assertEquals(Row.of(1L, "c"), entry.row());
    assertFalse(entry.existedBefore());
    assertEquals(3, fold.changes());
    assertEquals(1, fold.entries().size());
  }

  @Test
  void insertThenDeleteLeavesNothingToWrite() {
    KeyedFold fold = new KeyedFold(SCHEMA, true, (row, schema) -> row);
    fold.add(event(Operation.INSERT, null, Row.of(1L, "a")));
    fold.add(event(Operation.DELETE, Row.of(1L, null), null));
    KeyedFold.Entry entry = byKey(fold).get(key(1));
    assertNull(entry.row());
    assertFalse(entry.existedBefore());
  }

  @Test
  void deleteThenReinsertIsAnUpsertOfAnExistingKey() {
    KeyedFold fold = new KeyedFold(SCHEMA, true, (row, schema) -> row);
    fold.add(event(Operation.DELETE, Row.of(1L, null), null));
    fold.add(event(Operation.INSERT, null, Row.of(1L, "new")));
    KeyedFold.Entry entry = byKey(fold).get(key(1));
    assertEquals(Row.of(1L, "new"), entry.row());
    assertTrue(entry.existedBefore());
  }

  @Test
  void keyChangeDeletesTheOldKey() {
    KeyedFold fold = new KeyedFold(SCHEMA, true, (row, schema) -> row);
    fold.add(event(Operation.UPDATE, Row.of(1L, "a"), Row.of(2L, "a")));
    Map<RowKey, KeyedFold.Entry> entries = byKey(fold);
    assertNull(entries.get(key(1)).row());
    assertTrue(entries.get(key(1)).existedBefore());
    assertEquals(Row.of(2L, "a"), entries.get(key(2)).row());
  }

  @Test
  void unavailableValueIsTakenFromThePreviousRowOfTheKey() {
    KeyedFold fold = new KeyedFold(SCHEMA, true, (row, schema) -> row);
    fold.add(event(Operation.UPDATE, null, Row.of(1L, "big")));
    fold.add(event(Operation.UPDATE, null, Row.of(1L, Row.UNAVAILABLE)));
    assertEquals(Row.of(1L, "big"), byKey(fold).get(key(1)).row());
  }

  @Test
  void unavailableValueIsTakenFromTheBeforeImage() {
    KeyedFold fold = new KeyedFold(SCHEMA, true, (row, schema) -> row);
    fold.add(event(Operation.UPDATE, Row.of(1L, "big"), Row.of(1L, Row.UNAVAILABLE)));
    assertEquals(Row.of(1L, "big"), byKey(fold).get(key(1)).row());
  }

  @Test
  void unresolvedUnavailableValueStaysMarked() {
    KeyedFold fold = new KeyedFold(SCHEMA, true, (row, schema) -> row);
    fold.add(event(Operation.UPDATE, null, Row.of(1L, Row.UNAVAILABLE)));
    assertTrue(byKey(fold).get(key(1)).row().hasUnavailable());
  }

  @Test
  void unresolvedUnavailableValueIsStoredUnderTheKeyItself() {
    KeyedFold fold = new KeyedFold(SCHEMA, true, (row, schema) -> row);
    fold.add(event(Operation.UPDATE, null, Row.of(1L, Row.UNAVAILABLE)));
    assertEquals(key(1), byKey(fold).get(key(1)).storedUnder());
  }

  // Debezium sends a key change as a DELETE of the old key directly followed by an INSERT of the new
  // one; that INSERT leaves unchanged large values out, and they are the old key's.

  @Test
  void keyChangeAsDeleteAndInsertTakesLeftOutValuesFromTheOldKeysRowInTheFold() {
    KeyedFold fold = new KeyedFold(SCHEMA, true, (row, schema) -> row);
    fold.add(event(Operation.INSERT, null, Row.of(1L, "big")));
    fold.add(event(Operation.DELETE, Row.of(1L, null), null));
    fold.add(event(Operation.INSERT, null, Row.of(2L, Row.UNAVAILABLE)));
    Map<RowKey, KeyedFold.Entry> entries = byKey(fold);
    assertEquals(Row.of(2L, "big"), entries.get(key(2)).row());
    assertFalse(entries.get(key(2)).existedBefore());
    assertNull(entries.get(key(1)).row());
  }

  @Test
  void keyChangeAsDeleteAndInsertOfARowOnlyTheTableHoldsIsLookedUpUnderTheOldKey() {
    KeyedFold fold = new KeyedFold(SCHEMA, true, (row, schema) -> row);
    fold.add(event(Operation.DELETE, Row.of(1L, null), null));
    fold.add(event(Operation.INSERT, null, Row.of(2L, Row.UNAVAILABLE)));
    fold.add(event(Operation.UPDATE, null, Row.of(2L, Row.UNAVAILABLE)));
    KeyedFold.Entry moved = byKey(fold).get(key(2));
    assertTrue(moved.row().hasUnavailable());
    assertEquals(key(1), moved.storedUnder());
  }

  // A source that does not split sends a key change as one UPDATE whose before-image holds the old key
  // (here only the key, as PostgreSQL's pgoutput sends it without REPLICA IDENTITY FULL).

  @Test
  void keyChangeAsOneUpdateTakesLeftOutValuesFromTheOldKeysRowInTheFold() {
    KeyedFold fold = new KeyedFold(SCHEMA, false, (row, schema) -> row);
    fold.add(event(Operation.INSERT, null, Row.of(1L, "big")));
    fold.add(event(Operation.UPDATE, Row.of(1L, Row.UNAVAILABLE), Row.of(2L, Row.UNAVAILABLE)));
    Map<RowKey, KeyedFold.Entry> entries = byKey(fold);
    assertEquals(Row.of(2L, "big"), entries.get(key(2)).row());
    assertNull(entries.get(key(1)).row());
    assertFalse(entries.get(key(1)).existedBefore());
  }

  @Test
  void keyChangeAsOneUpdateOfARowOnlyTheTableHoldsIsLookedUpUnderTheOldKey() {
    KeyedFold fold = new KeyedFold(SCHEMA, false, (row, schema) -> row);
    fold.add(event(Operation.UPDATE, Row.of(1L, Row.UNAVAILABLE), Row.of(2L, Row.UNAVAILABLE)));
    Map<RowKey, KeyedFold.Entry> entries = byKey(fold);
    assertEquals(key(1), entries.get(key(2)).storedUnder());
    assertTrue(entries.get(key(2)).row().hasUnavailable());
    assertNull(entries.get(key(1)).row());
    assertTrue(entries.get(key(1)).existedBefore());
  }

  @Test
  void keyChangeAsOneUpdateTakesValuesTheBeforeImageCarries() {
    KeyedFold fold = new KeyedFold(SCHEMA, false, (row, schema) -> row);
    fold.add(event(Operation.UPDATE, Row.of(1L, "full old row"), Row.of(2L, Row.UNAVAILABLE)));
    assertEquals(Row.of(2L, "full old row"), byKey(fold).get(key(2)).row());
  }

  @Test
  void withoutSplitKeyChangesADeleteAndAnInsertThatLeavesValuesOutAreNotGlued() {
    KeyedFold fold = new KeyedFold(SCHEMA, false, (row, schema) -> row);
    fold.add(event(Operation.INSERT, null, Row.of(1L, "big")));
    fold.add(event(Operation.DELETE, Row.of(1L, null), null));
    fold.add(event(Operation.INSERT, null, Row.of(2L, Row.UNAVAILABLE)));
    KeyedFold.Entry inserted = byKey(fold).get(key(2));
    assertTrue(inserted.row().hasUnavailable(), "the deleted key's value is not taken");
    assertEquals(key(2), inserted.storedUnder());
  }

  @Test
  void insertAfterAnUnrelatedDeleteIsNotAKeyChange() {
    KeyedFold fold = new KeyedFold(SCHEMA, true, (row, schema) -> row);
    fold.add(event(Operation.INSERT, null, Row.of(1L, "one")));
    fold.add(event(Operation.DELETE, Row.of(1L, null), null));
    fold.add(event(Operation.INSERT, null, Row.of(2L, "two")));
    assertEquals(Row.of(2L, "two"), byKey(fold).get(key(2)).row());
    assertEquals(key(2), byKey(fold).get(key(2)).storedUnder());
  }

  @Test
  void deleteWithoutKeyIsRefused() {
    KeyedFold fold = new KeyedFold(SCHEMA, true, (row, schema) -> row);
    assertThrows(KeyedFold.MissingKeyException.class,
        () -> fold.add(event(Operation.DELETE, Row.of(null, null), null)));
  }
}
