package io.changelake.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.changelake.core.model.Column;
import io.changelake.core.model.DataType;
import io.changelake.core.model.Row;
import io.changelake.core.model.RowKey;
import io.changelake.core.model.TableId;
import io.changelake.core.model.TableSchema;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
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

  /** Opens the format's sink over a local warehouse folder. */
  protected abstract TableSink open(Path warehouse);

  /** The table's current rows by key, read with the format's own reader (not through the sink). */
  protected abstract Map<RowKey, Row> readBack(TableSink sink, Path warehouse, TableId id, TableSchema schema);

  private static void commit(SinkTable table, String position, Consumer<TableWriter> body) {
    try (TableWriter writer = table.newWriter()) {
      body.accept(writer);
      writer.commit(new CommitMetadata(position, true, "test", null));
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
}
