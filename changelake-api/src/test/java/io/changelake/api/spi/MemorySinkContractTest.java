package io.changelake.api.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.changelake.api.memory.MemorySink;
import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-memory sink passes the contract every format passes, so tests built on it hold for the
 * formats. Its "warehouse" is a sink instance per folder that outlives {@link TableSink#close()}.
 */
class MemorySinkContractTest extends TableSinkContract {
  private static final Map<Path, MemorySink> WAREHOUSES = new ConcurrentHashMap<>();

  @Override
  protected TableSink open(Path warehouse) {
    return WAREHOUSES.computeIfAbsent(warehouse, k -> new MemorySink());
  }

  @Override
  protected boolean keepsFiles() {
    return false;
  }

  /** The one contract item an in-memory table cannot meet: it keeps its rows in no file. */
  @Override
  @Test
  void filesAreWhatReadersRead(@TempDir Path dir) {
    try (TableSink sink = open(dir)) {
      SinkTable table = sink.open(TableId.parse("shop.files"), PRODUCTS, WriteMode.UPSERT);
      commit(table, "1", w -> w.insert(Row.of(1L, "item-1", 1)));
      assertEquals(List.of(), table.files(null));
      assertThrows(SinkException.class, () -> table.files(123_456_789L));
    }
  }

  @Override
  protected Map<RowKey, Row> readBack(TableSink sink, Path warehouse, TableId id, TableSchema schema) {
    Map<RowKey, Row> rows = new LinkedHashMap<>();
    ((MemorySink) sink).table(id).rows().forEach(row -> rows.put(row.key(schema), row));
    return rows;
  }
}
