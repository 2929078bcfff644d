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
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/**
 * The SQL Server and Oracle connectors' change events, recorded in their documented formats (no such
 * servers run here), decoded value by value.
 */
class SqlServerOracleRecordsTest {

  private final DebeziumDecoder decoder = new DebeziumDecoder();

  @Test
  void decodesSqlServerTemporalAndSpatialTypes() {
    List<SinkRecord> records = RecordedRecords.load("sqlserver/orders.json");
    DecodedChange read = decode(records.get(0));
    assertEquals(new TableId("dbo", "orders"), read.table());
    assertSchema(new TableSchema(List.of(
        Column.of("id", DataType.INT, false),
        Column.of("t0", DataType.TIME, true),
        Column.of("t7", DataType.TIME, true),
        Column.of("dt", DataType.TIMESTAMP, true),
        Column.of("dt2", DataType.TIMESTAMP, true),
        Column.of("dto", DataType.TIMESTAMPTZ, true),
        Column.of("money", DataType.decimal(19, 4), true),
        Column.of("guid", DataType.STRING, true),
        Column.of("flag", DataType.BOOLEAN, true),
        Column.of("tiny", DataType.INT, true),
        Column.of("ratio", DataType.FLOAT, true),
        Column.of("geog", DataType.BINARY, true)), List.of("id")), read.schema());
    Object[] first = {10001, LocalTime.parse("12:34:56.789"), LocalTime.parse("12:34:56.789012"),
        LocalDateTime.parse("2024-06-10T06:13:20.123"), LocalDateTime.parse("2024-06-10T06:13:20.123456"),
        OffsetDateTime.parse("2024-06-10T06:13:20.123456Z"), new BigDecimal("12345.6789"),
        "6F9619FF-8B86-D011-B42D-00C04FC964FF", true, 255, 0.25f,
        bytes("0101000020e61000006666666666965ec03333333333d34740")};
    assertEquals(Operation.UPDATE, read.operation());
    assertRow(first, read.after());

    DecodedChange update = decode(records.get(1));
    Object[] second = first.clone();
    second[6] = new BigDecimal("-0.0005");
    second[8] = false;
    second[9] = 0;
    assertRow(first, update.before());
    assertRow(second, update.after());
    assertEquals(Instant.ofEpochMilli(1718000020000L), update.sourceTime());

    DecodedChange delete = decode(records.get(2));
    assertEquals(Operation.DELETE, delete.operation());
    assertRow(second, delete.before());
    assertEquals(Optional.empty(), decoder.decode(records.get(3)));
  }

  @Test
  void decodesOracleNumbersAndTimestamps() {
    List<SinkRecord> records = RecordedRecords.load("oracle/products.json");
    DecodedChange insert = decode(records.get(0));
    assertEquals(new TableId("DEBEZIUM", "PRODUCTS"), insert.table());
    assertSchema(new TableSchema(List.of(
        Column.of("ID", DataType.INT, false),
        Column.of("NAME", DataType.STRING, true),
        Column.of("PRICE", DataType.decimal(10, 2), true),
        Column.of("QTY", DataType.STRING, true),
        Column.of("CREATED", DataType.TIMESTAMP, true),
        Column.of("TS6", DataType.TIMESTAMP, true),
        Column.of("TS9", DataType.TIMESTAMP, true),
        Column.of("TSTZ", DataType.TIMESTAMPTZ, true),
        Column.of("BF", DataType.FLOAT, true),
        Column.of("BD", DataType.DOUBLE, true),
        Column.of("B", DataType.INT, true),
        Column.of("BIG", DataType.LONG, true),
        Column.of("DATA", DataType.BINARY, true)), List.of("ID")), insert.schema());
    Object[] row = {1, "widget", new BigDecimal("-999.99"), "500", LocalDateTime.parse("2024-06-10T00:00"),
        LocalDateTime.parse("1969-12-31T23:59:59.999999"), LocalDateTime.parse("1969-12-31T23:59:59.999999"),
        OffsetDateTime.parse("2024-06-10T06:13:20.123456Z"), 3.5f, 1e-300, -1, Long.MIN_VALUE, bytes("00")};
    assertEquals(Operation.UPDATE, insert.operation(),
        "a keyed insert is an upsert: a redelivered one must not repeat the row");
    assertNull(insert.before());
    assertRow(row, insert.after());

    DecodedChange update = decode(records.get(1));
    Object[] updated = row.clone();
    updated[1] = null;
    updated[3] = "0.0015";
    assertRow(row, update.before());
    assertRow(updated, update.after());

    DecodedChange delete = decode(records.get(2));
    assertRow(updated, delete.before());
    assertNull(delete.after());
  }

  private DecodedChange decode(SinkRecord record) {
    return decoder.decode(record).orElseThrow();
  }
}
