package io.changelake.debezium;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/** The PostgreSQL connector's change events, recorded in its documented format, decoded value by value. */
class PostgresRecordsTest {

  private static final TableSchema SCHEMA = new TableSchema(List.of(
      Column.of("id", DataType.INT, false),
      Column.of("small", DataType.INT, true),
      Column.of("big", DataType.LONG, true),
      Column.of("real", DataType.FLOAT, true),
      Column.of("dbl", DataType.DOUBLE, true),
      Column.of("flag", DataType.BOOLEAN, true),
      Column.of("name", DataType.STRING, true),
      Column.of("raw", DataType.BINARY, true),
      Column.of("price", DataType.decimal(10, 2), true),
      Column.of("amount", DataType.STRING, true),
      Column.of("day", DataType.DATE, true),
      Column.of("clock", DataType.TIME, true),
      Column.of("local_ts", DataType.TIMESTAMP, true),
      Column.of("zoned_ts", DataType.TIMESTAMPTZ, true),
      Column.of("zoned_time", DataType.STRING, true),
      Column.of("doc", DataType.STRING, true),
      Column.of("uid", DataType.UUID, true),
      Column.of("xml", DataType.STRING, true),
      Column.of("color", DataType.STRING, true),
      Column.of("mask", DataType.BINARY, true),
      Column.of("geom", DataType.BINARY, true),
      Column.of("tags", DataType.listOf(DataType.STRING), true)), List.of("id"));

  private static final Object[] FULL = {
      1, -7, 9007199254740993L, 1.5f, -2.25, true, "Zoë", bytes("00ff10"),
      new BigDecimal("123.45"), "-1234.567", LocalDate.parse("2024-06-10"), LocalTime.parse("12:34:56.789012"),
      LocalDateTime.parse("2024-06-10T06:13:20.123456"), OffsetDateTime.parse("2024-06-10T06:13:20.123456Z"),
      "10:15:30.5Z", "{\"a\": [1, 2]}", UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), "<a>1</a>", "green",
      bytes("050a"),
      // the WKB point (1 2), little-endian, as EWKB with SRID 4326
      bytes("0101000020e6100000000000000000f03f0000000000000040"), Arrays.asList("x", null, "y")};

  private final DebeziumDecoder decoder = new DebeziumDecoder();

  @Test
  void decodesEveryOperationAndValue() {
    List<SinkRecord> records = RecordedRecords.load("postgresql/types.json");
    TableId table = new TableId("public", "types");

    DecodedChange read = decode(records.get(0));
    assertEquals(table, read.table());
    assertSchema(SCHEMA, read.schema());
    assertEquals(Operation.UPDATE, read.operation(), "a snapshot read is an upsert");
    assertNull(read.before());
    assertRow(FULL, read.after());
    assertEquals(Instant.ofEpochMilli(1718000001000L), read.sourceTime());

    DecodedChange insert = decode(records.get(1));
    assertEquals(Operation.UPDATE, insert.operation(),
        "a keyed insert is an upsert: a redelivered one must not repeat the row");
    assertNull(insert.before());
    SinkRecord keyless = records.get(1);
    keyless = new SinkRecord(keyless.topic(), keyless.kafkaPartition(), null, null, keyless.valueSchema(),
        keyless.value(), keyless.kafkaOffset());
    assertEquals(Operation.INSERT, decode(keyless).operation(), "without a key (an append table) an insert stays one");
    assertSame(read.schema(), insert.schema(), "one schema instance while the schema is unchanged");
    Object[] nulls = new Object[FULL.length];
    nulls[0] = 2;
    assertRow(nulls, insert.after());
    assertEquals(Instant.parse("2024-06-10T06:13:22.000123Z"), insert.sourceTime(), "ts_ns, to the microsecond");

    DecodedChange update = decode(records.get(2));
    assertEquals(Operation.UPDATE, update.operation());
    assertRow(FULL, update.before());
    Object[] updated = FULL.clone();
    updated[6] = "Zoe";
    updated[8] = new BigDecimal("0.99");
    assertRow(updated, update.after());

    DecodedChange delete = decode(records.get(3));
    assertEquals(Operation.DELETE, delete.operation());
    assertRow(nulls, delete.before());
    assertNull(delete.after());

    assertEquals(Optional.empty(), decoder.decode(records.get(4)), "the tombstone after a delete");

    DecodedChange toasted = decode(records.get(5));
    Object[] unchanged = updated.clone();
    unchanged[6] = Row.UNAVAILABLE;
    unchanged[7] = Row.UNAVAILABLE;
    unchanged[21] = Row.UNAVAILABLE;
    assertRow(unchanged, toasted.after(), "TOASTed values an update left unchanged: text, bytea, array");
  }

  private DecodedChange decode(SinkRecord record) {
    return decoder.decode(record).orElseThrow();
  }

  /** Asserts names, types, nullability and key; the source type names are Connect's and not asserted. */
  static void assertSchema(TableSchema expected, TableSchema actual) {
    assertEquals(expected, new TableSchema(actual.columns().stream()
        .map(c -> Column.of(c.name(), c.type(), c.nullable())).toList(), actual.primaryKey()));
  }

  /** Asserts each value and its value class ({@link ByteBuffer} and {@link List} by interface). */
  static void assertRow(Object[] expected, Row actual) {
    assertRow(expected, actual, "");
  }

  static void assertRow(Object[] expected, Row actual, String message) {
    assertEquals(expected.length, actual.size());
    for (int i = 0; i < expected.length; i++) {
      Object value = actual.get(i);
      assertEquals(expected[i], value, message + " value " + i);
      if (expected[i] != null && expected[i] != Row.UNAVAILABLE) {
        Class<?> type = expected[i] instanceof ByteBuffer ? ByteBuffer.class
            : expected[i] instanceof List ? List.class : expected[i].getClass();
        assertTrue(type.isInstance(value), "value " + i + " is a " + type.getSimpleName());
      }
    }
  }

  static ByteBuffer bytes(String hex) {
    return ByteBuffer.wrap(HexFormat.of().parseHex(hex));
  }
}
