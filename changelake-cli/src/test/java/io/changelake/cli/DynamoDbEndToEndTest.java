package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.changelake.api.spi.WriteMode;
import io.changelake.testkit.KafkaBroker;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DynamoDB stream records (the Confluent DynamoDB CDC connector's topics, written here in the documented DynamoDB
 * Streams format: no DynamoDB runs here) through a real in-process broker into Iceberg, Delta and Paimon: snapshot
 * records, inserts, a modify that adds an attribute (a new column), removes, a stop and a resume; every format
 * compared row by row with the items. With {@code on-error=skip}, an item whose attribute changed type lands in the
 * errors table and the others go on.
 */
class DynamoDbEndToEndTest {
  private static final String ARN =
      "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2025-12-01T00:00:00.000";
  private static final Schema DYNAMODB = SchemaBuilder.struct().field("ApproximateCreationDateTime",
      Schema.OPTIONAL_INT64_SCHEMA).field("Keys", Schema.STRING_SCHEMA).field("NewImage", Schema.OPTIONAL_STRING_SCHEMA)
      .field("OldImage", Schema.OPTIONAL_STRING_SCHEMA).field("SequenceNumber", Schema.OPTIONAL_STRING_SCHEMA).build();
  private static final Schema RECORD = SchemaBuilder.struct().field("eventID", Schema.STRING_SCHEMA)
      .field("eventName", Schema.OPTIONAL_STRING_SCHEMA).field("eventSource", Schema.OPTIONAL_STRING_SCHEMA)
      .field("eventSourceARN", Schema.OPTIONAL_STRING_SCHEMA).field("dynamodb", DYNAMODB).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = "customer,order_id";

  private static KafkaBroker kafka;
  private static JsonConverter keyConverter;
  private static JsonConverter values;

  /** The items as the lake must show them, by key; the columns the lake has learned so far. */
  private final Map<String, Map<String, String>> items = new TreeMap<>();
  private final List<String> columns = new ArrayList<>(List.of("customer", "order_id", "total", "paid", "photo"));
  private String topic = "ddb.orders";
  private int partitions = 2;
  private long sequence;

  @TempDir
  Path warehouse;

  @BeforeAll
  static void startBroker() {
    kafka = KafkaBroker.start();
    keyConverter = new JsonConverter();
    keyConverter.configure(Map.of("schemas.enable", "true"), true);
    values = new JsonConverter();
    values.configure(Map.of("schemas.enable", "true"), false);
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  /** The expected rows: every item with every column learned so far (null where the item lacks it). */
  private Map<String, Map<String, String>> rows() {
    Map<String, Map<String, String>> rows = new TreeMap<>();
    for (Map<String, String> item : items.values()) {
      Map<String, String> row = new LinkedHashMap<>();
      columns.forEach(column -> row.put(column, item.get(column)));
      rows.put(TableComparison.keyOf(row, KEY), row);
    }
    return rows;
  }

  /**
   * Sends a stream record for item ({@code customer}, {@code id}): {@code eventName} null for a snapshot record;
   * {@code attributes} maps names to a String (S), BigDecimal (N), Boolean (BOOL), byte[] (B) or List of strings
   * (SS). Keeps {@link #items} as the table must end.
   */
  private void send(KafkaProducer<byte[], byte[]> producer, String eventName, String customer, long id,
      Map<String, Object> attributes) throws Exception {
    Map<String, Object> keys = new LinkedHashMap<>();
    keys.put("customer", Map.of("S", customer));
    keys.put("order_id", Map.of("N", Long.toString(id)));
    Map<String, Object> image = new LinkedHashMap<>(keys);
    Map<String, String> lake = new LinkedHashMap<>();
    lake.put("customer", customer);
    lake.put("order_id", new BigDecimal(id).setScale(18).toPlainString());
    attributes.forEach((name, value) -> {
      image.put(name, attribute(value));
      lake.put(name, lakeText(value));
    });
    sequence++;
    boolean remove = "REMOVE".equals(eventName);
    Struct body = new Struct(DYNAMODB).put("ApproximateCreationDateTime", 1_764_000_000L + sequence)
        .put("Keys", JSON.writeValueAsString(keys)).put("SequenceNumber", Long.toString(1_000_000_000_000_000_000L
            + sequence)).put(remove ? "OldImage" : "NewImage", JSON.writeValueAsString(image));
    Struct record = new Struct(RECORD).put("eventID", "e" + sequence).put("eventName", eventName)
        .put("eventSource", "aws:dynamodb").put("eventSourceARN", ARN).put("dynamodb", body);
    producer.send(new ProducerRecord<>(topic, (int) (id % partitions), recordKey(keys),
        values.fromConnectData(topic, RECORD, record)));
    String key = customer + "|" + id;
    if (remove) {
      items.remove(key);
    } else {
      items.put(key, lake);
    }
  }

  /** The record key: the item's key attributes as DynamoDB JSON text (the decoder reads Keys from the value). */
  private byte[] recordKey(Map<String, Object> keys) throws Exception {
    return keyConverter.fromConnectData(topic, Schema.STRING_SCHEMA, JSON.writeValueAsString(keys));
  }

  private static Object attribute(Object value) {
    if (value instanceof String s) {
      return Map.of("S", s);
    }
    if (value instanceof BigDecimal n) {
      return Map.of("N", n.toString());
    }
    if (value instanceof Boolean b) {
      return Map.of("BOOL", b);
    }
    if (value instanceof byte[] bytes) {
      return Map.of("B", Base64.getEncoder().encodeToString(bytes));
    }
    return Map.of("SS", value);
  }

  private static String lakeText(Object value) {
    if (value instanceof BigDecimal n) {
      return n.setScale(18).toPlainString();
    }
    if (value instanceof byte[] bytes) {
      return HexFormat.of().formatHex(bytes);
    }
    if (value instanceof List<?> list) {
      try {
        return JSON.writeValueAsString(list);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return String.valueOf(value);
  }

  private static Map<String, Object> order(String total, boolean paid) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("total", new BigDecimal(total));
    attributes.put("paid", paid);
    return attributes;
  }

  private RunningSync sync(boolean skip) {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("bootstrap.servers", kafka.bootstrapServers());
    options.put("topics", topic);
    options.put("envelope", "dynamodb");
    if (skip) {
      options.put("on-error", "skip");
    }
    return new RunningSync(RunningSync.request("kafka", options, warehouse.toString(), WriteMode.UPSERT, List.of(),
        RunningSync.ALL_FORMATS));
  }

  @Test
  void snapshotThenChangesAcrossStopAndResumeInEveryFormat() throws Exception {
    kafka.createTopic(topic, partitions);
    TableComparison.SourceRows source = (table, key) -> rows();
    try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
      for (long id = 1; id <= 8; id++) {
        Map<String, Object> attributes = order(id + ".25", id % 2 == 0);
        attributes.put("photo", new byte[] {(byte) id, 0, (byte) 0xff});
        send(producer, null, "c" + (id % 3), id, attributes);
      }
      producer.flush();
      try (RunningSync sync = sync(false)) {
        sync.awaitMirrored(source, "orders", KEY);
        for (long id = 9; id <= 12; id++) {
          send(producer, "INSERT", "c" + (id % 3), id, order("-" + id + ".000000000000000001", false));
        }
        Map<String, Object> shipped = order("3.25", false);
        shipped.put("status", "shipped");
        send(producer, "MODIFY", "c0", 3, shipped);
        columns.add("status");
        send(producer, "REMOVE", "c2", 5, order("5.25", false));
        producer.flush();
        sync.awaitMirrored(source, "orders", KEY);
        assertEquals(0, sync.stop());
      }
      Map<String, Object> tagged = order("99999999999999999999.999999999999999999", true);
      tagged.put("tags", List.of("gift", "red"));
      send(producer, "MODIFY", "c1", 4, tagged);
      columns.add("tags");
      send(producer, "REMOVE", "c0", 9, Map.of());
      send(producer, "INSERT", "c1", 13, order("13", true));
      producer.flush();
    }
    try (RunningSync sync = sync(false)) {
      sync.awaitMirrored(source, "orders", KEY);
    }
  }

  @Test
  void anAttributeThatChangesTypeGoesToTheErrorsTableWithSkip() throws Exception {
    topic = "ddb.refunds";
    partitions = 1;
    kafka.createTopic(topic, partitions);
    TableComparison.SourceRows source = (table, key) -> rows();
    try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
      send(producer, null, "c0", 1, order("1.5", true));
      send(producer, null, "c1", 2, order("2.5", false));
      Map<String, Object> textTotal = new LinkedHashMap<>();
      textTotal.put("total", "3 EUR");
      send(producer, "INSERT", "c0", 3, textTotal);
      items.remove("c0|3");
      send(producer, "INSERT", "c1", 4, order("4", true));
      producer.flush();
    }
    columns.remove("photo");
    try (RunningSync sync = sync(true)) {
      sync.awaitMirrored(source, "orders", KEY);
      for (String format : RunningSync.ALL_FORMATS) {
        sync.await(format + " errors table to hold the record", () -> !TableComparison.lake(format,
            sync.location(format), "lake", "_changelake_errors", "partition,offset").isEmpty());
        Map<String, Map<String, String>> errors = TableComparison.lake(format, sync.location(format), "lake",
            "_changelake_errors", "partition,offset");
        assertEquals(List.of("0|2|"), List.copyOf(errors.keySet()), format);
        String reason = errors.get("0|2|").get("reason");
        assertTrue(reason.contains("attribute total is S (a string) in this item but N (a number) in earlier items of"
            + " table orders"), () -> format + ": " + reason);
      }
    }
  }
}
