package io.changelake.api.memory;

import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableSink;
import io.changelake.api.spi.WriteMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A sink that keeps its tables in memory, for unit tests of what drives sinks. Its tables keep every
 * version with its commit properties, like a real format, and outlive {@link #close()}: open the same
 * instance again to play a restart.
 */
public final class MemorySink implements TableSink {
  private final Map<TableId, MemoryTable> tables = new TreeMap<>();

  @Override
  public String format() {
    return "memory";
  }

  @Override
  public synchronized SinkTable open(TableId id, TableSchema schema, WriteMode mode) {
    MemoryTable table = tables.computeIfAbsent(id, k -> new MemoryTable(id, schema, mode));
    if (table.mode() != mode) {
      throw new SinkException("Table " + id + " was created in " + table.mode() + " mode and cannot take "
          + mode + " rows. Drop it or choose another table name.");
    }
    table.opened();
    return table;
  }

  @Override
  public synchronized Optional<SinkTable> find(TableId id) {
    MemoryTable table = tables.get(id);
    if (table != null) {
      table.opened();
    }
    return Optional.ofNullable(table);
  }

  /** The table {@code id}, which must exist, with its test hooks. */
  public synchronized MemoryTable table(TableId id) {
    MemoryTable table = tables.get(id);
    if (table == null) {
      throw new IllegalArgumentException("No table " + id + "; the sink holds " + tables.keySet());
    }
    return table;
  }

  @Override
  public synchronized List<TableId> listTables() {
    return new ArrayList<>(tables.keySet());
  }

  @Override
  public synchronized boolean drop(TableId id) {
    return tables.remove(id) != null;
  }

  @Override
  public void close() {
    // the tables stay, as a catalog's do
  }
}
