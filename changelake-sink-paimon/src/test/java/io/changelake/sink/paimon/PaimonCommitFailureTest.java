package io.changelake.sink.paimon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.CommitStateUnknownException;
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

class PaimonCommitFailureTest {
  private static final TableId ID = TableId.parse("shop.items");
  private static final TableSchema SCHEMA = new TableSchema(
      List.of(Column.of("id", DataType.LONG, false), Column.of("v", DataType.STRING, true)), List.of("id"));

  @TempDir
  Path dir;

  private PaimonSink sink() {
    return PaimonSink.create(PaimonSinkConfig.parse(Map.of("warehouse", "failing://" + dir),
        Map.of("commit.max-retries", "2", "commit.min-retry-wait", "1 ms", "commit.max-retry-wait", "5 ms")));
  }

  @AfterEach
  void reset() {
    FailingFileIO.failNext(FailingFileIO.Failure.NONE, 0);
  }

  @Test
  void aSnapshotThatLandedDespiteAnErrorCountsOnce() {
    try (PaimonSink sink = sink()) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      FailingFileIO.failNext(FailingFileIO.Failure.AFTER_WRITE, 1);
      Lake.commit(table, "p1", w -> w.upsert(Row.of(1L, "a")));
      assertEquals("p1", table.lastCommit().orElseThrow().position());
      assertEquals(List.of(Row.of(1L, "a")), Lake.scan(table, null));
    }
  }

  @Test
  void transientFailuresAreRetriedByPaimon() {
    try (PaimonSink sink = sink()) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      FailingFileIO.failNext(FailingFileIO.Failure.BEFORE_WRITE, 1);
      Lake.commit(table, "p1", w -> w.upsert(Row.of(1L, "a")));
      assertEquals("p1", table.lastCommit().orElseThrow().position());
    }
  }

  @Test
  void lastingFailureIsAnUnknownOutcomeAndKeepsFiles() throws IOException {
    try (PaimonSink sink = sink()) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      Lake.commit(table, "p1", w -> w.upsert(Row.of(1L, "a")));
      long before = parquetFiles();
      FailingFileIO.failNext(FailingFileIO.Failure.BEFORE_WRITE, 100);
      try (TableWriter w = table.newWriter()) {
        w.upsert(Row.of(2L, "b"));
        CommitStateUnknownException e = assertThrows(CommitStateUnknownException.class,
            () -> w.commit(Lake.position("p2")));
        assertTrue(e.getMessage().contains("changelake snapshots shop.items"), e.getMessage());
        w.abort();  // must not delete: the outcome is unknown
      }
      assertTrue(parquetFiles() > before, "no cleanup on an unknown outcome");
      FailingFileIO.failNext(FailingFileIO.Failure.NONE, 0);
      assertEquals("p1", table.lastCommit().orElseThrow().position());
      assertEquals(List.of(Row.of(1L, "a")), Lake.scan(table, null));
    }
  }

  private long parquetFiles() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.toString().endsWith(".parquet")).count();
    }
  }
}
