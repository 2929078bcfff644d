package io.changelake.debezium;

import static io.changelake.debezium.PostgresRecordsTest.assertRow;
import static io.changelake.debezium.PostgresRecordsTest.assertSchema;
import static io.changelake.debezium.PostgresRecordsTest.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Operation;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/** The MySQL connector's change events, recorded in its documented formats, decoded value by value. */
class MySqlRecordsTest {

  private static final TableSchema PRODUCTS = new TableSchema(List.of(
      Column.of("id", DataType.INT, false),
      Column.of("name", DataType.STRING, true),
      Column.of("price", DataType.decimal(10, 2), true),
      Column.of("created", DataType.TIMESTAMP, true),
      Column.of("updated", DataType.TIMESTAMP, true),
      Column.of("modified", DataType.TIMESTAMPTZ, true),
      Column.of("opens", DataType.TIME, true),
      Column.of("released", DataType.DATE, true),
      Column.of("yr", DataType.INT, true),
      Column.of("active", DataType.BOOLEAN, true),
      Column.of("flags", DataType.BINARY, true),
      Column.of("size", DataType.STRING, true),
      Column.of("tags", DataType.STRING, true),
      Column.of("attrs", DataType.STRING, true),
      Column.of("location", DataType.BINARY, true),
      Column.of("qty", DataType.INT, true),
      Column.of("big", DataType.decimal(20, 0), true),
      Column.of("blob", DataType.BINARY, true)), List.of("id"));

  private static final String POINT = "0101000000cdcccccccccc2a400000000000404a40";
  private static final String POINT_4326 = "0101000020e6100000cdcccccccccc2a400000000000404a40";

  private static Object[] scooter() {
    return new Object[] {101, "scooter", new BigDecimal("3.14"), LocalDateTime.parse("2024-06-10T06:13:20.123"),
        LocalDateTime.parse("2024-06-10T06:13:20.123456"), OffsetDateTime.parse("2024-06-10T06:13:20.123456Z"),
        LocalTime.parse("09:00"), LocalDate.parse("2024-06-10"), 2024, true, bytes("0f01"), "M", "a,c",
        "{\"k\": \"v\"}", bytes(POINT), 12, new BigDecimal("18446744073709551615"), bytes("cafe")};
  }

  private final DebeziumDecoder decoder = new DebeziumDecoder();

  @Test
  void decodesEveryOperationAndLogicalType() {
    List<SinkRecord> records = RecordedRecords.load("mysql/products.json");
    TableId table = new TableId("inventory", "products");

    DecodedChange read = decode(records.get(0));
    assertEquals(table, read.table(), "no schema in MySQL's source block: db.table");
    assertSchema(PRODUCTS, read.schema());
    assertEquals("decimal", read.schema().column(2).sourceType(), "the propagated source type");
    assertEquals(Operation.UPDATE, read.operation());
    assertRow(scooter(), read.after());
    assertEquals(Instant.ofEpochMilli(1718000010000L), read.sourceTime());

    Object[] battery = scooter();
    battery[0] = 102;
    battery[1] = "car battery";
    battery[2] = new BigDecimal("-81.00");
    battery[8] = 1999;
    battery[9] = false;
    battery[14] = bytes(POINT_4326);
    DecodedChange insert = decode(records.get(1));
    assertEquals(Operation.UPDATE, insert.operation(),
        "a keyed insert is an upsert: a redelivered one must not repeat the row");
    assertNull(insert.before());
    assertRow(battery, insert.after());

    DecodedChange update = decode(records.get(2));
    assertEquals(Operation.UPDATE, update.operation());
    assertRow(scooter(), update.before());
    Object[] updated = scooter();
    updated[1] = "scooter v2";
    updated[2] = new BigDecimal("19.99");
    updated[4] = LocalDateTime.parse("1969-12-31T23:59:58.999999");
    assertRow(updated, update.after());

    DecodedChange delete = decode(records.get(3));
    assertEquals(Operation.DELETE, delete.operation());
    assertRow(battery, delete.before());
    assertNull(delete.after());
    assertEquals(Optional.empty(), decoder.decode(records.get(4)));
  }

  @Test
  void keepsTheTypeEachDecimalHandlingModeGives() {
    List<SinkRecord> records = RecordedRecords.load("mysql/decimal-handling-modes.json");
    DecodedChange precise = decode(records.get(0));
    assertEquals(DataType.decimal(12, 3), precise.schema().column(1).type());
    assertRow(new Object[] {1, new BigDecimal("-1234.567")}, precise.after());
    DecodedChange asDouble = decode(records.get(1));
    assertEquals(DataType.DOUBLE, asDouble.schema().column(1).type());
    assertEquals("decimal", asDouble.schema().column(1).sourceType());
    assertRow(new Object[] {2, -1234.567}, asDouble.after());
    DecodedChange asString = decode(records.get(2));
    assertEquals(DataType.STRING, asString.schema().column(1).type());
    assertRow(new Object[] {3, "-1234.567"}, asString.after());
  }

  @Test
  void decodesConnectTemporalTypes() {
    DecodedChange change = decode(RecordedRecords.load("mysql/time-precision-connect.json").get(0));
    assertSchema(new TableSchema(List.of(Column.of("id", DataType.INT, false), Column.of("d", DataType.DATE, true),
        Column.of("t", DataType.TIME, true), Column.of("ts", DataType.TIMESTAMP, true)), List.of("id")), change.schema());
    assertRow(new Object[] {1, LocalDate.parse("1969-12-31"), LocalTime.parse("12:34:56.789"),
        LocalDateTime.parse("2024-06-10T06:13:20.123")}, change.after());
  }

  private DecodedChange decode(SinkRecord record) {
    return decoder.decode(record).orElseThrow();
  }
}
