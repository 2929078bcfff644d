package io.changelake.sink.paimon;

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
import java.util.stream.Stream;
import org.apache.paimon.Snapshot;
import org.apache.paimon.table.FileStoreTable;
import org.apache.paimon.table.sink.TableCommitImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PaimonTableTest {
  private static final TableId ID = TableId.parse("shop.orders");
  private static final TableSchema SCHEMA = new TableSchema(List.of(
      Column.of("id", DataType.INT, false), Column.of("qty", DataType.INT, false),
      Column.of("price", DataType.FLOAT, true), Column.of("total", DataType.decimal(10, 2), true),
      Column.of("note", DataType.STRING, false)), List.of("id"));

  @Test
  void newTableRecordsModeKeyAndDefaults(@TempDir Path dir) {
    try (PaimonSink sink = PaimonSink.local(dir)) {
      sink.open(ID, SCHEMA, WriteMode.UPSERT);
      Map<String, String> options = Lake.load(sink, ID).options();
      assertEquals("upsert", options.get("changelake.mode"));
      assertEquals("id", options.get("changelake.primary-key"));
      assertEquals("4", options.get("bucket"));
      assertFalse(options.containsKey("deletion-vectors.enabled"), "merge-on-read by default");
      assertTrue(Files.isDirectory(dir.resolve("shop.db/orders/schema")), "a plain filesystem catalog layout");
      assertEquals(List.of(ID), sink.listTables());
      assertEquals("paimon", sink.format());
    }
  }

  @Test
  void tableConfOverridesDefaults(@TempDir Path dir) {
    PaimonSinkConfig config = PaimonSinkConfig.local(dir, Map.of(), Map.of("bucket", "2",
        "compaction.min.file-num", "3", "snapshot.num-retained.min", "5", "deletion-vectors.enabled", "true"));
    try (PaimonSink sink = PaimonSink.create(config)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      Map<String, String> options = Lake.load(sink, ID).options();
      assertEquals("2", options.get("bucket"));
      assertEquals("3", options.get("compaction.min.file-num"));
      assertEquals("5", options.get("snapshot.num-retained.min"));
      Lake.commit(table, "1", w -> w.insert(Row.of(1, 1, null, null, "deletion vectors")));
      Lake.commit(table, "2", w -> w.upsert(Row.of(1, 2, null, null, "deletion vectors")));
      assertEquals(List.of(Row.of(1, 2, null, null, "deletion vectors")), Lake.scan(table, null));
      assertEquals("compact", table.snapshots().get(table.snapshots().size() - 1).operation(),
          "with deletion vectors each commit compacts what it wrote");
    }
  }

  @Test
  void snapshotPropertiesCarryThePositionAndLastCommitFindsIt(@TempDir Path dir) throws Exception {
    try (PaimonSink sink = PaimonSink.local(dir)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      assertTrue(table.lastCommit().isEmpty());
      Instant before = Instant.now().minusSeconds(1);
      try (TableWriter w = table.newWriter()) {
        w.insert(Row.of(1, 1, 1f, new BigDecimal("1.00"), "a"));
        w.commit(new CommitMetadata("lsn:100", false, "slot_a", CommitKind.STREAM, null));
      }
      Map<String, String> properties = Lake.load(sink, ID).snapshotManager().latestSnapshot().properties();
      assertEquals("lsn:100", properties.get(CommitMetadata.POSITION));
      assertEquals("false", properties.get(CommitMetadata.SNAPSHOT_COMPLETE));
      assertEquals("slot_a", properties.get(CommitMetadata.PIPELINE));
      CommitMetadata last = table.lastCommit().orElseThrow();
      assertEquals("lsn:100", last.position());
      assertFalse(last.snapshotComplete());
      assertEquals("slot_a", last.pipeline());
      assertTrue(last.committedAt().isAfter(before));

      // A maintenance commit by someone else (no position) on top: lastCommit walks back past it.
      FileStoreTable paimon = Lake.load(sink, ID);
      TableCommitImpl maintenance = paimon.newCommit("maintenance").ignoreEmptyCommit(false);
      maintenance.commit(1L, List.of());
      maintenance.close();
      Snapshot latest = paimon.snapshotManager().latestSnapshot();
      assertEquals("maintenance", latest.commitUser());
      assertEquals("lsn:100", table.lastCommit().orElseThrow().position());

      // An empty pipeline commit still records its position in a new snapshot.
      int before2 = table.snapshots().size();
      try (TableWriter w = table.newWriter()) {
        w.commit(new CommitMetadata("lsn:200", true, "slot_a", CommitKind.STREAM, null));
      }
      List<TableSnapshot> snapshots = table.snapshots();
      assertEquals(before2 + 1, snapshots.size());
      TableSnapshot empty = snapshots.get(snapshots.size() - 1);
      assertEquals("lsn:200", empty.summary().get(CommitMetadata.POSITION));
      assertEquals("append", empty.operation());
      assertEquals("changelake", empty.summary().get("commit-user"));
      assertEquals("2", empty.summary().get("commit-identifier"));
      assertEquals("lsn:200", table.lastCommit().orElseThrow().position());
      assertTrue(table.lastCommit().orElseThrow().snapshotComplete());
      assertEquals(1, Lake.records(Lake.load(sink, ID)).size());

      // Another process sees the same, and continues the commit identifiers.
      try (PaimonSink other = PaimonSink.local(dir)) {
        SinkTable again = other.find(ID).orElseThrow();
        assertEquals("lsn:200", again.lastCommit().orElseThrow().position());
        try (TableWriter w = again.newWriter()) {
          assertEquals(3, ((PaimonTableWriter) w).identifier());
        }
      }
    }
  }

  @Test
  void commitsKeepOneWriteOpenUntilTheSinkCloses(@TempDir Path dir) throws IOException {
    Path spill = Files.createDirectory(dir.resolve("spill"));
    PaimonSinkConfig config = PaimonSinkConfig.local(dir.resolve("lake"), Map.of("tmp-dir", spill.toString()),
        Map.of());
    try (PaimonSink sink = PaimonSink.create(config)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      for (int round = 1; round <= 3; round++) {
        Row row = Row.of(round, round, 1.5f, new BigDecimal("2.50"), "round " + round);
        Lake.commit(table, String.valueOf(round), w -> w.upsert(row));
        assertEquals(1, spillFolders(spill), "one write, kept for the next commit, after commit " + round);
      }
      assertEquals(3, Lake.records(Lake.load(sink, ID)).size());
    }
    assertEquals(0, spillFolders(spill), "closing the sink closes the kept write");
  }

  private static long spillFolders(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.count();
    }
  }

  @Test
  void emptyCommitOnANewTableRecordsThePosition(@TempDir Path dir) {
    try (PaimonSink sink = PaimonSink.local(dir)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      Lake.commit(table, "lsn:1", w -> { });
      assertEquals("lsn:1", table.lastCommit().orElseThrow().position());
      assertEquals(0, Lake.records(Lake.load(sink, ID)).size());
      assertEquals(List.of(), Lake.scan(table, null));
    }
  }

  @Test
  void replayedCommitIdentifierAddsNothing(@TempDir Path dir) {
    TableSchema log = new TableSchema(List.of(Column.of("op", DataType.STRING, false),
        Column.of("id", DataType.LONG, true)), List.of());
    try (PaimonSink sink = PaimonSink.local(dir)) {
      SinkTable table = sink.open(ID, log, WriteMode.APPEND);
      TableWriter first = table.newWriter();
      TableWriter replay = table.newWriter();  // same identifier: what a retry of the same commit uses
      TableWriter stranger = table.newWriter();
      assertEquals(((PaimonTableWriter) first).identifier(), ((PaimonTableWriter) replay).identifier());
      first.insert(Row.of("c", 1L));
      first.commit(Lake.position("p1"));
      replay.insert(Row.of("c", 1L));
      replay.commit(Lake.position("p1"));
      assertEquals(1, Lake.records(Lake.load(sink, ID)).size(), "the replay added no row");
      assertEquals(1, table.snapshots().size(), "and no snapshot");

      stranger.insert(Row.of("x", 2L));
      SinkException e = assertThrows(SinkException.class, () -> stranger.commit(Lake.position("p9")));
      assertTrue(e.getMessage().contains("one pipeline writes each table"), e.getMessage());
      stranger.close();
      assertEquals(1, Lake.records(Lake.load(sink, ID)).size());
      assertEquals("p1", table.lastCommit().orElseThrow().position());
    }
  }

  @Test
  void modeMismatchIsRefusedWithAWayOut(@TempDir Path dir) {
    try (PaimonSink sink = PaimonSink.local(dir)) {
      sink.open(ID, SCHEMA, WriteMode.UPSERT);
    }
    try (PaimonSink sink = PaimonSink.local(dir)) {
      SinkException e = assertThrows(SinkException.class, () -> sink.open(ID, SCHEMA, WriteMode.APPEND));
      assertTrue(e.getMessage().contains("shop.orders"), e.getMessage());
      assertTrue(e.getMessage().contains("upsert mode"), e.getMessage());
      assertTrue(e.getMessage().contains("append mode"), e.getMessage());
      assertTrue(e.getMessage().contains("drop") && e.getMessage().contains("--table"), e.getMessage());
      assertEquals(WriteMode.UPSERT, sink.find(ID).orElseThrow().mode());
    }
  }

  @Test
  void upsertTableNeedsAKeyAndADatabase(@TempDir Path dir) {
    try (PaimonSink sink = PaimonSink.local(dir)) {
      SinkException e = assertThrows(SinkException.class,
          () -> sink.open(ID, SCHEMA.withPrimaryKey(List.of()), WriteMode.UPSERT));
      assertTrue(e.getMessage().contains("--mode append"), e.getMessage());
      assertThrows(SinkException.class, () -> sink.open(TableId.parse("orders"), SCHEMA, WriteMode.UPSERT));
      SinkException dynamic = assertThrows(SinkException.class, () -> PaimonSink.create(
          PaimonSinkConfig.local(dir, Map.of(), Map.of("bucket", "-1"))).open(ID, SCHEMA, WriteMode.UPSERT));
      assertTrue(dynamic.getMessage().contains("bucket=<n>"), dynamic.getMessage());
    }
  }

  @Test
  void schemaEvolutionKeepsOldRowsReadable(@TempDir Path dir) {
    try (PaimonSink sink = PaimonSink.local(dir)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      Lake.commit(table, "1", w -> {
        w.insert(Row.of(1, 5, 1.5f, new BigDecimal("12345678.90"), "old"));
        w.insert(Row.of(2, 6, null, null, "old2"));
      });
      long oldSnapshot = table.snapshots().get(table.snapshots().size() - 1).id();

      table.evolve(List.of(
          new SchemaChange.AddColumn(new Column("tags", DataType.listOf(DataType.STRING), true, "_text")),
          new SchemaChange.AddColumn(Column.of("added", DataType.TIMESTAMPTZ, true)),
          new SchemaChange.AddColumn(Column.of("ref", DataType.UUID, true)),
          new SchemaChange.WidenColumn("qty", DataType.LONG),
          new SchemaChange.WidenColumn("price", DataType.DOUBLE),
          new SchemaChange.WidenColumn("total", DataType.decimal(12, 2)),
          new SchemaChange.MakeNullable("note")));
      TableSchema evolved = new TableSchema(List.of(
          SCHEMA.column(0), SCHEMA.column(1).withType(DataType.LONG),
          SCHEMA.column(2).withType(DataType.DOUBLE), SCHEMA.column(3).withType(DataType.decimal(12, 2)),
          SCHEMA.column(4).asNullable(),
          new Column("tags", DataType.listOf(DataType.STRING), true, "_text"),
          Column.of("added", DataType.TIMESTAMPTZ, true), Column.of("ref", DataType.UUID, true)), List.of("id"));
      assertEquals(evolved, table.schema());
      assertEquals(evolved, sink.find(ID).orElseThrow().schema());

      OffsetDateTime t = OffsetDateTime.parse("2025-05-01T10:00:00.123456Z");
      java.util.UUID ref = java.util.UUID.randomUUID();
      Lake.commit(table, "2", w -> {
        w.upsert(Row.of(3, 10_000_000_000L, 2.5e300, new BigDecimal("9999999999.99"), null, List.of("x"), t, ref));
        w.upsert(Row.of(2, 7L, 0.25, null, "changed", null, null, null));
      });

      assertEquals(List.of(
          Row.of(1, 5L, (double) 1.5f, new BigDecimal("12345678.90"), "old", null, null, null),
          Row.of(2, 7L, 0.25, null, "changed", null, null, null),
          Row.of(3, 10_000_000_000L, 2.5e300, new BigDecimal("9999999999.99"), null, List.of("x"), t, ref)),
          sorted(Lake.scan(table, null)));

      List<List<Object>> records = Lake.records(Lake.load(sink, ID));
      records.sort(Comparator.comparing(r -> (Integer) r.get(0)));
      assertEquals(5L, records.get(0).get(1));
      assertEquals(1.5d, records.get(0).get(2));
      assertEquals(ref.toString(), records.get(2).get(7));

      // The old snapshot still reads with its own schema.
      try (RowScan old = table.scan(oldSnapshot)) {
        assertEquals(SCHEMA, old.schema());
        List<Row> oldRows = new ArrayList<>();
        old.forEach(oldRows::add);
        assertEquals(List.of(Row.of(1, 5, 1.5f, new BigDecimal("12345678.90"), "old"),
            Row.of(2, 6, null, null, "old2")), sorted(oldRows));
      }

      SinkException e = assertThrows(SinkException.class,
          () -> table.evolve(List.of(new SchemaChange.MakeNullable("id"))));
      assertTrue(e.getMessage().contains("shop.orders") && e.getMessage().contains("Recreate"), e.getMessage());
    }
  }

  @Test
  void abortLeavesNoVisibleChangeAndNoFiles(@TempDir Path dir) throws IOException {
    try (PaimonSink sink = PaimonSink.local(dir)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      Lake.commit(table, "1", w -> w.insert(Row.of(1, 1, 1f, null, "kept")));
      long dataFiles = countParquet(dir);
      int snapshots = table.snapshots().size();
      try (TableWriter w = table.newWriter()) {
        for (int i = 2; i < 1000; i++) {
          w.upsert(Row.of(i, i, 1f, null, "lost"));
        }
        w.delete(new RowKey(List.of(1)));
        w.abort();
        assertThrows(IllegalStateException.class, () -> w.insert(Row.of(5, 5, 5f, null, "x")));
      }
      try (TableWriter w = table.newWriter()) {
        w.upsert(Row.of(7, 7, 7f, null, "closed without commit"));
      }
      assertEquals(snapshots, table.snapshots().size());
      assertEquals("1", table.lastCommit().orElseThrow().position());
      assertEquals(List.of(Row.of(1, 1, 1f, null, "kept")), Lake.scan(table, null));
      assertEquals(dataFiles, countParquet(dir), "aborted writers delete their files");
    }
  }

  @Test
  void listsTablesOfEveryDatabase(@TempDir Path dir) {
    TableSchema log = SCHEMA.withPrimaryKey(List.of());
    try (PaimonSink sink = PaimonSink.local(dir)) {
      sink.open(TableId.parse("a.t1"), SCHEMA, WriteMode.UPSERT);
      sink.open(TableId.parse("b.t2"), log, WriteMode.APPEND);
      sink.open(TableId.parse("b.t3"), SCHEMA, WriteMode.UPSERT);
      assertEquals(List.of(TableId.parse("a.t1"), TableId.parse("b.t2"), TableId.parse("b.t3")), sink.listTables());
      assertTrue(sink.find(TableId.parse("c.none")).isEmpty());
      assertEquals(WriteMode.APPEND, sink.find(TableId.parse("b.t2")).orElseThrow().mode());
    }
  }

  private static List<Row> sorted(List<Row> rows) {
    List<Row> copy = new ArrayList<>(rows);
    copy.sort(Comparator.comparing(r -> (Integer) r.get(0)));
    return copy;
  }

  private static long countParquet(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.toString().endsWith(".parquet")).count();
    }
  }
}
