package io.changelake.debezium;

import static io.changelake.debezium.PostgresRecordsTest.assertRow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.Operation;
import io.changelake.api.model.TableId;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/** Records flattened by ExtractNewRecordState, recorded in its documented formats. */
class FlattenedDecoderTest {

  private static final TableId PRODUCTS = new TableId("inventory", "products");
  private static final Object[] SCOOTER = {101, "scooter", new BigDecimal("3.14"),
      LocalDateTime.parse("2024-06-10T06:13:20.123456")};
  private static final Object[] BATTERY = {102, "car battery", new BigDecimal("81.00"), null};

  private final FlattenedDecoder decoder = new FlattenedDecoder();

  @Test
  void readsAddedFieldsAndRewrittenDeletes() {
    List<SinkRecord> records = RecordedRecords.load("mysql/products-flattened.json");
    DecodedChange read = decode(records.get(0));
    assertEquals(PRODUCTS, read.table());
    assertEquals(List.of("id", "name", "price", "updated"), read.schema().columnNames(), "added fields are no columns");
    assertEquals(List.of("id"), read.schema().primaryKey());
    assertEquals(Operation.UPDATE, read.operation(), "a snapshot read is an upsert");
    assertRow(SCOOTER, read.after());
    assertEquals(Instant.ofEpochMilli(1718000010000L), read.sourceTime());

    DecodedChange insert = decode(records.get(1));
    assertEquals(Operation.INSERT, insert.operation());
    assertSame(read.schema(), insert.schema());
    assertRow(BATTERY, insert.after());

    DecodedChange update = decode(records.get(2));
    assertEquals(Operation.UPDATE, update.operation());
    assertNull(update.before());
    assertRow(new Object[] {101, "scooter v2", new BigDecimal("19.99"), SCOOTER[3]}, update.after());

    DecodedChange deleted = decode(records.get(3));
    assertEquals(Operation.DELETE, deleted.operation(), "__deleted=true");
    assertRow(BATTERY, deleted.before());
    assertNull(deleted.after());

    DecodedChange tombstone = decode(records.get(4));
    assertEquals(Operation.DELETE, tombstone.operation());
    assertEquals(PRODUCTS, tombstone.table(), "from the topic name");
    assertSame(read.schema(), tombstone.schema(), "the table's last schema");
    assertRow(new Object[] {102, null, null, null}, tombstone.before());
  }

  @Test
  void upsertsStateOnlyRecordsAndRefusesKeylessOnes() {
    List<SinkRecord> records = RecordedRecords.load("mysql/products-state-only.json");
    DecodedChange upsert = decode(records.get(0));
    assertEquals(PRODUCTS, upsert.table(), "prefix.db.table: db.table");
    assertEquals(Operation.UPDATE, upsert.operation());
    assertRow(new Object[] {103, "kite", new BigDecimal("0.05"), LocalDateTime.parse("1970-01-01T00:00")},
        upsert.after());

    MalformedRecordException e = assertThrows(MalformedRecordException.class, () -> decoder.decode(records.get(1)));
    assertTrue(e.getMessage().startsWith("Record at topic mysql.inventory.nokey partition 0 offset 0: a key-less upsert"),
        e.getMessage());
    assertTrue(e.getMessage().contains("message.key.columns"), e.getMessage());
  }

  @Test
  void namesTablesByTheLastTwoPartsOfTheTopic() {
    assertEquals(new TableId("dbo", "orders"), FlattenedDecoder.topicTable("server1.sales.dbo.orders"));
    assertEquals(new TableId("public", "orders"), FlattenedDecoder.topicTable("pg.public.orders"));
    assertEquals(new TableId("", "orders"), FlattenedDecoder.topicTable("orders"));
  }

  private DecodedChange decode(SinkRecord record) {
    return decoder.decode(record).orElseThrow();
  }
}
