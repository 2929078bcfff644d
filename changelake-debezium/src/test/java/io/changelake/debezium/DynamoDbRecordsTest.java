package io.changelake.debezium;

import static io.changelake.debezium.PostgresRecordsTest.assertRow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Operation;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/**
 * DynamoDB stream records as the Confluent DynamoDB CDC connector forwards them, recorded in the documented
 * DynamoDB Streams format ({@code debezium-records/dynamodb/}): every value and column type asserted.
 */
class DynamoDbRecordsTest {
  private static final TableId ORDERS = new TableId("", "orders");
  private static final DataType.Decimal NUMBER = new DataType.Decimal(38, 18);
  private static final Instant T0 = Instant.parse("2025-12-06T10:00:00Z");
  private static final String DIMS = "{\"w\":1.5,\"h\":20}";
  private static final String LINES = "[{\"sku\":\"x-1\",\"qty\":2},null,false]";

  private final DynamoDbDecoder decoder = new DynamoDbDecoder(false);

  private static List<Column> first() {
    return List.of(new Column("customer", DataType.STRING, false, "S"),
        new Column("order_id", NUMBER, false, "N"),
        new Column("blobs", DataType.STRING, true, "document"),
        new Column("dims", DataType.STRING, true, "document"),
        new Column("lines", DataType.STRING, true, "document"),
        new Column("note", DataType.STRING, true, "S"),
        new Column("paid", DataType.BOOLEAN, true, "BOOL"),
        new Column("photo", DataType.BINARY, true, "B"),
        new Column("scores", DataType.STRING, true, "document"),
        new Column("tags", DataType.STRING, true, "document"),
        new Column("total", NUMBER, true, "N"));
  }

  private static List<Column> plus(List<Column> columns, Column added) {
    List<Column> all = new ArrayList<>(columns);
    all.add(added);
    return all;
  }

  private static BigDecimal n(String text) {
    return new BigDecimal(text).setScale(18);
  }

  private DecodedChange decode(SinkRecord record) {
    return decoder.decode(record).orElseThrow();
  }

  @Test
  void snapshotInsertModifyRemoveIntoTypedColumns() {
    List<SinkRecord> records = RecordedRecords.load("dynamodb/orders.json");

    DecodedChange alice = decode(records.get(0));
    assertEquals(ORDERS, alice.table(), "named by the table of eventSourceARN");
    assertEquals(Operation.UPDATE, alice.operation(), "a snapshot record is an upsert");
    assertNull(alice.before());
    TableSchema firstSchema = new TableSchema(first(), List.of("customer", "order_id"));
    assertEquals(firstSchema.columns(), alice.schema().columns());
    assertEquals(List.of("customer", "order_id"), alice.schema().primaryKey());
    assertRow(new Object[] {"alice", n("1"), "[\"aGk=\"]", DIMS, LINES, "first order", true,
        ByteBuffer.wrap(new byte[] {0, 1, (byte) 255}), "[1,2.50]", "[\"gift\",\"red\"]", n("19.99")}, alice.after());
    assertEquals(T0, alice.sourceTime());

    DecodedChange bob = decode(records.get(1));
    assertSame(alice.schema(), bob.schema(), "no new attribute: the same schema");
    assertRow(new Object[] {"bob", n("2"), null, null, null, "", false, null, null, null, n("5")}, bob.after());

    DecodedChange carol = decode(records.get(2));
    assertEquals(Operation.UPDATE, carol.operation(), "an INSERT is an upsert (at-least-once delivery)");
    List<Column> withRank = plus(first(), new Column("rank", NUMBER, true, "N"));
    assertEquals(withRank, carol.schema().columns());
    assertRow(new Object[] {"carol", n("3"), null, null, null, null, null, null, null, null,
        new BigDecimal("-123456789012345678.000000000000000001"), n("-0.000000000000000001")}, carol.after());
    assertEquals(T0.plusSeconds(2), carol.sourceTime());

    DecodedChange modify = decode(records.get(3));
    assertEquals(Operation.UPDATE, modify.operation());
    assertNull(modify.before());
    assertEquals(plus(withRank, new Column("status", DataType.STRING, true, "S")), modify.schema().columns(),
        "a new attribute is a new column");
    assertRow(new Object[] {"alice", n("1"), "[\"aGk=\"]", DIMS, LINES, "first order", true, null, "[1,2.50]",
        "[\"gift\",\"red\"]", n("21"), null, "shipped"}, modify.after());

    DecodedChange removeBob = decode(records.get(4));
    assertEquals(Operation.DELETE, removeBob.operation());
    assertSame(modify.schema(), removeBob.schema());
    assertRow(new Object[] {"bob", n("2"), null, null, null, "", false, null, null, null, n("5"), null, null},
        removeBob.before());
    assertNull(removeBob.after());

    DecodedChange removeCarol = decode(records.get(5));
    assertEquals(Operation.DELETE, removeCarol.operation());
    assertRow(new Object[] {"carol", n("3"), null, null, null, null, null, null, null, null, null, null, null},
        removeCarol.before(), "KEYS_ONLY: the key alone");

    assertEquals(Optional.empty(), decoder.decode(records.get(6)), "a tombstone carries no change");

    DecodedChange dave = decode(records.get(7));
    assertEquals(ORDERS, dave.table(), "named by tableName");
    assertRow(new Object[] {"dave", n("4"), null, null, null, null, null, null, null, null, n("7.25"), null, null},
        dave.after(), "the whole value as JSON text");
    assertEquals(T0.plusSeconds(7), dave.sourceTime());

    DecodedChange erin = decode(records.get(8));
    assertRow(new Object[] {"erin", n("5"), null, null, null, "{\"looks\": \"like JSON\"}", null, null, null,
        null, n("0.5"), null, null}, erin.after(), "images as nested maps; an S value that looks like JSON stays text");
  }

  @Test
  void badRecordsNameTheProblemAndTheFix() {
    RecordedRecords.load("dynamodb/orders.json").forEach(decoder::decode);
    List<SinkRecord> bad = RecordedRecords.load("dynamodb/bad.json");
    String where = "Record at topic ddb.orders partition 0 offset ";
    String skip = " Fix: fix the producer, or skip the record (on-error=skip).";
    assertBad(where + "20: a DynamoDB stream record without Keys (the item's key attributes); it has [eventID,"
        + " eventName, eventVersion, eventSource, awsRegion, eventSourceARN, dynamodb] and dynamodb"
        + " [ApproximateCreationDateTime, NewImage, SequenceNumber, SizeBytes, StreamViewType]. Fix: produce DynamoDB"
        + " stream records (eventName and dynamodb with Keys, NewImage, OldImage), or read the topic with the envelope"
        + " of its format.", bad.get(0));
    assertBad(where + "21: attribute total has a malformed N value ('12,5' is not a number): {\"N\":\"12,5\"}."
        + skip, bad.get(1));
    assertBad(where + "22: attribute photo has a malformed B value (not base64: Illegal base64 character 20):"
        + " {\"B\":\"not base64!\"}." + skip, bad.get(2));
    assertBad(where + "23: attribute note is not a DynamoDB attribute value (an object with one type key: S, N, B,"
        + " BOOL, NULL, M, L, SS, NS or BS): plain text." + skip, bad.get(3));
    String conflict = " Fix: give the attribute one type in every item of the DynamoDB table and keep its key, or"
        + " skip the record (on-error=skip).";
    assertBad(where + "24: attribute total is S (a string) in this item but N (a number) in earlier items of table"
        + " orders (column total decimal(38,18)); a lake column holds one type." + conflict, bad.get(4));
    assertBad(where + "25: a DynamoDB MODIFY record without NewImage. Fix: set the table's stream view type"
        + " (StreamViewType) to NEW_IMAGE or NEW_AND_OLD_IMAGES, so changes carry the item.", bad.get(5));
    assertBad(where + "26: unknown DynamoDB eventName 'TRUNCATE' (known: INSERT, MODIFY, REMOVE; none in a snapshot"
        + " record)." + skip, bad.get(6));
    assertBad(where + "27: the item's key attributes [customer] are not the key [customer, order_id] of the earlier"
        + " items of table orders." + conflict, bad.get(7));
    String text = " Fix: read numbers as text (the kafka source's dynamodb.numbers=string, for a new table), or skip"
        + " the record (on-error=skip).";
    assertBad(where + "28: number 0.0000000000000000001 of attribute total does not fit column total decimal(38,18)"
        + " of table orders (at most 20 integer and 18 fractional digits)." + text, bad.get(8));
    assertBad(where + "29: number 1E+30 of attribute total does not fit column total decimal(38,18) of table orders"
        + " (at most 20 integer and 18 fractional digits)." + text, bad.get(9));

    DecodedChange after = decode(RecordedRecords.load("dynamodb/orders.json").get(1));
    assertEquals(13, after.schema().size(), "a refused record leaves the inferred columns as they were");
  }

  @Test
  void numbersAsTextKeepEveryNumberExactly() {
    DynamoDbDecoder asText = new DynamoDbDecoder(true);
    List<SinkRecord> records = RecordedRecords.load("dynamodb/orders.json");
    DecodedChange alice = asText.decode(records.get(0)).orElseThrow();
    assertEquals(new Column("order_id", DataType.STRING, false, "N"), alice.schema().column(1));
    assertEquals(new Column("total", DataType.STRING, true, "N"), alice.schema().column("total").orElseThrow());
    assertEquals("19.99", alice.after().get(alice.schema().indexOf("total")));
    assertEquals("1", alice.after().get(1));
    List<SinkRecord> bad = RecordedRecords.load("dynamodb/bad.json");
    DecodedChange tiny = asText.decode(bad.get(8)).orElseThrow();
    assertRow(new Object[] {"frank", "6", null, null, null, null, null, null, null, null, "0.0000000000000000001"},
        tiny.after());
    DecodedChange huge = asText.decode(bad.get(9)).orElseThrow();
    assertEquals("1E+30", huge.after().get(huge.schema().indexOf("total")), "the text as sent");
  }

  private void assertBad(String expected, SinkRecord record) {
    assertEquals(expected, assertThrows(MalformedRecordException.class, () -> decoder.decode(record)).getMessage());
  }
}
