package io.changelake.sink.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.schema.SchemaChange;
import io.changelake.api.spi.CommitKind;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.RowScan;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableSnapshot;
import io.changelake.api.spi.TableWriter;
import io.changelake.api.spi.WriteMode;
import io.delta.kernel.Snapshot;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaTableTest {
  private static final TableId ID = TableId.parse("shop.orders");
  private static final TableSchema SCHEMA = new TableSchema(List.of(
      Column.of("id", DataType.INT, false), Column.of("qty", DataType.INT, false),
      Column.of("price", DataType.FLOAT, true), Column.of("total", DataType.decimal(10, 2), true),
      Column.of("note", DataType.STRING, false)), List.of("id"));

  @Test
  void newTableRecordsModeAndFeatures(@TempDir Path dir) throws IOException {
    try (DeltaSink sink = DeltaSink.local(dir)) {
      sink.open(ID, SCHEMA, WriteMode.UPSERT);
      Map<String, String> p = Lake.snapshot(dir, ID).getTableProperties();
      assertEquals("upsert", p.get("changelake.mode"));
      assertEquals("name", p.get("delta.columnMapping.mode"));
      String create = Files.readString(dir.resolve("shop/orders/_delta_log/00000000000000000000.json"));
      assertTrue(create.contains("domainMetadata") && create.contains("columnMapping"), create);
      assertEquals(List.of(ID), sink.listTables());
      assertEquals("delta", sink.format());
    }
  }

  @Test
  void tableConfBecomesTableProperties(@TempDir Path dir) {
    DeltaSinkConfig config = DeltaSinkConfig.local(dir, Map.of(), Map.of("delta.checkpointInterval", "5"));
    try (DeltaSink sink = DeltaSink.create(config)) {
      sink.open(ID, SCHEMA, WriteMode.UPSERT);
      assertEquals("5", Lake.snapshot(dir, ID).getTableProperties().get("delta.checkpointInterval"));
    }
  }

  @Test
  void commitCarriesThePositionAndLastCommitFindsIt(@TempDir Path dir) {
    try (DeltaSink sink = DeltaSink.local(dir)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      assertTrue(table.lastCommit().isEmpty());
      Instant before = Instant.now().minusSeconds(1);
      try (TableWriter w = table.newWriter()) {
        w.insert(Row.of(1, 1, 1f, new BigDecimal("1.00"), "a"));
        w.commit(new CommitMetadata("lsn:100", false, "slot_a", CommitKind.STREAM, null));
      }
      Snapshot snapshot = Lake.snapshot(dir, ID);
      String recorded = snapshot.getDomainMetadata("changelake").orElseThrow();
      assertTrue(recorded.contains("\"changelake.position\":\"lsn:100\""), recorded);
      assertEquals(0L, snapshot.getLatestTransactionVersion(Lake.ENGINE, "slot_a").orElseThrow());
      CommitMetadata last = table.lastCommit().orElseThrow();
      assertEquals("lsn:100", last.position());
      assertFalse(last.snapshotComplete());
      assertEquals("slot_a", last.pipeline());
      assertTrue(last.committedAt().isAfter(before));

      // An empty pipeline commit still records its position in a new version.
      try (TableWriter w = table.newWriter()) {
        w.commit(new CommitMetadata("lsn:200", true, "slot_a", CommitKind.STREAM, null));
      }
      List<TableSnapshot> versions = table.snapshots();
      assertEquals(3, versions.size());
      assertEquals("lsn:200", versions.get(2).summary().get(CommitMetadata.POSITION));
      assertEquals("lsn:200", table.lastCommit().orElseThrow().position());
      assertTrue(table.lastCommit().orElseThrow().snapshotComplete());
      assertEquals(1L, Lake.snapshot(dir, ID).getLatestTransactionVersion(Lake.ENGINE, "slot_a").orElseThrow());
      assertEquals(1, Lake.rows(Lake.snapshot(dir, ID)).size());

      // Another process sees the same.
      try (DeltaSink other = DeltaSink.local(dir)) {
        assertEquals("lsn:200", other.find(ID).orElseThrow().lastCommit().orElseThrow().position());
      }
    }
  }

  @Test
  void aReplayedCommitIsRefusedAndDuplicatesNothing(@TempDir Path dir) {
    try (DeltaSink sink = DeltaSink.local(dir)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      Lake.commit(table, "p0", w -> w.insert(Row.of(1, 1, null, null, "first")));
      // Two writers of one pipeline start from the same version (a zombie and its restart).
      try (TableWriter first = table.newWriter(); TableWriter replay = table.newWriter()) {
        first.insert(Row.of(2, 2, null, null, "batch"));
        replay.insert(Row.of(2, 2, null, null, "batch"));
        first.commit(Lake.position("p1"));
        SinkException e = assertThrows(SinkException.class, () -> replay.commit(Lake.position("p1")));
        assertTrue(e.getMessage().contains("replay") && e.getMessage().contains("test-pipeline"), e.getMessage());
      }
      assertEquals(2, Lake.rows(Lake.snapshot(dir, ID)).size(), "the replay added no row");
      assertEquals("p1", table.lastCommit().orElseThrow().position());
      assertEquals(3, table.snapshots().size());
      // Another pipeline's writer is not fenced by this one's transaction id (it opens the table after this one's
      // last commit, as a pipeline taking the table over does: see TableWriter#commit).
      try (TableWriter other = sink.find(ID).orElseThrow().newWriter()) {
        other.insert(Row.of(3, 3, null, null, "other"));
        other.commit(new CommitMetadata("x", true, "other-pipeline", CommitKind.STREAM, null));
      }
      assertEquals(3, Lake.rows(Lake.snapshot(dir, ID)).size());
    }
  }

  @Test
  void emptyCommitOnANewTableRecordsThePosition(@TempDir Path dir) {
    try (DeltaSink sink = DeltaSink.local(dir)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      Lake.commit(table, "lsn:1", w -> { });
      assertEquals("lsn:1", table.lastCommit().orElseThrow().position());
      assertEquals(List.of(), Lake.rows(Lake.snapshot(dir, ID)));
      assertEquals(List.of(), Lake.scan(table, null));
    }
  }

  @Test
  void modeMismatchIsRefusedWithAWayOut(@TempDir Path dir) {
    try (DeltaSink sink = DeltaSink.local(dir)) {
      sink.open(ID, SCHEMA, WriteMode.UPSERT);
    }
    try (DeltaSink sink = DeltaSink.local(dir)) {
      SinkException e = assertThrows(SinkException.class, () -> sink.open(ID, SCHEMA, WriteMode.APPEND));
      assertTrue(e.getMessage().contains("shop.orders"), e.getMessage());
      assertTrue(e.getMessage().contains("upsert mode") && e.getMessage().contains("append mode"), e.getMessage());
      assertTrue(e.getMessage().contains("drop") && e.getMessage().contains("--table"), e.getMessage());
      assertEquals(WriteMode.UPSERT, sink.find(ID).orElseThrow().mode());
    }
  }

  @Test
  void upsertTableNeedsAKeyAndADatabase(@TempDir Path dir) {
    try (DeltaSink sink = DeltaSink.local(dir)) {
      SinkException e = assertThrows(SinkException.class,
          () -> sink.open(ID, SCHEMA.withPrimaryKey(List.of()), WriteMode.UPSERT));
      assertTrue(e.getMessage().contains("--mode append"), e.getMessage());
      assertThrows(SinkException.class, () -> sink.open(TableId.parse("orders"), SCHEMA, WriteMode.UPSERT));
    }
  }

  @Test
  void schemaEvolutionKeepsOldRowsReadable(@TempDir Path dir) {
    try (DeltaSink sink = DeltaSink.local(dir)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      Lake.commit(table, "1", w -> {
        w.insert(Row.of(1, 5, 1.5f, new BigDecimal("12345678.90"), "old"));
        w.insert(Row.of(2, 6, null, null, "old2"));
      });
      long oldVersion = table.snapshots().get(1).id();

      table.evolve(List.of(
          new SchemaChange.AddColumn(new Column("tags", DataType.listOf(DataType.STRING), true, "_text")),
          new SchemaChange.AddColumn(Column.of("added", DataType.TIMESTAMPTZ, true)),
          new SchemaChange.AddColumn(Column.of("at", DataType.TIME, true)),
          new SchemaChange.WidenColumn("qty", DataType.LONG),
          new SchemaChange.WidenColumn("price", DataType.DOUBLE),
          new SchemaChange.WidenColumn("total", DataType.decimal(12, 2)),
          new SchemaChange.MakeNullable("note")));
      TableSchema evolved = new TableSchema(List.of(
          SCHEMA.column(0), SCHEMA.column(1).withType(DataType.LONG),
          SCHEMA.column(2).withType(DataType.DOUBLE), SCHEMA.column(3).withType(DataType.decimal(12, 2)),
          SCHEMA.column(4).asNullable(),
          new Column("tags", DataType.listOf(DataType.STRING), true, "_text"),
          Column.of("added", DataType.TIMESTAMPTZ, true), Column.of("at", DataType.TIME, true)), List.of("id"));
      assertEquals(evolved, table.schema());
      assertEquals(evolved, sink.find(ID).orElseThrow().schema());
      assertEquals("true", Lake.snapshot(dir, ID).getTableProperties().get("delta.enableTypeWidening"));

      OffsetDateTime t = OffsetDateTime.parse("2025-05-01T10:00:00.123456Z");
      java.time.LocalTime at = java.time.LocalTime.of(12, 0, 0, 1000);
      Lake.commit(table, "2", w -> {
        w.upsert(Row.of(3, 10_000_000_000L, 2.5e300, new BigDecimal("9999999999.99"), null, List.of("x"), t, at));
        w.upsert(Row.of(2, 7L, 0.25, null, "changed", null, null, null));
      });

      List<Row> expected = List.of(
          Row.of(1, 5L, (double) 1.5f, new BigDecimal("12345678.90"), "old", null, null, null),
          Row.of(2, 7L, 0.25, null, "changed", null, null, null),
          Row.of(3, 10_000_000_000L, 2.5e300, new BigDecimal("9999999999.99"), null, List.of("x"), t, at));
      assertEquals(expected, sorted(Lake.scan(table, null)));
      List<List<Object>> kernel = Lake.rows(Lake.snapshot(dir, ID));
      kernel.sort(Comparator.comparing(r -> (Integer) r.get(0)));
      assertEquals(5L, kernel.get(0).get(1));
      assertEquals(1.5d, kernel.get(0).get(2));
      assertEquals(t, kernel.get(2).get(6));

      // The old version still reads with its own schema.
      try (RowScan old = table.scan(oldVersion)) {
        assertEquals(SCHEMA, old.schema());
        List<Row> oldRows = new ArrayList<>();
        old.forEach(oldRows::add);
        assertEquals(List.of(Row.of(1, 5, 1.5f, new BigDecimal("12345678.90"), "old"),
            Row.of(2, 6, null, null, "old2")), sorted(oldRows));
      }
    }
  }

  @Test
  void abortLeavesNoVisibleChangeAndNoFiles(@TempDir Path dir) throws IOException {
    try (DeltaSink sink = DeltaSink.local(dir)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      Lake.commit(table, "1", w -> w.insert(Row.of(1, 1, 1f, null, "kept")));
      long dataFiles = DeltaUpsertTest.parquetFiles(dir);
      try (TableWriter w = table.newWriter()) {
        for (int i = 2; i < 10_000; i++) {
          w.upsert(Row.of(i, i, 1f, null, "lost"));
        }
        w.delete(new RowKey(List.of(1)));
        w.abort();
        assertThrows(IllegalStateException.class, () -> w.insert(Row.of(5, 5, 5f, null, "x")));
      }
      try (TableWriter w = table.newWriter()) {
        w.upsert(Row.of(7, 7, 7f, null, "closed without commit"));
      }
      assertEquals(2, table.snapshots().size());
      assertEquals("1", table.lastCommit().orElseThrow().position());
      assertEquals(List.of(Row.of(1, 1, 1f, null, "kept")), Lake.scan(table, null));
      assertEquals(dataFiles, DeltaUpsertTest.parquetFiles(dir), "aborted writers delete their files");
    }
  }

  @Test
  void listsTablesOfEveryNamespace(@TempDir Path dir) {
    try (DeltaSink sink = DeltaSink.local(dir)) {
      sink.open(TableId.parse("a.t1"), SCHEMA, WriteMode.UPSERT);
      sink.open(TableId.parse("b.t2"), SCHEMA, WriteMode.APPEND);
      sink.open(TableId.parse("b.t3"), SCHEMA, WriteMode.UPSERT);
      assertEquals(List.of(TableId.parse("a.t1"), TableId.parse("b.t2"), TableId.parse("b.t3")), sink.listTables());
      assertTrue(sink.find(TableId.parse("c.none")).isEmpty());
      assertEquals(WriteMode.APPEND, sink.find(TableId.parse("b.t2")).orElseThrow().mode());
    }
  }

  @Test
  void aLargeInsertIsWrittenByTwoThreadsIntoFilesOfTheirOwnAndKeepsEveryRow(@TempDir Path dir) {
    DeltaSinkConfig config = DeltaSinkConfig.local(dir, Map.of("write-threads", "2"), Map.of());
    try (DeltaSink sink = DeltaSink.create(config)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      List<Row> written = new ArrayList<>();
      for (int id = 0; id < 300_000; id++) {
        written.add(Row.of(id, id % 7, id % 3 == 0 ? null : id / 4f, BigDecimal.valueOf(id, 2), "note " + id));
      }
      Lake.commit(table, "1", w -> written.forEach(w::insert));

      assertEquals(written, sorted(Lake.scan(table, null)));
      long files = Lake.liveFiles(Lake.snapshot(dir, ID));
      assertTrue(files >= 2, "each writer thread writes files of its own, got " + files);
    }
  }

  private static List<Row> sorted(List<Row> rows) {
    List<Row> copy = new ArrayList<>(rows);
    copy.sort(Comparator.comparing(r -> (Integer) r.get(0)));
    return copy;
  }
}
