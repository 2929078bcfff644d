package io.changelake.debezium;

import static io.changelake.debezium.PostgresRecordsTest.assertRow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.Operation;
import io.changelake.api.model.TableId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/** The MongoDB connector's change events, recorded in its documented format: rows of _id and document. */
class MongoDbRecordsTest {

  private static final String ANNE = "{\"_id\": {\"$numberLong\": \"1004\"},\"first_name\": \"Anne\",\"last_name\":"
      + " \"Kretchmar\",\"email\": \"annek@noanswer.org\"}";

  private final DebeziumDecoder decoder = new DebeziumDecoder();

  @Test
  void decodesDocumentsAsIdAndJson() {
    List<SinkRecord> records = RecordedRecords.load("mongodb/customers.json");
    DecodedChange read = decode(records.get(0));
    assertEquals(new TableId("inventory", "customers"), read.table());
    assertSame(MongoDocuments.SCHEMA, read.schema());
    assertEquals(Operation.UPDATE, read.operation());
    assertRow(new Object[] {"1004", ANNE}, read.after());
    assertEquals(Instant.ofEpochMilli(1558965508000L), read.sourceTime());

    DecodedChange insert = decode(records.get(1));
    assertEquals(Operation.UPDATE, insert.operation(),
        "a keyed insert is an upsert: a redelivered one must not repeat the row");
    assertNull(insert.before());
    assertRow(new Object[] {"596e275826f08b2730779e1f",
        "{\"_id\": {\"$oid\": \"596e275826f08b2730779e1f\"},\"name\": \"Sally\"}"}, insert.after());

    DecodedChange update = decode(records.get(2));
    assertEquals(Operation.UPDATE, update.operation());
    assertRow(new Object[] {"1004", ANNE.replace("\"Anne\"", "\"Anne Marie\"")}, update.after());

    MalformedRecordException partial = assertThrows(MalformedRecordException.class, () -> decoder.decode(records.get(3)));
    assertTrue(partial.getMessage().contains("offset 3: a MongoDB update without the whole document after it. Fix:"
        + " set the connector's capture.mode to change_streams_update_full"), partial.getMessage());

    DecodedChange delete = decode(records.get(4));
    assertEquals(Operation.DELETE, delete.operation());
    assertRow(new Object[] {"1004", null}, delete.before());
    assertNull(delete.after());
    assertEquals(Optional.empty(), decoder.decode(records.get(5)));
  }

  @Test
  void keepsStringIdsAndOtherIdsAsText() {
    assertEquals("sku-7", MongoDocuments.id("\"sku-7\""));
    assertEquals("{\"$numberDecimal\": \"1.5\"}", MongoDocuments.id("{\"$numberDecimal\": \"1.5\"}"));
  }

  private DecodedChange decode(SinkRecord record) {
    return decoder.decode(record).orElseThrow();
  }
}
