package io.changelake.sink.iceberg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.CommitStateUnknownException;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableWriter;
import io.changelake.api.spi.WriteMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IcebergCommitFailureTest {
  private static final TableId ID = TableId.parse("shop.items");
  private static final TableSchema SCHEMA = new TableSchema(
      List.of(Column.of("id", DataType.LONG, false), Column.of("v", DataType.STRING, true)), List.of("id"));

  @TempDir
  Path dir;

  private IcebergSink sink() {
    return IcebergSink.create(IcebergSinkConfig.parse(
        Map.of("catalog-impl", FailingCatalog.class.getName(), "warehouse", dir.toString()),
        Map.of("commit.retry.num-retries", "3", "commit.retry.min-wait-ms", "1", "commit.retry.max-wait-ms", "5")));
  }

  @AfterEach
  void reset() {
    FailingCatalog.failNext(FailingCatalog.Failure.NONE, 0);
  }

  @Test
  void conflictsAreRetriedByIceberg() {
    try (IcebergSink sink = sink()) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      FailingCatalog.failNext(FailingCatalog.Failure.CONFLICT, 2);
      Lake.commit(table, "p1", w -> w.upsert(Row.of(1L, "a")));
      assertEquals("p1", table.lastCommit().orElseThrow().position());
      assertEquals(List.of(Row.of(1L, "a")), Lake.scan(table, null));
    }
  }

  @Test
  void lastingConflictAbortsAndCleansUp() throws IOException {
    try (IcebergSink sink = sink()) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      FailingCatalog.failNext(FailingCatalog.Failure.CONFLICT, 100);
      try (TableWriter w = table.newWriter()) {
        w.upsert(Row.of(1L, "a"));
        SinkException e = assertThrows(SinkException.class, () -> w.commit(Lake.position("p1")));
        assertTrue(e.getMessage().contains("shop.items") && e.getMessage().contains("commit.retry.num-retries"),
            e.getMessage());
      }
      assertTrue(table.snapshots().isEmpty());
      assertEquals(0, parquetFiles(), "files of a failed commit are deleted");
    }
  }

  @Test
  void unknownOutcomeKeepsFilesAndIsReported() throws IOException {
    try (IcebergSink sink = sink()) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      FailingCatalog.failNext(FailingCatalog.Failure.UNKNOWN_AFTER_COMMIT, 1);
      try (TableWriter w = table.newWriter()) {
        w.upsert(Row.of(1L, "a"));
        CommitStateUnknownException e = assertThrows(CommitStateUnknownException.class,
            () -> w.commit(Lake.position("p1")));
        assertTrue(e.getMessage().contains("changelake snapshots shop.items"), e.getMessage());
        w.abort();  // must not delete: the commit landed
      }
      // The commit did land: its files must still be there and readable.
      assertEquals("p1", table.lastCommit().orElseThrow().position());
      assertEquals(List.of(Row.of(1L, "a")), Lake.scan(table, null));

      FailingCatalog.failNext(FailingCatalog.Failure.UNKNOWN, 1);
      long before = parquetFiles();
      try (TableWriter w = table.newWriter()) {
        w.upsert(Row.of(2L, "b"));
        assertThrows(CommitStateUnknownException.class, () -> w.commit(Lake.position("p2")));
      }
      assertTrue(parquetFiles() > before, "no cleanup on an unknown outcome");
      assertEquals("p1", table.lastCommit().orElseThrow().position());
    }
  }

  private long parquetFiles() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.toString().endsWith(".parquet")).count();
    }
  }
}
