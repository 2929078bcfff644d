package io.changelake.sink.iceberg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.schema.SchemaChange;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.WriteMode;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IcebergTypesTest {
  private static final TableId ID = TableId.parse("shop.all_types");

  static final TableSchema SCHEMA = new TableSchema(List.of(
      new Column("id", DataType.INT, false, "int4"),
      Column.of("b", DataType.BOOLEAN, true),
      new Column("i", DataType.INT, true, "int2"),
      Column.of("l", DataType.LONG, true),
      Column.of("f", DataType.FLOAT, true),
      Column.of("d", DataType.DOUBLE, true),
      new Column("dec", DataType.decimal(38, 10), true, "numeric(38,10)"),
      Column.of("small_dec", DataType.decimal(5, 2), true),
      Column.of("day", DataType.DATE, true),
      Column.of("t", DataType.TIME, true),
      new Column("ts", DataType.TIMESTAMP, true, "timestamp"),
      new Column("tstz", DataType.TIMESTAMPTZ, true, "timestamptz"),
      new Column("s", DataType.STRING, true, "jsonb"),
      Column.of("u", DataType.UUID, true),
      new Column("bin", DataType.BINARY, true, "bytea"),
      new Column("longs", DataType.listOf(DataType.LONG), true, "_int8"),
      Column.of("texts", DataType.listOf(DataType.STRING), true),
      Column.of("nested", DataType.listOf(DataType.listOf(DataType.INT)), true)),
      List.of("id"));

  static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    rows.add(Row.of(1, true, 7, Long.MAX_VALUE, 1.5f, Math.PI,
        new BigDecimal("1234567890123456789012345678.9012345678"), new BigDecimal("-999.99"),
        LocalDate.of(2024, 2, 29), LocalTime.of(23, 59, 59, 999_999_000),
        LocalDateTime.of(2024, 2, 29, 23, 59, 59, 123_456_000),
        OffsetDateTime.of(2024, 2, 29, 23, 59, 59, 654_321_000, ZoneOffset.UTC),
        "{\"k\": \"värde ✓\"}", UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
        ByteBuffer.wrap(new byte[] {0, 1, 0, (byte) 255, 0}),
        Arrays.asList(1L, null, 3L), Arrays.asList("a", null, ""), List.of(List.of(1, 2), List.of())));
    rows.add(Row.of(2, false, Integer.MIN_VALUE, Long.MIN_VALUE, Float.NaN, Double.NaN,
        new BigDecimal("-9999999999999999999999999999.9999999999"), new BigDecimal("0.01"),
        LocalDate.of(1, 1, 1), LocalTime.MIDNIGHT,
        LocalDateTime.of(1900, 1, 1, 0, 0, 0, 1_000),
        OffsetDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000, ZoneOffset.UTC),
        "", new UUID(0, 0), ByteBuffer.wrap(new byte[0]),
        List.of(), List.of(), Arrays.asList(null, Arrays.asList(1, null))));
    rows.add(Row.of(3, null, 0, 0L, Float.POSITIVE_INFINITY, Double.POSITIVE_INFINITY,
        BigDecimal.ZERO.setScale(10), new BigDecimal("0.00"), LocalDate.of(9999, 12, 31), LocalTime.of(0, 0, 0, 1_000),
        LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000),
        OffsetDateTime.of(2000, 1, 1, 0, 0, 0, 1_000, ZoneOffset.UTC),
        "x".repeat(100_000), UUID.fromString("ffffffff-ffff-ffff-ffff-ffffffffffff"), ByteBuffer.wrap(new byte[] {0, 0, 0}),
        Arrays.asList((Long) null), Arrays.asList((String) null), null));
    rows.add(Row.of(4, true, 1, 1L, Float.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, null, null, null, null,
        null, null, null, null, null, null, null, null));
    rows.add(Row.of(5, null, null, null, -0.0f, -0.0d, null, null, null, null, null, null, null, null, null, null,
        null, null));
    rows.add(Row.of(6, null, null, null, Float.MIN_VALUE, Double.MAX_VALUE, null, null, null, null, null, null, null,
        null, null, null, null, null));
    return rows;
  }

  @Test
  void everyTypeRoundTripsThroughIcebergsOwnReader(@TempDir Path dir) {
    try (IcebergSink sink = IcebergSink.local(dir)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      assertEquals(SCHEMA, table.schema(), "schema read back equals the schema created");
      Lake.commit(table, "p1", writer -> rows().forEach(writer::insert));

      Table iceberg = Lake.load(sink, ID);
      assertEquals(Types.TimestampType.withZone(), iceberg.schema().findType("tstz"));
      assertEquals(Types.TimestampType.withoutZone(), iceberg.schema().findType("ts"));
      assertEquals("bytea", iceberg.schema().findField("bin").doc());
      assertEquals(2, iceberg.properties().get("format-version") == null ? 2
          : Integer.parseInt(iceberg.properties().getOrDefault("format-version", "2")));
      assertEquals(List.of(1), new ArrayList<>(iceberg.schema().identifierFieldIds()));

      List<Record> records = Lake.records(iceberg);
      records.sort(Comparator.comparing(r -> (Integer) r.get(0)));
      List<Row> expected = rows();
      assertEquals(expected.size(), records.size());
      for (int r = 0; r < expected.size(); r++) {
        for (int c = 0; c < SCHEMA.size(); c++) {
          Object value = expected.get(r).get(c) instanceof LocalTime time ? time.toNanoOfDay() / 1000 : expected.get(r).get(c);
          assertEquals(value, records.get(r).get(c), "row " + r + " column " + SCHEMA.column(c).name());
        }
      }

      List<Row> scanned = Lake.scan(table, null);
      scanned.sort(Comparator.comparing(r -> (Integer) r.get(0)));
      assertEquals(expected, scanned);
    }
  }

  @Test
  void timeIsALongOfMicrosecondsThatReadsBackAsTimeAlsoWhenAdded(@TempDir Path dir) {
    TableSchema schema = new TableSchema(List.of(new Column("t", DataType.TIME, false, "time"),
        Column.of("times", DataType.listOf(DataType.TIME), true), Column.of("n", DataType.LONG, true)), List.of("t"));
    LocalTime last = LocalTime.of(23, 59, 59, 999_999_000);
    TableId id = TableId.parse("db.times");
    try (IcebergSink sink = IcebergSink.local(dir)) {
      SinkTable table = sink.open(id, schema, WriteMode.UPSERT);
      Lake.commit(table, "p1", w -> w.upsert(Row.of(last, Arrays.asList(LocalTime.MIDNIGHT, null), 7L)));
      Column added = Column.of("t2", DataType.TIME, true);
      table.evolve(List.of(new SchemaChange.AddColumn(added)));
      Lake.commit(table, "p2", w -> w.upsert(Row.of(LocalTime.NOON, List.of(), 8L, LocalTime.of(0, 0, 0, 1_000))));

      Table iceberg = Lake.load(sink, id);
      for (String column : List.of("t", "times.element", "n", "t2")) {
        assertEquals(Types.LongType.get(), iceberg.schema().findType(column), column);
      }
      TableSchema evolved = new TableSchema(List.of(schema.column(0), schema.column(1), schema.column(2), added),
          List.of("t"));
      assertEquals(evolved, table.schema());
      Map<RowKey, Row> found = table.lookup(List.of(new RowKey(List.of(last))));
      assertEquals(Row.of(last, Arrays.asList(LocalTime.MIDNIGHT, null), 7L, null), found.get(new RowKey(List.of(last))));
      List<Row> scanned = Lake.scan(table, null);
      scanned.sort(Comparator.comparing(r -> (LocalTime) r.get(0)));
      assertEquals(List.of(Row.of(LocalTime.NOON, List.of(), 8L, LocalTime.of(0, 0, 0, 1_000)),
          Row.of(last, Arrays.asList(LocalTime.MIDNIGHT, null), 7L, null)), scanned);
      List<Record> records = Lake.records(iceberg);
      assertTrue(records.stream().anyMatch(r -> Long.valueOf(86_399_999_999L).equals(r.get(0))), records.toString());
    }
    try (IcebergSink sink = IcebergSink.local(dir)) {
      assertEquals(DataType.TIME, sink.find(id).orElseThrow().schema().column("t2").orElseThrow().type());
    }
  }

  @Test
  void nativeTimeColumnsAreKeptAndStillWritten(@TempDir Path dir) {
    TableSchema schema = new TableSchema(List.of(Column.of("id", DataType.INT, false), Column.of("t", DataType.TIME, true)),
        List.of("id"));
    TableId id = TableId.parse("db.native_time");
    try (IcebergSink sink = IcebergSink.create(IcebergSinkConfig.local(dir, Map.of("time-type", "time"), Map.of()))) {
      Lake.commit(sink.open(id, schema, WriteMode.UPSERT), "p1", w -> w.upsert(Row.of(1, LocalTime.NOON)));
      assertEquals(Types.TimeType.get(), Lake.load(sink, id).schema().findType("t"));
    }
    try (IcebergSink sink = IcebergSink.local(dir)) {
      SinkTable table = sink.open(id, schema, WriteMode.UPSERT);
      assertEquals(schema, table.schema());
      Lake.commit(table, "p2", w -> w.upsert(Row.of(2, LocalTime.MIDNIGHT)));
      assertEquals(Types.TimeType.get(), Lake.load(sink, id).schema().findType("t"));
      List<Row> scanned = Lake.scan(table, null);
      scanned.sort(Comparator.comparing(r -> (Integer) r.get(0)));
      assertEquals(List.of(Row.of(1, LocalTime.NOON), Row.of(2, LocalTime.MIDNIGHT)), scanned);
    }
  }
}
