package io.changelake.sink.paimon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
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
import java.util.UUID;
import org.apache.paimon.data.Timestamp;
import org.apache.paimon.table.FileStoreTable;
import org.apache.paimon.types.DataField;
import org.apache.paimon.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PaimonTypesTest {
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
      Column.of("nested", DataType.listOf(DataType.listOf(DataType.INT)), true),
      new Column("uuids", DataType.listOf(DataType.UUID), true, "_uuid")),
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
        Arrays.asList(1L, null, 3L), Arrays.asList("a", null, ""), List.of(List.of(1, 2), List.of()),
        Arrays.asList(new UUID(1, 2), null)));
    rows.add(Row.of(2, false, Integer.MIN_VALUE, Long.MIN_VALUE, Float.NaN, Double.NaN,
        new BigDecimal("-9999999999999999999999999999.9999999999"), new BigDecimal("0.01"),
        LocalDate.of(1, 1, 1), LocalTime.MIDNIGHT,
        LocalDateTime.of(1900, 1, 1, 0, 0, 0, 1_000),
        OffsetDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000, ZoneOffset.UTC),
        "", new UUID(0, 0), ByteBuffer.wrap(new byte[0]),
        List.of(), List.of(), Arrays.asList(null, Arrays.asList(1, null)), List.of()));
    rows.add(Row.of(3, null, 0, 0L, Float.POSITIVE_INFINITY, Double.POSITIVE_INFINITY,
        BigDecimal.ZERO.setScale(10), new BigDecimal("0.00"), LocalDate.of(9999, 12, 31), LocalTime.of(0, 0, 0, 1_000),
        LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000),
        OffsetDateTime.of(2000, 1, 1, 0, 0, 0, 1_000, ZoneOffset.UTC),
        "x".repeat(100_000), UUID.fromString("ffffffff-ffff-ffff-ffff-ffffffffffff"), ByteBuffer.wrap(new byte[] {0, 0, 0}),
        Arrays.asList((Long) null), Arrays.asList((String) null), null, null));
    rows.add(Row.of(4, true, 1, 1L, Float.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, null, null, null, null,
        null, null, null, null, null, null, null, null, null));
    rows.add(Row.of(5, null, null, null, -0.0f, -0.0d, null, null, null, null, null, null, null, null, null, null,
        null, null, null));
    rows.add(Row.of(6, null, null, null, Float.MIN_VALUE, Double.MAX_VALUE, null, null, null, null, null, null, null,
        null, null, null, null, null, null));
    return rows;
  }

  /** How Paimon's reader hands out a changelake value (see Lake.records), derived independently. */
  private static Object paimonForm(Object value) {
    if (value instanceof LocalDate date) {
      return (int) date.toEpochDay();
    }
    if (value instanceof LocalTime time) {
      return time.toNanoOfDay() / 1000;
    }
    if (value instanceof LocalDateTime ts) {
      return Timestamp.fromLocalDateTime(ts);
    }
    if (value instanceof OffsetDateTime ts) {
      java.time.Instant instant = ts.toInstant();
      return Timestamp.fromEpochMillis(instant.toEpochMilli(), instant.getNano() % 1_000_000);
    }
    if (value instanceof UUID uuid) {
      return uuid.toString();
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(element -> out.add(paimonForm(element)));
      return out;
    }
    return value;
  }

  @Test
  void everyTypeRoundTripsThroughPaimonsOwnReader(@TempDir Path dir) {
    try (PaimonSink sink = PaimonSink.local(dir)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      assertEquals(SCHEMA, table.schema(), "schema read back equals the schema created");
      Lake.commit(table, "p1", writer -> rows().forEach(writer::insert));

      FileStoreTable paimon = Lake.load(sink, ID);
      assertEquals(DataTypes.TIMESTAMP_WITH_LOCAL_TIME_ZONE(6), paimon.rowType().getField("tstz").type());
      assertEquals(DataTypes.TIMESTAMP(6), paimon.rowType().getField("ts").type());
      assertEquals(DataTypes.DECIMAL(38, 10), paimon.rowType().getField("dec").type());
      DataField uuid = paimon.rowType().getField("u");
      assertEquals(DataTypes.STRING(), uuid.type());
      assertEquals("uuid [changelake uuid]", uuid.description());
      assertEquals(DataTypes.BIGINT(), paimon.rowType().getField("t").type());
      assertEquals("bytea", paimon.rowType().getField("bin").description());
      assertEquals(DataTypes.ARRAY(DataTypes.ARRAY(DataTypes.INT())), paimon.rowType().getField("nested").type());
      assertEquals(List.of("id"), paimon.primaryKeys());

      List<List<Object>> records = Lake.records(paimon);
      records.sort(Comparator.comparing(r -> (Integer) r.get(0)));
      List<Row> expected = rows();
      assertEquals(expected.size(), records.size());
      for (int r = 0; r < expected.size(); r++) {
        for (int c = 0; c < SCHEMA.size(); c++) {
          assertEquals(paimonForm(expected.get(r).get(c)), records.get(r).get(c),
              "row " + r + " column " + SCHEMA.column(c).name());
        }
      }

      List<Row> scanned = Lake.scan(table, null);
      scanned.sort(Comparator.comparing(r -> (Integer) r.get(0)));
      assertEquals(expected, scanned);
    }
  }

  @Test
  void changelakeTypeNamesParseBack() {
    for (Column column : SCHEMA.columns()) {
      assertEquals(column.type(), TypeMapping.parse(column.type().toString()));
    }
    assertEquals(new ColumnDoc("numeric(5,2) [x]", DataType.listOf(DataType.TIME)),
        ColumnDoc.parse("numeric(5,2) [x] [changelake list<time>]"));
    assertEquals(new ColumnDoc("free text", null), ColumnDoc.parse("free text"));
  }
}
