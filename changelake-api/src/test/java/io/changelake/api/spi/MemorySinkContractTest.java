package io.changelake.api.spi;

import io.changelake.api.memory.MemorySink;
import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
  protected Map<RowKey, Row> readBack(TableSink sink, Path warehouse, TableId id, TableSchema schema) {
    Map<RowKey, Row> rows = new LinkedHashMap<>();
    ((MemorySink) sink).table(id).rows().forEach(row -> rows.put(row.key(schema), row));
    return rows;
  }
}
