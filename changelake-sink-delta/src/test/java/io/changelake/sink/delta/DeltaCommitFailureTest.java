package io.changelake.sink.delta;

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
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaCommitFailureTest {
  private static final TableId ID = TableId.parse("shop.items");
  private static final TableSchema SCHEMA = new TableSchema(
      List.of(Column.of("id", DataType.LONG, false), Column.of("v", DataType.STRING, true)), List.of("id"));

  @Test
  void aFailedWriteOfTheCommitFileIsRetriedByKernel(@TempDir Path dir) {
    FailingEngine engine = new FailingEngine();
    try (DeltaSink sink = DeltaSink.create(DeltaSinkConfig.local(dir), engine)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      engine.failNextCommit(FailingEngine.Failure.BEFORE_WRITE);
      Lake.commit(table, "p1", w -> w.upsert(Row.of(1L, "a")));
      assertEquals("p1", table.lastCommit().orElseThrow().position());
      assertEquals(List.of(Row.of(1L, "a")), Lake.scan(table, null));
    }
  }

  @Test
  void unknownOutcomeKeepsFilesAndIsReported(@TempDir Path dir) throws IOException {
    FailingEngine engine = new FailingEngine();
    try (DeltaSink sink = DeltaSink.create(DeltaSinkConfig.local(dir), engine)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      engine.failNextCommit(FailingEngine.Failure.AFTER_WRITE);
      try (TableWriter w = table.newWriter()) {
        w.upsert(Row.of(1L, "a"));
        CommitStateUnknownException e = assertThrows(CommitStateUnknownException.class,
            () -> w.commit(Lake.position("p1")));
        assertTrue(e.getMessage().contains("changelake snapshots shop.items"), e.getMessage());
        w.abort();  // must not delete: the commit landed
      }
      assertEquals("p1", table.lastCommit().orElseThrow().position());
      assertEquals(List.of(Row.of(1L, "a")), Lake.scan(table, null));
      assertEquals(1, DeltaUpsertTest.parquetFiles(dir));
    }
  }
}
