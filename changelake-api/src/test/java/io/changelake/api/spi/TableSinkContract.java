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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
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
    commitAs(table, "test", position, body);
  }

  private static void commitAs(SinkTable table, String pipeline, String position, Consumer<TableWriter> body) {
    commitAs(table, pipeline, position, CommitKind.STREAM, body);
  }

  private static void commitAs(SinkTable table, String pipeline, String position, CommitKind kind,
      Consumer<TableWriter> body) {
    try (TableWriter writer = table.newWriter()) {
      body.accept(writer);
      writer.commit(new CommitMetadata(position, true, pipeline, kind, null));
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

  /** Whether the table keeps its rows in files (false: an in-memory table, which {@link #maintain} frees of none). */
  protected boolean keepsFiles() {
    return true;
  }

  /** Whether {@link SinkTable#maintain} is implemented (false: it refuses with a {@link SinkException}). */
  protected boolean maintains() {
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

  /**
   * Many commits, a compaction, then maintenance that keeps the three newest versions: the older versions are gone
   * and so are the files only they read, an orphan file older than the orphan age is deleted and a fresh one kept;
   * the table, a retained older version and the position read back as they were. Maintenance that keeps only the
   * newest version still keeps the newest pipeline commit, so a restarted sync resumes from it.
   */
  @Test
  void maintenanceExpiresOldVersionsAndTheirFiles(@TempDir Path dir) throws IOException {
    TableId id = TableId.parse("shop.maintained");
    if (!maintains()) {
      try (TableSink sink = open(dir)) {
        SinkTable table = sink.open(id, PRODUCTS, WriteMode.UPSERT);
        assertThrows(SinkException.class, () -> table.maintain(new MaintenancePolicy(Duration.ZERO, 1,
            Duration.ofHours(1), Instant.now())));
      }
      return;
    }
    Map<RowKey, Row> expected = new LinkedHashMap<>();
    Map<Long, Map<RowKey, Row>> byVersion = new HashMap<>();
    try (TableSink sink = open(dir)) {
      SinkTable table = sink.open(id, PRODUCTS, WriteMode.UPSERT);
      for (int c = 1; c <= 8; c++) {
        int commit = c;
        commit(table, String.valueOf(c), w -> {
          for (long k = 1; k <= 40; k++) {
            RowKey key = new RowKey(List.of(k));
            if (k == commit * 4L) {
              w.delete(key);
              expected.remove(key);
            } else if (commit == 1 || (k + commit) % 3 == 0) {
              Row row = Row.of(k, "c" + commit + "-" + k, commit);
              w.upsert(row);
              expected.put(key, row);
            }
          }
        });
        byVersion.put(newest(table).id(), new LinkedHashMap<>(expected));
        if (c == 6) {
          table.compact();
          byVersion.put(newest(table).id(), new LinkedHashMap<>(expected));
        }
      }
      long lastSyncCommit = newest(table).id();
      boolean compacted = table.compact().committed();
      List<TableSnapshot> before = table.snapshots();
      Set<String> filesBefore = new HashSet<>();
      before.forEach(v -> table.files(v.id()).forEach(f -> filesBefore.add(f.path())));
      // files written beside the table's own, as a crashed commit leaves them
      Path folder = keepsFiles() ? localFile(table.files(null).get(0).path()).getParent() : dir;
      Path oldOrphan = Files.writeString(folder.resolve("orphan-old.parquet"), "left by a crashed commit");
      Files.setLastModifiedTime(oldOrphan, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
      Path newOrphan = Files.writeString(folder.resolve("orphan-new.parquet"), "a commit being written");

      MaintenanceResult result = table.maintain(new MaintenancePolicy(Duration.ZERO, 3, Duration.ofHours(1),
          Instant.now()));

      List<TableSnapshot> after = table.snapshots();
      assertEquals(before.subList(before.size() - 3, before.size()), after, "the three newest versions are kept");
      assertEquals(before.size() - 3, result.versionsExpired(), result.toString());
      assertThrows(SinkException.class, () -> table.scan(before.get(0).id()).close(), "an expired version");
      check(sink, dir, table, expected);
      assertEquals("8", table.lastCommit().orElseThrow().position());
      // the oldest retained version a commit ended with (a format may make two per commit: Paimon's append and
      // compaction snapshots with deletion vectors, the first of which its readers see without the new rows)
      long oldestKept = after.stream().map(TableSnapshot::id).filter(byVersion::containsKey).findFirst()
          .orElseThrow(() -> new AssertionError("no retained version is one a commit ended with: " + after));
      Map<RowKey, Row> timeTravel = new HashMap<>();
      try (RowScan scan = table.scan(oldestKept)) {
        scan.forEach(row -> timeTravel.put(row.key(PRODUCTS), row));
      }
      assertEquals(byVersion.get(oldestKept), timeTravel, "time travel to the oldest retained version");
      if (keepsFiles()) {
        Set<String> retained = new HashSet<>();
        after.forEach(v -> table.files(v.id()).forEach(f -> retained.add(f.path())));
        Set<String> expired = new HashSet<>(filesBefore);
        expired.removeAll(retained);
        assertFalse(expired.isEmpty(), "the expired versions read files the retained ones do not");
        for (String file : expired) {
          assertFalse(Files.exists(localFile(file)), "a file only expired versions read is deleted: " + file);
        }
        for (String file : retained) {
          assertTrue(Files.isRegularFile(localFile(file)), "a file a retained version reads is kept: " + file);
        }
        // at least those: a delete file that applies to no data file is in no reader's list, yet deleted too
        assertTrue(result.filesDeleted() >= expired.size(), expired.size() + " files only expired versions read, "
            + result);
        assertFalse(Files.exists(oldOrphan), "an orphan older than the orphan age is deleted");
        assertEquals(1, result.orphansDeleted(), result.toString());
      }
      assertTrue(Files.exists(newOrphan), "a file younger than the orphan age is kept");
      Files.deleteIfExists(newOrphan);
      Files.deleteIfExists(oldOrphan);

      table.maintain(new MaintenancePolicy(Duration.ZERO, 1, Duration.ofHours(1), Instant.now()));
      assertEquals(lastSyncCommit, table.snapshots().get(0).id(), "the newest pipeline commit is kept");
      assertEquals(compacted ? 2 : 1, table.snapshots().size());
      check(sink, dir, table, expected);
    }
    try (TableSink restarted = open(dir)) {
      SinkTable table = restarted.find(id).orElseThrow();
      assertEquals("8", table.lastCommit().orElseThrow().position(), "a restarted sync resumes after maintenance");
      commit(table, "9", w -> {
        Row row = Row.of(100L, "after maintenance", 9);
        w.upsert(row);
        expected.put(row.key(PRODUCTS), row);
      });
      check(restarted, dir, table, expected);
    }
  }

  /**
   * Orphan removal alone, every version retained: of two files no version references, written among the table's
   * data files, the one older than the orphan age (left by a crashed commit) is deleted and the young one (a commit
   * being written) is kept; every file a version reads is kept, and every version reads as it was committed.
   */
  @Test
  void maintenanceDeletesOnlyOldOrphans(@TempDir Path dir) throws IOException {
    Assumptions.assumeTrue(keepsFiles() && maintains(), "the table keeps no files or is not maintained");
    try (TableSink sink = open(dir)) {
      SinkTable table = sink.open(TableId.parse("shop.orphans"), PRODUCTS, WriteMode.UPSERT);
      Map<RowKey, Row> expected = new LinkedHashMap<>();
      Map<Long, Map<RowKey, Row>> byVersion = new LinkedHashMap<>();
      for (int c = 1; c <= 3; c++) {
        int commit = c;
        commit(table, String.valueOf(c), w -> {
          for (long k = commit; k <= 30; k += commit) {
            Row row = Row.of(k, "c" + commit + "-" + k, commit);
            w.upsert(row);
            expected.put(row.key(PRODUCTS), row);
          }
          if (commit > 1) {
            RowKey gone = new RowKey(List.of(commit * 10L + 1));
            w.delete(gone);
            expected.remove(gone);
          }
        });
        byVersion.put(newest(table).id(), new LinkedHashMap<>(expected));
      }
      Set<String> referenced = new HashSet<>();
      table.snapshots().forEach(v -> table.files(v.id()).forEach(f -> referenced.add(f.path())));
      Path folder = localFile(table.files(null).get(0).path()).getParent();
      Path crashed = Files.writeString(folder.resolve("orphan-of-a-crashed-commit.parquet"), "never committed");
      Files.setLastModifiedTime(crashed, FileTime.from(Instant.now().minus(Duration.ofHours(3))));
      Path inFlight = Files.writeString(folder.resolve("orphan-of-a-commit-in-flight.parquet"), "not committed yet");

      MaintenanceResult result = table.maintain(new MaintenancePolicy(Duration.ofDays(1), 100, Duration.ofHours(1),
          Instant.now()));

      assertEquals(new MaintenanceResult(0, 0, 1), result, "one orphan deleted, nothing expired");
      assertFalse(Files.exists(crashed), "an orphan older than the orphan age is deleted");
      assertTrue(Files.exists(inFlight), "a file younger than the orphan age is kept");
      for (String file : referenced) {
        assertTrue(Files.isRegularFile(localFile(file)), "a file a version reads is kept: " + file);
      }
      for (Map.Entry<Long, Map<RowKey, Row>> version : byVersion.entrySet()) {
        Map<RowKey, Row> rows = new HashMap<>();
        try (RowScan scan = table.scan(version.getKey())) {
          scan.forEach(row -> rows.put(row.key(PRODUCTS), row));
        }
        assertEquals(version.getValue(), rows, "version " + version.getKey() + " reads as committed");
      }
      check(sink, dir, table, expected);
    }
  }

  /**
   * A commit of each kind reads back with its kind, through {@link SinkTable#lastCommit()} and in its version's
   * summary, also from a sink opened afterwards; a compaction records none and leaves the last commit's kind.
   */
  @Test
  void everyKindOfCommitReadsBackWithItsKind(@TempDir Path dir) {
    TableId id = TableId.parse("shop.kinds");
    List<CommitKind> kinds = List.of(CommitKind.SNAPSHOT, CommitKind.STREAM, CommitKind.REPAIR, CommitKind.RESET,
        CommitKind.STREAM);
    Map<String, String> expected = new LinkedHashMap<>();
    try (TableSink sink = open(dir)) {
      SinkTable table = sink.open(id, PRODUCTS, WriteMode.UPSERT);
      for (int c = 0; c < kinds.size(); c++) {
        CommitKind kind = kinds.get(c);
        long key = c;
        commitAs(table, "test", "p" + c, kind, w -> {
          if (kind == CommitKind.RESET) {
            w.overwrite();
          }
          w.insert(Row.of(key, kind.label(), (int) key));
        });
        expected.put("p" + c, kind.label());
        CommitMetadata last = table.lastCommit().orElseThrow();
        assertEquals(List.of("p" + c, kind), List.of(last.position(), last.kind()));
        assertEquals(kind.label(), newest(table).summary().get(CommitMetadata.KIND), newest(table).toString());
      }
      table.compact();
      assertEquals(CommitKind.STREAM, table.lastCommit().orElseThrow().kind(), "a compaction records no kind");
    }
    try (TableSink reopened = open(dir)) {
      SinkTable table = reopened.find(id).orElseThrow();
      assertEquals(CommitKind.STREAM, table.lastCommit().orElseThrow().kind());
      Map<String, String> recorded = new LinkedHashMap<>();
      for (TableSnapshot version : table.snapshots()) {
        if (version.summary().containsKey(CommitMetadata.POSITION)) {
          recorded.put(version.summary().get(CommitMetadata.POSITION), version.summary().get(CommitMetadata.KIND));
        }
      }
      assertEquals(expected, recorded, "each pipeline commit's kind by its position");
    }
  }

  /**
   * Two pipelines (two sinks, as two processes) open a new table before either commits, the second with a writer
   * already holding rows: the first to commit owns the table; the second's commit, and a later one, are refused
   * naming both pipelines, and the table holds exactly the first one's rows, which it goes on writing.
   */
  @Test
  void ofTwoPipelinesRacingForATableTheFirstToCommitWritesIt(@TempDir Path dir) {
    TableId id = TableId.parse("shop.raced");
    try (TableSink first = open(dir); TableSink second = open(dir)) {
      SinkTable winner = first.open(id, PRODUCTS, WriteMode.UPSERT);
      SinkTable loser = second.open(id, PRODUCTS, WriteMode.UPSERT);
      Map<RowKey, Row> expected = new LinkedHashMap<>();
      try (TableWriter late = loser.newWriter()) {
        for (long k = 1; k <= 20; k++) {
          late.insert(Row.of(k, "loser-" + k, 0));
        }
        commitAs(winner, "pipeline-a", "1", w -> {
          for (long k = 1; k <= 30; k++) {
            Row row = Row.of(k, "winner-" + k, (int) k);
            w.insert(row);
            expected.put(row.key(PRODUCTS), row);
          }
        });
        OwnerConflictException refused = assertThrows(OwnerConflictException.class,
            () -> late.commit(new CommitMetadata("7", true, "pipeline-b", CommitKind.STREAM, null)));
        assertEquals(List.of(id, "pipeline-a", "pipeline-b"),
            List.of(refused.table(), refused.owner(), refused.pipeline()), refused.getMessage());
        assertTrue(refused.getMessage().contains("'pipeline-a'") && refused.getMessage().contains("'pipeline-b'"),
            refused.getMessage());
      }
      OwnerConflictException again = assertThrows(OwnerConflictException.class,
          () -> commitAs(loser, "pipeline-b", "8", w -> w.insert(Row.of(99L, "loser", 0))));
      assertEquals("pipeline-a", again.owner());
      check(first, dir, winner, expected);
      assertEquals("pipeline-a", winner.lastCommit().orElseThrow().pipeline());
      assertEquals("1", winner.lastCommit().orElseThrow().position());

      commitAs(winner, "pipeline-a", "2", w -> {
        Row row = Row.of(5L, "winner again", 5);
        w.upsert(row);
        expected.put(row.key(PRODUCTS), row);
      });
      check(first, dir, winner, expected);
    }
  }

  /**
   * A pipeline that opens a table after its owner's last commit (a take-over, which the pipeline decides before it
   * opens) commits after that commit; the former owner, still holding the table, is then refused.
   */
  @Test
  void aPipelineTakingATableOverCommitsAfterTheFormerOwner(@TempDir Path dir) {
    TableId id = TableId.parse("shop.taken");
    try (TableSink first = open(dir); TableSink second = open(dir)) {
      SinkTable former = first.open(id, PRODUCTS, WriteMode.UPSERT);
      Map<RowKey, Row> expected = new LinkedHashMap<>();
      commitAs(former, "pipeline-a", "1", w -> {
        Row row = Row.of(1L, "by a", 1);
        w.insert(row);
        expected.put(row.key(PRODUCTS), row);
      });
      SinkTable taker = second.open(id, PRODUCTS, WriteMode.UPSERT);
      commitAs(taker, "pipeline-b", "2", w -> {
        Row row = Row.of(2L, "by b", 2);
        w.insert(row);
        expected.put(row.key(PRODUCTS), row);
      });
      OwnerConflictException refused = assertThrows(OwnerConflictException.class,
          () -> commitAs(former, "pipeline-a", "3", w -> w.insert(Row.of(3L, "by a again", 3))));
      assertEquals("pipeline-b", refused.owner());
      check(second, dir, taker, expected);
      assertEquals("pipeline-b", taker.lastCommit().orElseThrow().pipeline());
    }
  }

  @Test
  void lookupHonoursDeletes(@TempDir Path dir) {
    try (TableSink sink = open(dir)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      commit(table, "1", w -> {
        for (int i = 0; i < 1200; i++) {
          w.insert(Row.of(i, i, null, null, "v1"));
        }
      });
      commit(table, "2", w -> {
        w.delete(new RowKey(List.of(5)));
        w.upsert(Row.of(6, 60, null, null, "v2"));
      });
      List<RowKey> keys = new ArrayList<>();
      for (int i = 0; i < 1100; i++) {
        keys.add(new RowKey(List.of(i)));
      }
      keys.add(new RowKey(List.of(99_999)));
      Map<RowKey, Row> found = table.lookup(keys);
      assertEquals(1099, found.size());
      assertFalse(found.containsKey(new RowKey(List.of(5))));
      assertEquals(Row.of(6, 60, null, null, "v2"), found.get(new RowKey(List.of(6))));
      assertEquals(Row.of(7, 7, null, null, "v1"), found.get(new RowKey(List.of(7))));
    }
  }

  @Test
  void lookupTakesCompositeKeysInKeyOrder(@TempDir Path dir) {
    TableSchema schema = new TableSchema(List.of(Column.of("a", DataType.STRING, false),
        Column.of("d", DataType.TIMESTAMP, false), Column.of("v", DataType.INT, true)), List.of("d", "a"));
    java.time.LocalDateTime t = java.time.LocalDateTime.parse("2025-01-01T00:00:00.000001");
    try (TableSink sink = open(dir)) {
      SinkTable table = sink.open(ID, schema, WriteMode.UPSERT);
      commit(table, "1", w -> {
        w.insert(Row.of("x", t, 1));
        w.insert(Row.of("y", t, 2));
        w.insert(Row.of("x", t.plusSeconds(1), 3));
      });
      commit(table, "2", w -> w.delete(new RowKey(List.of(t, "y"))));
      Map<RowKey, Row> found = table.lookup(List.of(new RowKey(List.of(t, "x")), new RowKey(List.of(t, "y"))));
      assertEquals(Map.of(new RowKey(List.of(t, "x")), Row.of("x", t, 1)), found);
    }
  }

  @Test
  void everyRetainedVersionReadsAsItWasCommitted(@TempDir Path dir) {
    try (TableSink sink = open(dir)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      commit(table, "1", w -> {
        w.insert(Row.of(1, 1, null, null, "one"));
        w.insert(Row.of(2, 2, null, null, "two"));
      });
      commit(table, "2", w -> {
        w.delete(new RowKey(List.of(1)));
        w.upsert(Row.of(2, 22, null, null, "two!"));
        w.insert(Row.of(3, 3, null, null, "three"));
      });
      List<TableSnapshot> versions = table.snapshots();
      for (int i = 1; i < versions.size(); i++) {
        assertFalse(versions.get(i).committedAt().isBefore(versions.get(i - 1).committedAt()), "oldest first");
      }
      TableSnapshot first = versions.stream().filter(v -> "1".equals(v.summary().get(CommitMetadata.POSITION)))
          .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no version carries position 1: " + versions));
      assertEquals(rows(Row.of(1, 1, null, null, "one"), Row.of(2, 2, null, null, "two")), scan(table, first.id()));
      assertEquals(rows(Row.of(2, 22, null, null, "two!"), Row.of(3, 3, null, null, "three")),
          scan(table, newest(table).id()));
      SinkException e = assertThrows(SinkException.class, () -> scan(table, 12_345L));
      assertTrue(e.getMessage().contains("changelake snapshots " + ID), e.getMessage());
    }
  }

  @Test
  void reopenedTableHasTheSameSchemaAndKeyOrder(@TempDir Path dir) {
    TableSchema composite = new TableSchema(List.of(
        Column.of("a", DataType.STRING, false), Column.of("b", DataType.LONG, false),
        Column.of("v", DataType.decimal(10, 2), true), Column.of("at", DataType.TIME, false)), List.of("b", "a"));
    TableId id = TableId.parse("db.composite");
    try (TableSink sink = open(dir)) {
      sink.open(id, composite, WriteMode.UPSERT);
    }
    try (TableSink sink = open(dir)) {
      assertEquals(composite, sink.find(id).orElseThrow().schema());
      assertEquals(composite, sink.open(id, composite, WriteMode.UPSERT).schema());
    }
  }

  @Test
  void unavailablePlaceholderNeverReachesAFile(@TempDir Path dir) {
    try (TableSink sink = open(dir)) {
      SinkTable table = sink.open(ID, PRODUCTS, WriteMode.UPSERT);
      List<TableSnapshot> before = table.snapshots();
      try (TableWriter writer = table.newWriter()) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> writer.upsert(Row.of(1L, Row.UNAVAILABLE, 1)));
        assertTrue(e.getMessage().contains("'name'"), e.getMessage());
      }
      assertEquals(before, table.snapshots(), "nothing committed");
    }
  }

  @Test
  void compositeKeysWithRequiredColumns(@TempDir Path dir) {
    TableSchema composite = new TableSchema(List.of(
        Column.of("region", DataType.STRING, false), Column.of("v", DataType.DOUBLE, true),
        Column.of("day", DataType.DATE, false), Column.of("n", DataType.LONG, false),
        Column.of("note", DataType.STRING, false)), List.of("region", "n", "day"));
    TableId id = TableId.parse("sales.daily");
    try (TableSink sink = open(dir)) {
      SinkTable table = sink.open(id, composite, WriteMode.UPSERT);
      Map<RowKey, Row> expected = new HashMap<>();
      java.time.LocalDate day = java.time.LocalDate.of(2025, 1, 1);
      commit(table, "1", w -> {
        for (String region : List.of("eu", "us", "apac")) {
          for (long n = 0; n < 30; n++) {
            Row row = Row.of(region, (double) n, day.plusDays(n % 3), n, "v1");
            w.insert(row);
            expected.put(row.key(composite), row);
          }
        }
      });
      check(sink, dir, table, expected);
      commit(table, "2", w -> {
        for (long n = 0; n < 30; n += 2) {
          Row row = Row.of("eu", -1.0 * n, day.plusDays(n % 3), n, "v2");  // same key, new value
          w.upsert(row);
          expected.put(row.key(composite), row);
          RowKey gone = new RowKey(List.of("us", n, day.plusDays(n % 3)));  // key order: region, n, day
          w.delete(gone);  // 'note' is required: a delete by key alone must still pass
          expected.remove(gone);
          w.delete(new RowKey(List.of("apac", n, day.plusDays(7))));  // same region and n, no such day: no row
        }
      });
      check(sink, dir, table, expected);
      commit(table, "3", w -> {
        Row back = Row.of("us", 99.0, day, 0L, "back");
        w.upsert(back);
        expected.put(back.key(composite), back);
      });
      check(sink, dir, table, expected);
    }
  }

  @Test
  void appendTableTakesRowsOnly(@TempDir Path dir) {
    TableSchema log = new TableSchema(List.of(Column.of("op", DataType.STRING, false),
        Column.of("id", DataType.LONG, true)), List.of());
    try (TableSink sink = open(dir)) {
      SinkTable table = sink.open(TableId.parse("audit.log"), log, WriteMode.APPEND);
      commit(table, "1", w -> {
        w.insert(Row.of("c", 1L));
        w.insert(Row.of("d", 1L));
      });
      commit(table, "2", w -> w.insert(Row.of("c", 1L)));
      List<String> rows = new ArrayList<>();
      try (RowScan scan = table.scan(null)) {
        scan.forEach(row -> rows.add(row.get(0) + ":" + row.get(1)));
      }
      rows.sort(null);
      assertEquals(List.of("c:1", "c:1", "d:1"), rows, "the same row twice is two rows");
      try (TableWriter w = table.newWriter()) {
        assertThrows(UnsupportedOperationException.class, () -> w.delete(new RowKey(List.of(1L))));
        assertThrows(UnsupportedOperationException.class, () -> w.upsert(Row.of("u", 1L)));
      }
    }
  }

  private static Map<RowKey, Row> rows(Row... rows) {
    Map<RowKey, Row> byKey = new HashMap<>();
    Arrays.stream(rows).forEach(row -> byKey.put(row.key(SCHEMA), row));
    return byKey;
  }

  private static Map<RowKey, Row> scan(SinkTable table, Long snapshotId) {
    Map<RowKey, Row> rows = new HashMap<>();
    try (RowScan scan = table.scan(snapshotId)) {
      scan.forEach(row -> rows.put(row.key(SCHEMA), row));
    }
    return rows;
  }

  private static TableSnapshot newest(SinkTable table) {
    List<TableSnapshot> versions = table.snapshots();
    return versions.get(versions.size() - 1);
  }
}
