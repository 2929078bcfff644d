package io.changelake.api.spi;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link TableSink} must do, whatever its format. A format's test extends this class,
 * opens its sink and reads tables back with the format's own reader.
 */
public abstract class TableSinkContract {
  protected static final TableId ID = TableId.parse("shop.orders");
  protected static final TableSchema SCHEMA = new TableSchema(List.of(
      Column.of("id", DataType.INT, false), Column.of("qty", DataType.INT, false),
      Column.of("price", DataType.FLOAT, true), Column.of("total", DataType.decimal(10, 2), true),
      Column.of("note", DataType.STRING, false)), List.of("id"));

  /** A keyed table for upserts and deletes. */
  protected static final TableSchema PRODUCTS = new TableSchema(List.of(
      Column.of("id", DataType.LONG, false), Column.of("name", DataType.STRING, true),
      Column.of("qty", DataType.INT, true)), List.of("id"));

  /**
   * Opens the format's sink over a warehouse for {@code warehouse}: the local folder itself, or a
   * location of its own elsewhere (e.g. {@code s3://bucket/<folder name>}) that the test's
   * {@link #localFile} maps to local files.
   */
  protected abstract TableSink open(Path warehouse);

  /** The local file holding the table file at {@code location} (a path or a {@code file:} URI here). */
  protected Path localFile(String location) {
    return Path.of(location.replaceFirst("^file:(//)?", ""));
  }

  /** The table's current rows by key, read with the format's own reader (not through the sink). */
  protected abstract Map<RowKey, Row> readBack(TableSink sink, Path warehouse, TableId id, TableSchema schema);

  protected static void commit(SinkTable table, String position, Consumer<TableWriter> body) {
    try (TableWriter writer = table.newWriter()) {
      body.accept(writer);
      writer.commit(new CommitMetadata(position, true, "test", null));
    }
  }

  /**
   * Whether one writer takes several changes to the same key (an upsert, then a delete). Delta's
   * copy-on-write writer refuses that; the commit loop folds changes by key, so it never asks.
   */
  protected boolean takesAKeyTwicePerWriter() {
    return true;
  }

  /** Whether {@link SinkTable#compact()} of an upserted table commits a rewrite (false: nothing to merge). */
  protected boolean compactsUpserts() {
    return true;
  }

  /**
   * Whether the store deletes a folder tree (a dropped table's folder). False on S3Proxy 3.0's file system
   * backend: its listings leave out the size of folder markers, on which Hadoop's S3A recursive delete fails
   * (gaul/s3proxy#1093, fixed after 3.0.0); real object stores list them.
   */
  protected boolean deletesFolders() {
    return true;
  }

  /** Asserts the table holds {@code expected}, read with the format's own reader and with the sink's scan. */
  private void check(TableSink sink, Path warehouse, SinkTable table, Map<RowKey, Row> expected) {
    assertEquals(expected, readBack(sink, warehouse, table.id(), table.schema()), "table read by the format's reader");
    Map<RowKey, Row> scanned = new HashMap<>();
    try (RowScan scan = table.scan(null)) {
      scan.forEach(row -> scanned.put(row.key(table.schema()), row));
    }
    assertEquals(expected, scanned, "table read by scan()");
  }

  @Test
  void filesAreWhatReadersRead(@TempDir Path dir) {
    try (TableSink sink = open(dir)) {
      SinkTable table = sink.open(TableId.parse("shop.files"), PRODUCTS, WriteMode.UPSERT);
      assertEquals(List.of(), table.files(null), "no commit, no files");
      commit(table, "1", w -> {
        for (long k = 1; k <= 100; k++) {
          w.insert(Row.of(k, "item-" + k, (int) k));
        }
      });
      long first = table.snapshots().get(table.snapshots().size() - 1).id();
      commit(table, "2", w -> w.delete(new RowKey(List.of(7L))));
      for (Long version : Arrays.asList(first, null)) {
        List<TableFile> files = table.files(version);
        long dataRows = files.stream().filter(f -> f.content().equals("DATA")).mapToLong(TableFile::recordCount).sum();
        // the first version's data files hold its 100 rows; the latest's at least the 99 left (the delete may be a
        // delete file, a row of its own or a rewritten file, as the format does it)
        assertTrue(version == null ? dataRows >= 99 : dataRows == 100, "rows in the data files of version "
            + version + ": " + files);
        for (TableFile file : files) {
          assertTrue(Files.isRegularFile(localFile(file.path())), "file exists: " + file);
        }
      }
      assertThrows(SinkException.class, () -> table.files(123_456_789L));
    }
  }

  @Test
  void upsertsAndDeletesAcrossCommits(@TempDir Path dir) {
    try (TableSink sink = open(dir)) {
      SinkTable table = sink.open(TableId.parse("shop.products"), PRODUCTS, WriteMode.UPSERT);
      Map<RowKey, Row> expected = new LinkedHashMap<>();
      int n = 300;

      commit(table, "1", w -> {
        for (long k = 1; k <= n; k++) {
          Row row = Row.of(k, "item-" + k, (int) k);
          w.insert(row);
          expected.put(row.key(PRODUCTS), row);
        }
      });
      check(sink, dir, table, expected);

      commit(table, "2", w -> {
        for (long k = 1; k <= n; k += 3) {
          Row row = Row.of(k, "updated-" + k, null);
          w.upsert(row);
          expected.put(row.key(PRODUCTS), row);
        }
        for (long k = 2; k <= n; k += 5) {
          if (k % 3 == 1 && !takesAKeyTwicePerWriter()) {
            continue;
          }
          RowKey key = new RowKey(List.of(k));
          w.delete(key);
          expected.remove(key);
        }
        w.delete(new RowKey(List.of(10_000L)));  // absent key: no effect
      });
      check(sink, dir, table, expected);

      commit(table, "3", w -> {
        for (long k = 2; k <= 50; k += 5) {  // deleted in commit 2, back again
          Row row = Row.of(k, "reborn-" + k, -1);
          w.upsert(row);
          expected.put(row.key(PRODUCTS), row);
        }
        for (long k = n + 1; k <= n + 20; k++) {  // new keys through upsert
          Row row = Row.of(k, "new-" + k, 0);
          w.upsert(row);
          expected.put(row.key(PRODUCTS), row);
        }
      });
      check(sink, dir, table, expected);

      Random random = new Random(42);
      for (int commit = 4; commit <= 9; commit++) {
        int c = commit;
        commit(table, String.valueOf(commit), w -> {
          List<Long> keys = new ArrayList<>();
          for (int i = 0; i < 60; i++) {
            long k = 1 + random.nextInt(n + 40);
            if (!keys.contains(k)) {
              keys.add(k);
            }
          }
          for (long k : keys) {
            if (random.nextInt(3) == 0) {
              RowKey key = new RowKey(List.of(k));
              w.delete(key);
              expected.remove(key);
            } else {
              Row row = Row.of(k, "c" + c + "-" + k, c);
              w.upsert(row);
              expected.put(row.key(PRODUCTS), row);
            }
          }
        });
        check(sink, dir, table, expected);
      }
    }
  }

  @Test
  void dropRemovesTheTableAndItsFiles(@TempDir Path dir) {
    Assumptions.assumeTrue(deletesFolders(), "the test's object store cannot delete folders");
    TableId dropped = TableId.parse("shop.dropped");
    TableId kept = TableId.parse("shop.kept");
    try (TableSink sink = open(dir)) {
      SinkTable table = sink.open(dropped, PRODUCTS, WriteMode.UPSERT);
      commit(table, "1", w -> w.insert(Row.of(1L, "gone", 1)));
      List<TableFile> files = table.files(null);  // none for an in-memory table
      SinkTable other = sink.open(kept, PRODUCTS, WriteMode.UPSERT);
      commit(other, "1", w -> w.insert(Row.of(2L, "stays", 2)));

      assertTrue(sink.drop(dropped), "drop of an existing table");
      assertTrue(sink.find(dropped).isEmpty(), "dropped table not found");
      assertEquals(List.of(kept), sink.listTables(), "only the other table is left");
      for (TableFile file : files) {
        assertFalse(Files.exists(localFile(file.path())), "file purged: " + file);
      }
      assertFalse(sink.drop(dropped), "drop of a missing table");
      check(sink, dir, other, Map.of(new RowKey(List.of(2L)), Row.of(2L, "stays", 2)));

      SinkTable again = sink.open(dropped, PRODUCTS, WriteMode.UPSERT);
      assertTrue(again.lastCommit().isEmpty(), "re-created table holds no commit");
      assertEquals(Map.of(), readBack(sink, dir, dropped, PRODUCTS), "re-created table is empty");
    }
  }

  @Test
  void overwriteReplacesEveryRowInOneCommit(@TempDir Path dir) {
    try (TableSink sink = open(dir)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      commit(table, "1", w -> {
        for (int i = 0; i < 50; i++) {
          w.insert(Row.of(i, i, null, null, "old"));
        }
      });
      commit(table, "2", w -> w.delete(new RowKey(List.of(3))));
      commit(table, "3", w -> {
        w.overwrite();
        w.insert(Row.of(7, 70, null, null, "new"));
        w.insert(Row.of(100, 1, null, null, "new"));
        assertThrows(IllegalStateException.class, () -> w.upsert(Row.of(8, 8, null, null, "x")));
      });
      assertEquals(Map.of(new RowKey(List.of(7)), Row.of(7, 70, null, null, "new"),
          new RowKey(List.of(100)), Row.of(100, 1, null, null, "new")), readBack(sink, dir, ID, SCHEMA));
      assertEquals("3", table.lastCommit().orElseThrow().position());
    }
  }

  @Test
  void overwriteWithNoRowsEmptiesTheTable(@TempDir Path dir) {
    try (TableSink sink = open(dir)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      commit(table, "1", w -> {
        for (int i = 0; i < 20; i++) {
          w.insert(Row.of(i, i, null, null, "before the truncation"));
        }
      });
      commit(table, "2", TableWriter::overwrite);
      assertEquals(Map.of(), readBack(sink, dir, ID, SCHEMA));
      assertEquals("2", table.lastCommit().orElseThrow().position());
      commit(table, "3", w -> w.insert(Row.of(5, 1, null, null, "after")));
      assertEquals(Map.of(new RowKey(List.of(5)), Row.of(5, 1, null, null, "after")), readBack(sink, dir, ID, SCHEMA));
    }
  }

  @Test
  void compactionKeepsEveryRowAndTheSourcePosition(@TempDir Path dir) {
    TableId id = TableId.parse("shop.compacted");
    Map<RowKey, Row> expected = new LinkedHashMap<>();
    try (TableSink sink = open(dir)) {
      SinkTable table = sink.open(id, PRODUCTS, WriteMode.UPSERT);
      commit(table, "1", w -> {
        for (long k = 1; k <= 200; k++) {
          Row row = Row.of(k, "item-" + k, (int) k);
          w.insert(row);
          expected.put(row.key(PRODUCTS), row);
        }
      });
      for (int c = 2; c <= 4; c++) {
        int commit = c;
        commit(table, String.valueOf(c), w -> {
          Set<Long> touched = new HashSet<>();
          for (long k = commit; k <= 200; k += 7) {
            Row row = Row.of(k, "c" + commit + "-" + k, commit);
            w.upsert(row);
            expected.put(row.key(PRODUCTS), row);
            touched.add(k);
          }
          for (long k = commit + 3; k <= 200; k += 11) {
            if (touched.add(k)) {  // each key once per writer
              RowKey key = new RowKey(List.of(k));
              w.delete(key);
              expected.remove(key);
            }
          }
        });
      }

      CompactionResult result = table.compact();

      assertEquals(compactsUpserts(), result.committed(), result.toString());
      if (result.committed()) {
        assertEquals(expected.size(), result.rowsWritten(), result.toString());
      }
      check(sink, dir, table, expected);
      assertEquals("4", table.lastCommit().orElseThrow().position(), "the last sync commit's position");
      assertFalse(table.compact().committed(), "a compacted table has nothing left to compact");

      commit(table, "5", w -> {
        w.delete(new RowKey(List.of(1L)));
        expected.remove(new RowKey(List.of(1L)));
        Row row = Row.of(2L, "after", 5);
        w.upsert(row);
        expected.put(row.key(PRODUCTS), row);
      });
      check(sink, dir, table, expected);
      table.compact();
      check(sink, dir, table, expected);
    }
    try (TableSink restarted = open(dir)) {
      assertEquals("5", restarted.find(id).orElseThrow().lastCommit().orElseThrow().position(),
          "a restarted sync resumes from the last sync commit");
    }
  }
}
