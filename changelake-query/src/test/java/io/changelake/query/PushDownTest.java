package io.changelake.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.schema.SchemaChange;
import io.changelake.api.spi.CommitKind;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.CompactionResult;
import io.changelake.api.spi.MaintenancePolicy;
import io.changelake.api.spi.MaintenanceResult;
import io.changelake.api.spi.ReadFilter;
import io.changelake.api.spi.ReadRequest;
import io.changelake.api.spi.RowScan;
import io.changelake.api.spi.SinkProvider;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableFile;
import io.changelake.api.spi.TableSink;
import io.changelake.api.spi.TableSnapshot;
import io.changelake.api.spi.TableWriter;
import io.changelake.api.spi.WriteMode;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Filter and projection push-down: the same table in each format, written by the real sinks in four commits of
 * disjoint key ranges (so several files) plus an update and a delete; queries return the same rows, row by row, with
 * push-down as through an engine whose tables read everything, and the formats' readers hand over fewer rows.
 */
class PushDownTest {
  private static final List<String> FORMATS = List.of("iceberg", "paimon", "delta");
  private static final TableId ID = new TableId("db", "t");
  private static final int ROWS = 1000;
  private static final TableSchema SCHEMA = new TableSchema(List.of(
      Column.of("id", DataType.LONG, false), Column.of("qty", DataType.INT, false),
      Column.of("price", DataType.decimal(10, 2), false), Column.of("status", DataType.STRING, true),
      Column.of("dt", DataType.DATE, false), Column.of("ts", DataType.TIMESTAMP, true),
      Column.of("tz", DataType.TIMESTAMPTZ, true)), List.of("id"));
  private static final LocalDateTime T0 = LocalDateTime.parse("2024-01-01T12:34:56.123456");
  private static final List<String> CONDITIONS = List.of(
      "id = 777",
      "id = 10",
      "id = 20",
      "777 = id",
      "id BETWEEN 240 AND 260",
      "id IN (3, 500, 999, 20, 5000)",
      "id > 990 OR id < 3",
      "qty < 5 AND price >= 50.00",
      "price = 12.3",
      "price < 12.305",
      "status IS NULL",
      "status IS NOT NULL AND id >= 995",
      "status = 'paid' AND id < 30",
      "status = 'changed'",
      "dt = DATE '2024-02-03'",
      "dt < DATE '2024-01-05' AND status <> 'new'",
      "ts = TIMESTAMP '2024-01-01 12:34:56.123'",
      "ts = TIMESTAMP '2024-01-01 12:34:57.123456'",
      "ts > TIMESTAMP '2024-01-01 12:51:30.123' AND ts <= TIMESTAMP '2024-01-01 12:51:35.124'",
      "ts < TIMESTAMP '2024-01-01 12:35:00' OR ts IS NULL",
      "CAST(id AS VARCHAR) = '42'");

  @TempDir
  static Path warehouse;
  static List<TableSink> sinks = new ArrayList<>();
  static QueryEngine pushing;
  static QueryEngine reading;

  @BeforeAll
  static void writeTables() {
    for (String format : FORMATS) {
      TableSink sink = ServiceLoader.load(SinkProvider.class).stream().map(ServiceLoader.Provider::get)
          .filter(p -> p.format().equals(format)).findFirst().orElseThrow()
          .open(warehouse.resolve(format).toString(), Map.of(), Map.of());
      sinks.add(sink);
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      for (int part = 0; part < 4; part++) {
        int first = part * ROWS / 4;
        commit(table, w -> {
          for (long id = first; id < first + ROWS / 4; id++) {
            w.insert(row(id));
          }
        });
      }
      commit(table, w -> {
        w.upsert(Row.of(10L, 1, new BigDecimal("1.00"), "changed", LocalDate.of(2024, 1, 1), null, null));
        w.delete(new RowKey(List.of(20L)));
      });
    }
    pushing = new QueryEngine(sinks);
    reading = new QueryEngine(sinks.stream().map(ReadEverything::new).map(TableSink.class::cast).toList());
  }

  /** Row {@code id}: every seventh status null, times a second apart with microseconds, every 50th time null. */
  static Row row(long id) {
    LocalDateTime ts = id % 50 == 49 ? null : T0.plusSeconds(id).plusNanos(id * 1000);
    return Row.of(id, (int) (id % 10), BigDecimal.valueOf(id * 123 % 10_000, 2),
        id % 7 == 0 ? null : id % 2 == 0 ? "paid" : "new", LocalDate.of(2024, 1, 1).plusDays(id / 10), ts,
        ts == null ? null : ts.atOffset(ZoneOffset.UTC));
  }

  private static void commit(SinkTable table, Consumer<TableWriter> body) {
    try (TableWriter writer = table.newWriter()) {
      body.accept(writer);
      writer.commit(new CommitMetadata("p" + System.nanoTime(), true, "test", CommitKind.STREAM, null));
    }
  }

  @AfterAll
  static void close() {
    pushing.close();
    reading.close();
    sinks.forEach(TableSink::close);
  }

  @Test
  void sameRowsWithAndWithoutPushDown() {
    for (String format : FORMATS) {
      for (String condition : CONDITIONS) {
        String sql = "SELECT * FROM " + format + ".db.t WHERE " + condition + " ORDER BY id";
        List<List<Object>> expected = rows(reading, sql);
        assertEquals(expected, rows(pushing, sql), sql);
      }
      for (String condition : CONDITIONS.subList(0, 6)) {  // count(*) reads no column, sum(price) one
        String narrow = "SELECT count(*), sum(price) FROM " + format + ".db.t WHERE " + condition;
        assertEquals(rows(reading, narrow), rows(pushing, narrow), narrow);
      }
      // the conditions select something, and the update and delete hold
      assertEquals(1, rows(pushing, "SELECT * FROM " + format + ".db.t WHERE id = 777").size(), format);
      assertEquals(List.of(List.of(10L)), rows(pushing, "SELECT id FROM " + format + ".db.t WHERE status = 'changed'"));
      assertEquals(List.of(), rows(pushing, "SELECT id FROM " + format + ".db.t WHERE id = 20"));
      assertEquals(List.of(List.of(3L), List.of(500L), List.of(999L)),
          rows(pushing, "SELECT id FROM " + format + ".db.t WHERE id IN (3, 500, 999, 20, 5000) ORDER BY id"));
      assertEquals(List.of(List.of(21L)), rows(pushing, "SELECT count(*) FROM " + format + ".db.t WHERE id BETWEEN 240 AND 260"));
    }
  }

  @Test
  void timestampsKeepTheirMicroseconds() {
    for (String format : FORMATS) {
      String table = format + ".db.t";
      assertEquals(List.of(values(row(777))), rows(pushing, "SELECT * FROM " + table + " WHERE id = 777"), format);
      assertEquals(List.of(List.of(T0.plusSeconds(1).plusNanos(1000), 1L)),
          rows(pushing, "SELECT ts, id FROM " + table + " WHERE id = 1"), format);
      assertEquals(List.of(List.of(LocalDateTime.parse("2024-01-01T12:34:59.123459"),
              OffsetDateTime.parse("2024-01-01T12:34:59.123459Z"))),
          rows(pushing, "SELECT t.ts, tz FROM " + table + " t WHERE id < 4 ORDER BY ts DESC LIMIT 1"), format);
      // computed values are Calcite's, in milliseconds
      assertEquals(List.of(List.of(LocalDateTime.parse("2024-01-01T12:34:59.123"))),
          rows(pushing, "SELECT max(ts) FROM " + table + " WHERE id < 4"), format);
    }
  }

  private static List<Object> values(Row row) {
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < row.size(); i++) {
      values.add(row.get(i));
    }
    return values;
  }

  @Test
  void readersSkipWhatFiltersRuleOut() {
    for (TableSink sink : sinks) {
      SinkTable table = sink.find(ID).orElseThrow();
      assertEquals(ROWS - 1, count(table, ReadRequest.ALL), sink.format());
      ReadRequest point = new ReadRequest(List.of("id", "price"),
          List.of(new ReadFilter.Compare("id", ReadFilter.Op.EQ, 777L)));
      try (RowScan scan = table.scan(null, point)) {
        assertFalse(scan.schema().columnNames().contains("status"), sink.format() + " reads only what is asked");
        assertTrue(scan.schema().columnNames().containsAll(List.of("id", "price")), sink.format());
      }
      long read = count(table, point);
      assertTrue(read >= 1 && read <= ROWS / 4, sink.format() + " read " + read + " rows for one key");
      long range = count(table, new ReadRequest(null, List.of(new ReadFilter.Compare("id", ReadFilter.Op.GE, 900L),
          new ReadFilter.In("id", List.of(950L, 960L)))));
      assertTrue(range >= 2 && range <= ROWS / 4, sink.format() + " read " + range + " rows for two keys");
    }
  }

  private static long count(SinkTable table, ReadRequest request) {
    long n = 0;
    try (RowScan scan = table.scan(null, request)) {
      for (Row ignored : scan) {
        n++;
      }
    }
    return n;
  }

  static List<List<Object>> rows(QueryEngine engine, String sql) {
    List<List<Object>> rows = new ArrayList<>();
    try (QueryResult result = engine.execute(sql)) {
      result.forEachRemaining(rows::add);
    }
    return rows;
  }

  /** A sink whose tables ignore read requests: every query reads every column of every row. */
  private record ReadEverything(TableSink sink) implements TableSink {
    @Override
    public String format() {
      return sink.format();
    }

    @Override
    public SinkTable open(TableId id, TableSchema schema, WriteMode mode) {
      return new Whole(sink.open(id, schema, mode));
    }

    @Override
    public Optional<SinkTable> find(TableId id) {
      return sink.find(id).map(Whole::new);
    }

    @Override
    public List<TableId> listTables() {
      return sink.listTables();
    }

    @Override
    public boolean drop(TableId id) {
      return sink.drop(id);
    }

    @Override
    public void close() { }
  }

  /** A table without {@link SinkTable#scan(Long, ReadRequest)}: it reads everything. */
  private record Whole(SinkTable table) implements SinkTable {
    @Override
    public TableId id() {
      return table.id();
    }

    @Override
    public TableSchema schema() {
      return table.schema();
    }

    @Override
    public WriteMode mode() {
      return table.mode();
    }

    @Override
    public Optional<CommitMetadata> lastCommit() {
      return table.lastCommit();
    }

    @Override
    public void evolve(List<SchemaChange> changes) {
      table.evolve(changes);
    }

    @Override
    public Map<RowKey, Row> lookup(Collection<RowKey> keys) {
      return table.lookup(keys);
    }

    @Override
    public TableWriter newWriter() {
      return table.newWriter();
    }

    @Override
    public List<TableSnapshot> snapshots() {
      return table.snapshots();
    }

    @Override
    public RowScan scan(Long snapshotId) {
      return table.scan(snapshotId);
    }

    @Override
    public List<TableFile> files(Long snapshotId) {
      return table.files(snapshotId);
    }

    @Override
    public CompactionResult compact() {
      return table.compact();
    }

    @Override
    public MaintenanceResult maintain(MaintenancePolicy policy) {
      return table.maintain(policy);
    }
  }
}
