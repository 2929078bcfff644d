package io.changelake.sink.iceberg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IcebergTableTest {
  private static final TableId ID = TableId.parse("shop.orders");
  private static final TableSchema SCHEMA = new TableSchema(List.of(
      Column.of("id", DataType.INT, false), Column.of("qty", DataType.INT, false),
      Column.of("price", DataType.FLOAT, true), Column.of("total", DataType.decimal(10, 2), true),
      Column.of("note", DataType.STRING, false)), List.of("id"));

  @Test
  void newTableIsFormatV2WithDefaultsAndMode(@TempDir Path dir) {
    try (IcebergSink sink = IcebergSink.local(dir)) {
      sink.open(ID, SCHEMA, WriteMode.UPSERT);
      Table table = Lake.load(sink, ID);
      assertEquals(2, ((HasTableOperations) table).operations().current().formatVersion());
      Map<String, String> p = table.properties();
      assertEquals("upsert", p.get("changelake.mode"));
      assertEquals("zstd", p.get("write.parquet.compression-codec"));
      assertEquals("true", p.get("write.metadata.delete-after-commit.enabled"));
      assertEquals(String.valueOf(128L << 20), p.get("write.target-file-size-bytes"));
      assertTrue(table.spec().isUnpartitioned());
      assertTrue(Files.isDirectory(dir.resolve("shop/orders/metadata")), "a plain directory catalog layout");
      assertEquals(List.of(ID), sink.listTables());
    }
  }

  @Test
  void tableConfOverridesDefaults(@TempDir Path dir) {
    IcebergSinkConfig config = IcebergSinkConfig.local(dir, Map.of(),
        Map.of("write.parquet.compression-codec", "snappy", "commit.retry.num-retries", "10"));
    try (IcebergSink sink = IcebergSink.create(config)) {
      sink.open(ID, SCHEMA, WriteMode.UPSERT);
      Map<String, String> p = Lake.load(sink, ID).properties();
      assertEquals("snappy", p.get("write.parquet.compression-codec"));
      assertEquals("10", p.get("commit.retry.num-retries"));
    }
  }

  @Test
  void snapshotSummaryCarriesThePositionAndLastCommitFindsIt(@TempDir Path dir) {
    try (IcebergSink sink = IcebergSink.local(dir)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      assertTrue(table.lastCommit().isEmpty());
      Instant before = Instant.now().minusSeconds(1);
      try (TableWriter w = table.newWriter()) {
        w.insert(Row.of(1, 1, 1f, new BigDecimal("1.00"), "a"));
        w.commit(new CommitMetadata("lsn:100", false, "slot_a", CommitKind.STREAM, null));
      }
      Map<String, String> summary = Lake.load(sink, ID).currentSnapshot().summary();
      assertEquals("lsn:100", summary.get(CommitMetadata.POSITION));
      assertEquals("false", summary.get(CommitMetadata.SNAPSHOT_COMPLETE));
      assertEquals("slot_a", summary.get(CommitMetadata.PIPELINE));
      CommitMetadata last = table.lastCommit().orElseThrow();
      assertEquals("lsn:100", last.position());
      assertFalse(last.snapshotComplete());
      assertEquals("slot_a", last.pipeline());
      assertTrue(last.committedAt().isAfter(before));

      // A maintenance commit (no position) on top: lastCommit walks back past it.
      Table iceberg = Lake.load(sink, ID);
      iceberg.newAppend().commit();
      assertEquals(2, table.snapshots().size());
      assertEquals("lsn:100", table.lastCommit().orElseThrow().position());

      // An empty pipeline commit still records its position in a new snapshot.
      try (TableWriter w = table.newWriter()) {
        w.commit(new CommitMetadata("lsn:200", true, "slot_a", CommitKind.STREAM, null));
      }
      List<TableSnapshot> snapshots = table.snapshots();
      assertEquals(3, snapshots.size());
      assertEquals("lsn:200", snapshots.get(2).summary().get(CommitMetadata.POSITION));
      assertEquals("lsn:200", table.lastCommit().orElseThrow().position());
      assertTrue(table.lastCommit().orElseThrow().snapshotComplete());
      assertEquals(1, Lake.records(Lake.load(sink, ID)).size());

      // Another process sees the same.
      try (IcebergSink other = IcebergSink.local(dir)) {
        assertEquals("lsn:200", other.find(ID).orElseThrow().lastCommit().orElseThrow().position());
      }
    }
  }

  @Test
  void emptyCommitOnANewTableRecordsThePosition(@TempDir Path dir) {
    try (IcebergSink sink = IcebergSink.local(dir)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      Lake.commit(table, "lsn:1", w -> { });
      assertEquals("lsn:1", table.lastCommit().orElseThrow().position());
      assertEquals(0, Lake.records(Lake.load(sink, ID)).size());
      assertEquals(List.of(), Lake.scan(table, null));
    }
  }

  @Test
  void modeMismatchIsRefusedWithAWayOut(@TempDir Path dir) {
    try (IcebergSink sink = IcebergSink.local(dir)) {
      sink.open(ID, SCHEMA, WriteMode.UPSERT);
    }
    try (IcebergSink sink = IcebergSink.local(dir)) {
      SinkException e = assertThrows(SinkException.class, () -> sink.open(ID, SCHEMA, WriteMode.APPEND));
      assertTrue(e.getMessage().contains("shop.orders"), e.getMessage());
      assertTrue(e.getMessage().contains("upsert mode"), e.getMessage());
      assertTrue(e.getMessage().contains("append mode"), e.getMessage());
      assertTrue(e.getMessage().contains("drop") && e.getMessage().contains("--table"), e.getMessage());
      assertEquals(WriteMode.UPSERT, sink.find(ID).orElseThrow().mode());
    }
  }

  @Test
  void upsertTableNeedsAKey(@TempDir Path dir) {
    try (IcebergSink sink = IcebergSink.local(dir)) {
      SinkException e = assertThrows(SinkException.class,
          () -> sink.open(ID, SCHEMA.withPrimaryKey(List.of()), WriteMode.UPSERT));
      assertTrue(e.getMessage().contains("--mode append"), e.getMessage());
      assertThrows(SinkException.class, () -> sink.open(TableId.parse("orders"), SCHEMA, WriteMode.UPSERT));
    }
  }

  @Test
  void schemaEvolutionKeepsOldRowsReadable(@TempDir Path dir) {
    try (IcebergSink sink = IcebergSink.local(dir)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      Lake.commit(table, "1", w -> {
        w.insert(Row.of(1, 5, 1.5f, new BigDecimal("12345678.90"), "old"));
        w.insert(Row.of(2, 6, null, null, "old2"));
      });
      long oldSnapshot = table.snapshots().get(0).id();

      table.evolve(List.of(
          new SchemaChange.AddColumn(new Column("tags", DataType.listOf(DataType.STRING), true, "_text")),
          new SchemaChange.AddColumn(Column.of("added", DataType.TIMESTAMPTZ, true)),
          new SchemaChange.WidenColumn("qty", DataType.LONG),
          new SchemaChange.WidenColumn("price", DataType.DOUBLE),
          new SchemaChange.WidenColumn("total", DataType.decimal(12, 2)),
          new SchemaChange.MakeNullable("note")));
      // Widening keeps each column's source type doc, as Column.withType does.
      TableSchema evolved = new TableSchema(List.of(
          SCHEMA.column(0), SCHEMA.column(1).withType(DataType.LONG),
          SCHEMA.column(2).withType(DataType.DOUBLE), SCHEMA.column(3).withType(DataType.decimal(12, 2)),
          SCHEMA.column(4).asNullable(),
          new Column("tags", DataType.listOf(DataType.STRING), true, "_text"),
          Column.of("added", DataType.TIMESTAMPTZ, true)), List.of("id"));
      assertEquals(evolved, table.schema());
      assertEquals(evolved, sink.find(ID).orElseThrow().schema());

      java.time.OffsetDateTime t = java.time.OffsetDateTime.parse("2025-05-01T10:00:00.123456Z");
      Lake.commit(table, "2", w -> {
        w.upsert(Row.of(3, 10_000_000_000L, 2.5e300, new BigDecimal("9999999999.99"), null, List.of("x"), t));
        w.upsert(Row.of(2, 7L, 0.25, null, "changed", null, null));
      });

      List<Row> rows = sorted(Lake.scan(table, null));
      assertEquals(List.of(
          Row.of(1, 5L, (double) 1.5f, new BigDecimal("12345678.90"), "old", null, null),
          Row.of(2, 7L, 0.25, null, "changed", null, null),
          Row.of(3, 10_000_000_000L, 2.5e300, new BigDecimal("9999999999.99"), null, List.of("x"), t)), rows);

      List<Record> records = Lake.records(Lake.load(sink, ID));
      records.sort(Comparator.comparing(r -> (Integer) r.getField("id")));
      assertEquals(5L, records.get(0).getField("qty"));
      assertEquals(1.5d, records.get(0).getField("price"));
      assertEquals(t, records.get(2).getField("added"));

      // The old snapshot still reads with its own schema.
      try (RowScan old = table.scan(oldSnapshot)) {
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
    try (IcebergSink sink = IcebergSink.local(dir)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      Lake.commit(table, "1", w -> w.insert(Row.of(1, 1, 1f, null, "kept")));
      long dataFiles = countParquet(dir);
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
      assertEquals(1, table.snapshots().size());
      assertEquals("1", table.lastCommit().orElseThrow().position());
      assertEquals(List.of(Row.of(1, 1, 1f, null, "kept")), Lake.scan(table, null));
      assertEquals(dataFiles, countParquet(dir), "aborted writers delete their files");
    }
  }

  @Test
  void listsTablesOfEveryNamespace(@TempDir Path dir) {
    try (IcebergSink sink = IcebergSink.local(dir)) {
      sink.open(TableId.parse("a.t1"), SCHEMA, WriteMode.UPSERT);
      sink.open(TableId.parse("b.t2"), SCHEMA, WriteMode.APPEND);
      sink.open(TableId.parse("b.t3"), SCHEMA, WriteMode.UPSERT);
      assertEquals(List.of(TableId.parse("a.t1"), TableId.parse("b.t2"), TableId.parse("b.t3")), sink.listTables());
      assertTrue(sink.find(TableId.parse("c.none")).isEmpty());
      assertNotNull(sink.find(TableId.parse("b.t2")).orElseThrow());
      assertEquals("iceberg", sink.format());
    }
  }

  @Test
  void filesRollAtTheTargetSize(@TempDir Path dir) throws IOException {
    IcebergSinkConfig config = IcebergSinkConfig.local(dir, Map.of(), Map.of("write.target-file-size-bytes", "1"));
    try (IcebergSink sink = IcebergSink.create(config)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      Lake.commit(table, "1", w -> {
        for (int i = 0; i < 5000; i++) {
          w.insert(Row.of(i, i, null, null, "row " + i));
        }
      });
      Map<String, String> summary = Lake.load(sink, ID).currentSnapshot().summary();
      assertEquals("5", summary.get("added-data-files"), summary.toString());
      assertEquals(5000, Lake.records(Lake.load(sink, ID)).size());
      assertEquals(5, countParquet(dir));
    }
  }

  @Test
  void aLargeInsertIsWrittenByTwoThreadsIntoFilesOfTheirOwnAndKeepsEveryRow(@TempDir Path dir) {
    IcebergSinkConfig config = IcebergSinkConfig.local(dir, Map.of("write-threads", "2"), Map.of());
    try (IcebergSink sink = IcebergSink.create(config)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      List<Row> written = new ArrayList<>();
      for (int id = 0; id < ChangeFileWriter.DIRECT_INSERTS + 200_000; id++) {
        written.add(Row.of(id, id % 7, id % 3 == 0 ? null : id / 4f, BigDecimal.valueOf(id, 2), "note " + id));
      }
      Lake.commit(table, "1", w -> written.forEach(w::insert));

      assertEquals(written, sorted(Lake.scan(table, null)));
      Table iceberg = Lake.load(sink, ID);
      int files = Integer.parseInt(iceberg.currentSnapshot().summary().get("added-data-files"));
      assertTrue(files >= 2, "each writer thread writes files of its own, got " + files);
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
