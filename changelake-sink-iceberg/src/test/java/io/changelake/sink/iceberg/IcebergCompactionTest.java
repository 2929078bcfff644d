package io.changelake.sink.iceberg;

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
import io.changelake.api.spi.CompactionResult;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.WriteMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compaction of upsert tables: rows, delete files, the source position, and a sync committing meanwhile. */
class IcebergCompactionTest {
  private static final TableId ID = TableId.parse("shop.products");
  private static final TableSchema PRODUCTS = new TableSchema(List.of(
      Column.of("id", DataType.LONG, false), Column.of("name", DataType.STRING, true),
      Column.of("qty", DataType.INT, true)), List.of("id"));

  private final Map<RowKey, Row> expected = new LinkedHashMap<>();

  @Test
  void compactionLeavesNoDeleteFilesAndTheSamePosition(@TempDir Path dir) {
    try (IcebergSink sink = IcebergSink.local(dir)) {
      IcebergTable table = (IcebergTable) sink.open(ID, PRODUCTS, WriteMode.UPSERT);
      writeHistory(table);
      assertEquals(4, deleteFiles(Lake.load(sink, ID)).size(), "3 equality and 1 position delete files");
      long before = Lake.load(sink, ID).currentSnapshot().snapshotId();

      CompactionResult result = table.compact();

      Table iceberg = Lake.load(sink, ID);
      assertEquals(expected, Lake.byKey(iceberg, PRODUCTS));
      assertEquals(List.of(), deleteFiles(iceberg), "delete files in the compacted snapshot");
      assertEquals("0", iceberg.currentSnapshot().summary().get("total-delete-files"));
      assertEquals(CompactionResult.committed(iceberg.currentSnapshot().snapshotId(), 3, 4, 1, expected.size()), result);
      assertEquals("replace", iceberg.currentSnapshot().operation());
      assertEquals(String.valueOf(before), iceberg.currentSnapshot().summary().get(IcebergCompaction.COMPACTION_OF));
      assertEquals("4", table.lastCommit().orElseThrow().position());
      assertEquals("the table holds no delete files; readers merge nothing", table.compact().skipped());
    }
  }

  @Test
  void syncCommitDuringCompactionIsKept(@TempDir Path dir) {
    try (IcebergSink sink = IcebergSink.local(dir)) {
      IcebergTable table = (IcebergTable) sink.open(ID, PRODUCTS, WriteMode.UPSERT);
      writeHistory(table);
      long startSequence = Lake.load(sink, ID).currentSnapshot().sequenceNumber();
      IcebergCompaction compaction = IcebergCompaction.plan(ID, table.table());
      compaction.rewrite();

      Lake.commit(table, "5", w -> {
        upsert(w::upsert, Row.of(3L, "during", 5));  // a row being rewritten: equality delete
        delete(w::delete, 10L);
        upsert(w::upsert, Row.of(500L, "new", 5));
        upsert(w::upsert, Row.of(500L, "new again", 6));  // position delete of the row above
      });
      compaction.commit();

      Table iceberg = Lake.load(sink, ID);
      assertEquals(expected, Lake.byKey(iceberg, PRODUCTS), "the sync commit's changes apply to the rewritten rows");
      assertEquals("5", table.lastCommit().orElseThrow().position(), "the sync commit's position, not an older one");
      for (DeleteFile file : deleteFiles(iceberg)) {
        assertTrue(file.dataSequenceNumber() > startSequence, "only the sync commit's deletes remain: " + file);
      }
      assertEquals(expected.size(), Lake.scan(table, null).size());
    }
  }

  @Test
  void positionDeletesDuringCompactionFailItCleanly(@TempDir Path dir) {
    try (IcebergSink sink = IcebergPositionDeleteTest.positionSink(dir)) {
      IcebergTable table = (IcebergTable) sink.open(ID, PRODUCTS, WriteMode.UPSERT);
      writeHistory(table);
      IcebergCompaction compaction = IcebergCompaction.plan(ID, table.table());
      compaction.rewrite();
      Lake.commit(table, "5", w -> upsert(w::upsert, Row.of(3L, "during", 5)));  // a position delete in a rewritten file
      long before = Lake.load(sink, ID).currentSnapshot().snapshotId();
      SinkException failed = assertThrows(SinkException.class, compaction::commit);
      assertTrue(failed.getMessage().contains("Run the compaction again"), failed.getMessage());
      assertEquals(before, Lake.load(sink, ID).currentSnapshot().snapshotId(), "the table is unchanged");
      assertTrue(table.compact().committed(), "the compaction run again");
      Lake.commit(table, "6", w -> upsert(w::upsert, Row.of(3L, "after", 6)));  // the index is loaded again
      Table iceberg = Lake.load(sink, ID);
      assertEquals(expected, Lake.byKey(iceberg, PRODUCTS));
      assertEquals("6", table.lastCommit().orElseThrow().position());
    }
  }

  @Test
  void concurrentCompactionFailsTheLaterOneCleanly(@TempDir Path dir) {
    try (IcebergSink sink = IcebergSink.local(dir)) {
      IcebergTable table = (IcebergTable) sink.open(ID, PRODUCTS, WriteMode.UPSERT);
      writeHistory(table);
      Set<String> files = parquetFiles(dir);
      IcebergCompaction later = IcebergCompaction.plan(ID, table.table());
      later.rewrite();
      assertTrue(table.compact().committed());
      Snapshot compacted = Lake.load(sink, ID).currentSnapshot();
      compacted.addedDataFiles(Lake.load(sink, ID).io()).forEach(f -> files.add(fileName(f.location())));

      SinkException e = assertThrows(SinkException.class, later::commit);

      assertTrue(e.getMessage().contains("the table is unchanged"), e.getMessage());
      Table iceberg = Lake.load(sink, ID);
      assertEquals(compacted.snapshotId(), iceberg.currentSnapshot().snapshotId());
      assertEquals(expected, Lake.byKey(iceberg, PRODUCTS));
      assertEquals(files, parquetFiles(dir), "the failed compaction's files are deleted");
    }
  }

  @Test
  void appendTableHasNothingToCompact(@TempDir Path dir) {
    TableSchema log = new TableSchema(List.of(Column.of("op", DataType.STRING, false)), List.of());
    try (IcebergSink sink = IcebergSink.local(dir)) {
      IcebergTable table = (IcebergTable) sink.open(ID, log, WriteMode.APPEND);
      assertEquals("the table has no snapshot yet", table.compact().skipped());
      Lake.commit(table, "1", w -> w.insert(Row.of("c")));
      assertFalse(table.compact().committed());
      assertEquals(1, Lake.records(Lake.load(sink, ID)).size());
    }
  }

  /** Four commits: inserts, then upserts and deletes, one key upserted twice (a position delete). */
  private void writeHistory(IcebergTable table) {
    Lake.commit(table, "1", w -> {
      for (long k = 1; k <= 100; k++) {
        Row row = Row.of(k, "item-" + k, (int) k);
        w.insert(row);
        expected.put(row.key(PRODUCTS), row);
      }
    });
    Lake.commit(table, "2", w -> {
      for (long k = 1; k <= 100; k += 4) {
        upsert(w::upsert, Row.of(k, "two-" + k, 2));
      }
      delete(w::delete, 2L);
      delete(w::delete, 6L);
    });
    Lake.commit(table, "3", w -> {
      upsert(w::upsert, Row.of(7L, "three", 3));
      upsert(w::upsert, Row.of(7L, "three again", 3));
      upsert(w::upsert, Row.of(2L, "back", 3));
    });
    Lake.commit(table, "4", w -> delete(w::delete, 50L));
  }

  private void upsert(Consumer<Row> writer, Row row) {
    writer.accept(row);
    expected.put(row.key(PRODUCTS), row);
  }

  private void delete(Consumer<RowKey> writer, long id) {
    RowKey key = new RowKey(List.of(id));
    writer.accept(key);
    expected.remove(key);
  }

  /** Every live delete file of the current snapshot, read from its delete manifests. */
  private static List<DeleteFile> deleteFiles(Table table) {
    List<DeleteFile> files = new ArrayList<>();
    for (ManifestFile manifest : table.currentSnapshot().deleteManifests(table.io())) {
      try (ManifestReader<DeleteFile> reader = ManifestFiles.readDeleteManifest(manifest, table.io(), table.specs())) {
        reader.forEach(file -> files.add(file.copy()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return files;
  }

  private static Set<String> parquetFiles(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.map(Path::toString).filter(p -> p.endsWith(".parquet")).map(IcebergCompactionTest::fileName)
          .collect(Collectors.toCollection(HashSet::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String fileName(String location) {
    return location.substring(location.lastIndexOf('/') + 1);
  }
}
