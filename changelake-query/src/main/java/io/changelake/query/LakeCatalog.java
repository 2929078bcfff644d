package io.changelake.query;

import io.changelake.api.model.TableId;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tables of a warehouse's formats: which databases and tables exist, and in which formats. Tables are
 * opened on first use and kept open for the catalog's life.
 */
final class LakeCatalog {
  private final List<TableSink> sinks;
  /** database → table name → formats holding it. */
  private final Map<String, Map<String, List<String>>> tables = new TreeMap<>();
  private final Map<String, SinkTable> opened = new ConcurrentHashMap<>();

  LakeCatalog(List<TableSink> sinks) {
    this.sinks = List.copyOf(sinks);
    for (TableSink sink : sinks) {
      for (TableId id : sink.listTables()) {
        tables.computeIfAbsent(id.namespace(), db -> new TreeMap<>())
            .computeIfAbsent(id.name(), name -> new ArrayList<>()).add(sink.format());
      }
    }
  }

  List<String> formats() {
    return sinks.stream().map(TableSink::format).toList();
  }

  TreeSet<String> databases() {
    return new TreeSet<>(tables.keySet());
  }

  /** Table name → the formats holding it, for one database (empty when there is no such database). */
  Map<String, List<String>> tables(String database) {
    return tables.getOrDefault(database, Map.of());
  }

  /** The database named {@code name}, matched exactly or else ignoring case. */
  Optional<String> database(String name) {
    return tables.containsKey(name) ? Optional.of(name)
        : tables.keySet().stream().filter(db -> db.equalsIgnoreCase(name)).findFirst();
  }

  /**
   * Opens {@code database.name} in {@code format}, or in the only format holding it when {@code format} is
   * null.
   *
   * @throws SinkException when no format holds the table, or several do and none was named
   */
  SinkTable table(String database, String name, String format) {
    List<String> in = tables(database).getOrDefault(name, List.of());
    TableId id = new TableId(database, name);
    if (format == null && in.size() > 1) {
      throw new SinkException("Table " + id + " exists in several formats (" + String.join(", ", in) + "): name one,"
          + " e.g. " + in.get(0) + "." + id + ", or pass --format.");
    }
    String chosen = format == null ? (in.isEmpty() ? null : in.get(0)) : format.toLowerCase(Locale.ROOT);
    if (chosen == null || !in.contains(chosen)) {
      throw new SinkException("No table " + (format == null ? "" : chosen + ".") + id + " in this warehouse."
          + " Run SHOW TABLES to list them.");
    }
    return opened.computeIfAbsent(chosen + ":" + id, key -> sink(chosen).find(id)
        .orElseThrow(() -> new SinkException("Table " + id + " disappeared from the " + chosen + " catalog.")));
  }

  private TableSink sink(String format) {
    return sinks.stream().filter(s -> s.format().equals(format)).findFirst().orElseThrow();
  }
}
