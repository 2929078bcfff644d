package io.changelake.sink.paimon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableWriter;
import io.changelake.api.spi.WriteMode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.paimon.table.FileStoreTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Partitioned primary-key tables: rows that move partition and key-only deletes leave nothing behind. */
class PaimonPartitionTest {
  private static final TableId ID = TableId.parse("shop.customers");
  private static final TableSchema SCHEMA = new TableSchema(List.of(
      Column.of("id", DataType.LONG, false), Column.of("region", DataType.STRING, false),
      Column.of("name", DataType.STRING, true)), List.of("id"));
  private static final List<String> REGIONS = List.of("eu", "us", "apac");

  private static PaimonSink sink(Path dir, String partitionKeys) {
    return PaimonSink.create(PaimonSinkConfig.local(dir, Map.of(),
        Map.of(PaimonSinkConfig.PARTITION_KEYS, partitionKeys, "bucket", "2")));
  }

  private static PaimonSink appendSink(Path dir, Map<String, String> tableConf) {
    Map<String, String> conf = new HashMap<>(tableConf);
    conf.put(PaimonSinkConfig.PARTITION_KEYS, "region");
    return PaimonSink.create(PaimonSinkConfig.local(dir, Map.of(), conf));
  }

  @Test
  void rowMovingPartitionAndKeyOnlyDeleteLeaveNoStaleRow(@TempDir Path dir) {
    try (PaimonSink sink = sink(dir, "region")) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      FileStoreTable paimon = Lake.load(sink, ID);
      assertEquals(List.of("region"), paimon.partitionKeys());
      assertEquals(List.of("id", "region"), paimon.primaryKeys());
      assertEquals(SCHEMA, table.schema(), "changelake's key stays [id]");

      Map<RowKey, Row> expected = new HashMap<>();
      Lake.commit(table, "1", w -> {
        for (long k = 1; k <= 30; k++) {
          Row row = Row.of(k, REGIONS.get((int) k % 3), "v1");
          w.insert(row);
          expected.put(row.key(SCHEMA), row);
        }
      });
      check(sink, table, expected);

      Lake.commit(table, "2", w -> {
        Row moved = Row.of(1L, "apac", "moved");  // was us
        w.upsert(moved);
        expected.put(moved.key(SCHEMA), moved);
        w.delete(new RowKey(List.of(2L)));  // key only: the row lives in apac
        expected.remove(new RowKey(List.of(2L)));
        Row stays = Row.of(3L, "eu", "same partition");
        w.upsert(stays);
        expected.put(stays.key(SCHEMA), stays);
        Row fresh = Row.of(100L, "us", "new");
        w.upsert(fresh);
        expected.put(fresh.key(SCHEMA), fresh);
        w.delete(new RowKey(List.of(999L)));  // absent
      });
      check(sink, table, expected);
      assertEquals(Row.of(1L, "apac", "moved"), table.lookup(List.of(new RowKey(List.of(1L))))
          .get(new RowKey(List.of(1L))));

      Random random = new Random(7);
      for (int c = 3; c <= 6; c++) {
        int commit = c;
        Lake.commit(table, String.valueOf(c), w -> {
          for (long k = 1 + random.nextInt(3); k <= 40; k += 1 + random.nextInt(3)) {
            if (random.nextInt(4) == 0) {
              w.delete(new RowKey(List.of(k)));
              expected.remove(new RowKey(List.of(k)));
            } else {
              Row row = Row.of(k, REGIONS.get(random.nextInt(3)), "c" + commit);
              w.upsert(row);
              expected.put(row.key(SCHEMA), row);
            }
          }
        });
        check(sink, table, expected);
      }
    }
  }

  @Test
  void overwriteReplacesEveryPartitionEvenWithNoRows(@TempDir Path dir) {
    try (PaimonSink sink = sink(dir, "region")) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      Lake.commit(table, "1", w -> {
        for (long k = 1; k <= 30; k++) {
          w.insert(Row.of(k, REGIONS.get((int) k % 3), "v1"));
        }
      });
      // a new initial snapshot whose rows fall in one partition: the others' rows are gone too
      Row kept = Row.of(7L, "eu", "resnapshot");
      Lake.commit(table, "2", w -> {
        w.overwrite();
        w.insert(kept);
      });
      check(sink, table, Map.of(kept.key(SCHEMA), kept));
      // a truncation: no rows at all
      Lake.commit(table, "3", TableWriter::overwrite);
      check(sink, table, Map.of());
    }
  }

  @Test
  void partitionColumnInsideTheKeyNeedsNoLookup(@TempDir Path dir) {
    TableSchema keyed = SCHEMA.withPrimaryKey(List.of("region", "id"));
    try (PaimonSink sink = sink(dir, "region")) {
      SinkTable table = sink.open(ID, keyed, WriteMode.UPSERT);
      assertEquals(List.of("region", "id"), Lake.load(sink, ID).primaryKeys());
      Lake.commit(table, "1", w -> {
        w.insert(Row.of(1L, "eu", "a"));
        w.insert(Row.of(1L, "us", "b"));
      });
      Lake.commit(table, "2", w -> {
        w.delete(new RowKey(List.of("eu", 1L)));
        w.upsert(Row.of(1L, "us", "b2"));
      });
      assertEquals(List.of(Row.of(1L, "us", "b2")), Lake.scan(table, null));
    }
  }

  @Test
  void appendTablesPartitionToo(@TempDir Path dir) {
    TableSchema log = new TableSchema(List.of(SCHEMA.column(0), SCHEMA.column(1).asNullable(), SCHEMA.column(2)),
        List.of());
    try (PaimonSink sink = appendSink(dir, Map.of("bucket", "2"))) {
      SinkException e = assertThrows(SinkException.class, () -> sink.open(ID, log, WriteMode.APPEND));
      assertTrue(e.getMessage().contains("bucket-key"), e.getMessage());
    }
    try (PaimonSink sink = appendSink(dir, Map.of())) {
      SinkTable table = sink.open(ID, log, WriteMode.APPEND);
      Lake.commit(table, "1", w -> {
        w.insert(Row.of(1L, "eu", "a"));
        w.insert(Row.of(1L, null, "b"));
      });
      assertEquals(List.of("region"), Lake.load(sink, ID).partitionKeys());
      assertEquals(2, Lake.records(Lake.load(sink, ID)).size());
    }
  }

  @Test
  void badPartitionColumnsAreRefused(@TempDir Path dir) {
    try (PaimonSink sink = sink(dir, "regio")) {
      SinkException e = assertThrows(SinkException.class, () -> sink.open(ID, SCHEMA, WriteMode.UPSERT));
      assertTrue(e.getMessage().contains("'regio'") && e.getMessage().contains("--partition_keys"), e.getMessage());
    }
    try (PaimonSink sink = sink(dir, "name")) {
      SinkException e = assertThrows(SinkException.class, () -> sink.open(ID, SCHEMA, WriteMode.UPSERT));
      assertTrue(e.getMessage().contains("NOT NULL"), e.getMessage());
      assertTrue(sink.listTables().isEmpty());
    }
  }

  private static void check(PaimonSink sink, SinkTable table, Map<RowKey, Row> expected) {
    assertEquals(expected, Lake.byKey(Lake.load(sink, ID), SCHEMA), "Paimon's reader: one row per key");
    Map<RowKey, Row> scanned = new HashMap<>();
    Lake.scan(table, null).forEach(row -> scanned.put(row.key(SCHEMA), row));
    assertEquals(expected, scanned);
  }
}
