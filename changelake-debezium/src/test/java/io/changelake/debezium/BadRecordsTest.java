package io.changelake.debezium;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/** Records the decoders refuse, each with a message that names the record, what is wrong and the fix. */
class BadRecordsTest {

  private final DebeziumDecoder envelopes = new DebeziumDecoder();
  private final FlattenedDecoder flattened = new FlattenedDecoder();

  @Test
  void jsonWithoutSchemasSaysToEnableThem() {
    SinkRecord record = RecordedRecords.load("mysql/products-state-only.json", false).get(0);
    String expected = "Record at topic mysql.inventory.products partition 0 offset 5: the value is JSON without a"
        + " schema, so column types are unknown. Fix: produce the topic with schemas (JsonConverter"
        + " value.converter.schemas.enable=true) or a schema registry format (Avro, Protobuf, JSON Schema) and"
        + " configure the matching converter.";
    assertEquals(expected, assertThrows(MalformedRecordException.class, () -> envelopes.decode(record)).getMessage());
    assertEquals(expected, assertThrows(MalformedRecordException.class, () -> flattened.decode(record)).getMessage());
  }

  @Test
  void aFlattenedRecordIsNoEnvelope() {
    SinkRecord record = RecordedRecords.load("mysql/products-flattened.json").get(0);
    assertEquals("Record at topic mysql.inventory.products partition 0 offset 0: the value is not a Debezium change"
        + " event (it has no op, source and before/after fields: [id, name, price, updated, __op, __table, __db,"
        + " __source_ts_ms, __deleted]). Fix: read this topic with the decoder of its format: the flattened form for"
        + " ExtractNewRecordState topics, plain upsert or append otherwise.",
        assertThrows(MalformedRecordException.class, () -> envelopes.decode(record)).getMessage());
  }

  @Test
  void anUnknownOperationIsRefused() {
    SinkRecord record = RecordedRecords.load("mysql/products.json").get(1);
    ((Struct) record.value()).put("op", "x");
    assertEquals("Record at topic mysql.inventory.products partition 0 offset 1: unknown Debezium operation 'x'"
        + " (known: c, u, d, r, t). Fix: skip the record, or read the topic with a decoder that knows this operation.",
        assertThrows(MalformedRecordException.class, () -> envelopes.decode(record)).getMessage());
  }

  @Test
  void aValueThatDoesNotFitItsTypeNamesTheColumn() {
    SinkRecord record = RecordedRecords.load("mysql/products.json").get(1);
    ((Struct) ((Struct) record.value()).get("after")).put("opens", 90_000_000_000L);
    assertEquals("Record at topic mysql.inventory.products partition 0 offset 1: column opens: A Long of logical type"
        + " io.debezium.time.MicroTime is not a time value: a time of day must lie in [00:00, 24:00]; this one is"
        + " 90000000000 microseconds (a duration, e.g. a MySQL TIME beyond a day: map that column to a string). Fix:"
        + " fix the producer or skip the record.",
        assertThrows(MalformedRecordException.class, () -> envelopes.decode(record)).getMessage());
  }

  @Test
  void heartbeatsCarryNoChange() {
    SinkRecord record = RecordedRecords.load("heartbeat.json").get(0);
    assertEquals(Optional.empty(), envelopes.decode(record));
  }
}
