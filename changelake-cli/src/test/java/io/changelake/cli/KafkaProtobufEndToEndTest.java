package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Timestamp;
import com.google.protobuf.TimestampProto;
import io.changelake.api.spi.WriteMode;
import io.changelake.testkit.KafkaBroker;
import io.changelake.testkit.SchemaRegistryServer;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.utils.ByteUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debezium change events serialized with Protobuf in the Confluent wire format (keys and values, schemas in a
 * registry on loopback, the envelope not the file's first message so records carry message indexes) through a
 * real in-process broker into Iceberg, Delta and Paimon, compared row by row across a stop and resume; records
 * that cannot be read (an unknown message index, bytes that are not the message) go to the errors table with
 * {@code on-error=skip} while the table goes on.
 *
 * <p>The records are written by protobuf-java's {@link DynamicMessage} with descriptors built here field by
 * field, independently of the {@code .proto} text the registry holds and changelake parses.
 */
class KafkaProtobufEndToEndTest {
  private static final String TOPIC = "pg.inventory.items";

  /** The value schema as Confluent's ProtobufConverter registers Debezium's envelope (time.precision.mode=connect). */
  private static final String VALUE_PROTO = """
      syntax = "proto3";
      package pg.inventory.items;

      import "confluent/meta.proto";
      import "confluent/type/decimal.proto";
      import "google/protobuf/timestamp.proto";

      message Value {
        int64 id = 1;
        string name = 2;
        confluent.type.Decimal price = 3 [(confluent.field_meta) = { params: [
          { key: "precision", value: "10" }, { key: "scale", value: "2" } ] }];
        google.protobuf.Timestamp created_at = 4;
      }
      message Envelope {
        Value before = 1;
        Value after = 2;
        Source source = 3;
        string op = 4;
        int64 ts_ms = 5;

        message Source {
          string connector = 1;
          int64 ts_ms = 2;
          string db = 3;
          string schema = 4;
          string table = 5;
        }
      }
      """;
  private static final String KEY_PROTO = """
      syntax = "proto3";
      package pg.inventory.items;

      message Key {
        int64 id = 1;
      }
      """;
  /** The envelope is the file's second message: its records carry the message indexes [1]. */
  private static final List<Integer> ENVELOPE_INDEXES = List.of(1);

  private static final Descriptor DECIMAL;
  private static final Descriptor VALUE;
  private static final Descriptor ENVELOPE;
  private static final Descriptor SOURCE;
  private static final Descriptor KEY;

  static {
    try {
      FileDescriptor decimal = FileDescriptor.buildFrom(FileDescriptorProto.newBuilder()
          .setName("confluent/type/decimal.proto").setPackage("confluent.type").setSyntax("proto3")
          .addMessageType(message("Decimal", field("value", 1, Type.TYPE_BYTES), field("precision", 2,
              Type.TYPE_UINT32), field("scale", 3, Type.TYPE_INT32))).build(), new FileDescriptor[0]);
      FileDescriptor values = FileDescriptor.buildFrom(FileDescriptorProto.newBuilder()
          .setName("items.proto").setPackage("pg.inventory.items").setSyntax("proto3")
          .addDependency("confluent/type/decimal.proto").addDependency("google/protobuf/timestamp.proto")
          .addMessageType(message("Value", field("id", 1, Type.TYPE_INT64), field("name", 2, Type.TYPE_STRING),
              field("price", 3, ".confluent.type.Decimal"), field("created_at", 4, ".google.protobuf.Timestamp")))
          .addMessageType(message("Envelope", field("before", 1, ".pg.inventory.items.Value"),
              field("after", 2, ".pg.inventory.items.Value"), field("source", 3, ".pg.inventory.items.Envelope.Source"),
              field("op", 4, Type.TYPE_STRING), field("ts_ms", 5, Type.TYPE_INT64)).toBuilder()
              .addNestedType(message("Source", field("connector", 1, Type.TYPE_STRING), field("ts_ms", 2,
                  Type.TYPE_INT64), field("db", 3, Type.TYPE_STRING), field("schema", 4, Type.TYPE_STRING),
                  field("table", 5, Type.TYPE_STRING))))
          .build(), new FileDescriptor[] {decimal, TimestampProto.getDescriptor()});
      FileDescriptor keys = FileDescriptor.buildFrom(FileDescriptorProto.newBuilder().setName("key.proto")
          .setPackage("pg.inventory.items").setSyntax("proto3")
          .addMessageType(message("Key", field("id", 1, Type.TYPE_INT64))).build(), new FileDescriptor[0]);
      DECIMAL = decimal.findMessageTypeByName("Decimal");
      VALUE = values.findMessageTypeByName("Value");
      ENVELOPE = values.findMessageTypeByName("Envelope");
      SOURCE = ENVELOPE.findNestedTypeByName("Source");
      KEY = keys.findMessageTypeByName("Key");
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static KafkaBroker kafka;

  @TempDir
  Path warehouse;

  @BeforeAll
  static void startBroker() {
    kafka = KafkaBroker.start();
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void debeziumEnvelopesInProtobufThroughTheRegistryInEveryFormatWithUnreadableRecordsSkipped() throws Exception {
    kafka.createTopic(TOPIC, 1);
    Map<String, Map<String, String>> expected = new TreeMap<>();
    Map<String, Map<String, String>> errors = new TreeMap<>();
    int valueSchemaId;
    TableComparison.SourceRows source = (table, key) -> new TreeMap<>(table.equals("items") ? expected : errors);
    try (SchemaRegistryServer registry = SchemaRegistryServer.start();
        KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
      Ids ids = new Ids(registry.register(TOPIC + "-key", "PROTOBUF", KEY_PROTO),
          registry.register(TOPIC + "-value", "PROTOBUF", VALUE_PROTO));
      valueSchemaId = ids.value();
      for (long id = 1; id <= 5; id++) {
        change(producer, ids, "r", id, "snap" + id, expected);
      }
      change(producer, ids, "r", 2, "snap2-again", expected); // a snapshot read repeated: an upsert
      change(producer, ids, "c", 6, "created", expected);
      byte[] key = key(ids, 7);
      sendBad(producer, key, wire(ids.value(), List.of(7), new byte[0]), errors); // no 8th message in the file
      change(producer, ids, "u", 3, "updated", expected);
      change(producer, ids, "d", 4, "gone", expected);
      producer.flush();
      Map<String, String> options = new LinkedHashMap<>();
      options.put("bootstrap.servers", kafka.bootstrapServers());
      options.put("topics", TOPIC);
      options.put("envelope", "debezium");
      options.put("key.format", "protobuf");
      options.put("value.format", "protobuf");
      options.put("schema.registry.url", registry.url().toString());
      options.put("on-error", "skip");
      try (RunningSync sync = sync(options)) {
        sync.awaitMirrored(source, "items", "id");
        sync.awaitMirrored(source, "_changelake_errors", "partition,offset");
        assertEquals(0, sync.stop());
      }
      change(producer, ids, "u", 1, "streamed", expected);
      // field 2 (after) whose length runs past the end of the bytes
      sendBad(producer, key, wire(ids.value(), ENVELOPE_INDEXES, new byte[] {0x12, 0x05, 0x0a, 0x7f}), errors);
      change(producer, ids, "d", 5, "gone", expected);
      change(producer, ids, "c", 8, "late", expected);
      producer.flush();
      try (RunningSync sync = sync(options)) {
        sync.awaitMirrored(source, "items", "id");
        sync.awaitMirrored(source, "_changelake_errors", "partition,offset");
      }
    }
    assertEquals(2, errors.size());
    for (String format : RunningSync.ALL_FORMATS) {
      List<String> reasons = TableComparison.lake(format, LakeFormats.location(warehouse.toString(), format, true),
          "lake", "_changelake_errors", "partition,offset").values().stream().map(row -> row.get("reason")).toList();
      String decode = "does not decode with PROTOBUF schema id " + valueSchemaId + ": ";
      assertTrue(reasons.stream().anyMatch(reason -> reason.contains(decode + "message indexes [7] name no message"
          + " of the schema (it declares 2 top-level messages)")), () -> format + ": " + reasons);
      assertTrue(reasons.stream().anyMatch(reason -> reason.contains(decode + "the bytes are not a Protobuf message"
          + " pg.inventory.items.Envelope")), () -> format + ": " + reasons);
    }
  }

  @Test
  void upsertTopicInProtobufWithTombstonesInEveryFormat() throws Exception {
    String topic = "shop.products";
    kafka.createTopic(topic, 2);
    Map<String, Map<String, String>> expected = new TreeMap<>();
    try (SchemaRegistryServer registry = SchemaRegistryServer.start();
        KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
      Ids ids = new Ids(registry.register(topic + "-key", "PROTOBUF", KEY_PROTO),
          registry.register(topic + "-value", "PROTOBUF", VALUE_PROTO));
      for (long id = 1; id <= 12; id++) {
        upsert(producer, topic, ids, id, "p" + id, expected);
      }
      for (long id = 3; id <= 12; id += 3) {
        upsert(producer, topic, ids, id, id % 2 == 0 ? null : "again" + id, expected);
      }
      producer.flush();
      Map<String, String> options = new LinkedHashMap<>();
      options.put("bootstrap.servers", kafka.bootstrapServers());
      options.put("topics", topic);
      options.put("envelope", "upsert");
      options.put("key.format", "protobuf");
      options.put("value.format", "protobuf");
      options.put("schema.registry.url", registry.url().toString());
      try (RunningSync sync = sync(options)) {
        sync.awaitMirrored((table, key) -> new TreeMap<>(expected), "products", "id");
      }
    }
  }

  /** Upserts {@code id} with a Value message (the file's first: message indexes [0]), or deletes it when {@code name} is null. */
  private static void upsert(KafkaProducer<byte[], byte[]> producer, String topic, Ids ids, long id, String name,
      Map<String, Map<String, String>> expected) {
    byte[] value = null;
    if (name == null) {
      expected.remove(id + "|");
    } else {
      value = wire(ids.value(), List.of(0), row(id, name, expected).toByteArray());
    }
    producer.send(new ProducerRecord<>(topic, (int) (id % 2), key(ids, id), value));
  }

  private RunningSync sync(Map<String, String> options) {
    return new RunningSync(RunningSync.request("kafka", options, warehouse.toString(), WriteMode.UPSERT, List.of(),
        RunningSync.ALL_FORMATS));
  }

  private record Ids(int key, int value) { }

  /** One Debezium change of inventory.items, keeping {@code expected}; a delete is followed by its tombstone. */
  private static void change(KafkaProducer<byte[], byte[]> producer, Ids ids, String op, long id, String name,
      Map<String, Map<String, String>> expected) {
    boolean delete = op.equals("d");
    DynamicMessage envelope = DynamicMessage.newBuilder(ENVELOPE)
        .setField(ENVELOPE.findFieldByName(delete ? "before" : "after"), row(id, name, expected))
        .setField(ENVELOPE.findFieldByName("source"), DynamicMessage.newBuilder(SOURCE)
            .setField(SOURCE.findFieldByName("connector"), "postgresql")
            .setField(SOURCE.findFieldByName("ts_ms"), 1_733_400_000_123L)
            .setField(SOURCE.findFieldByName("db"), "shop").setField(SOURCE.findFieldByName("schema"), "inventory")
            .setField(SOURCE.findFieldByName("table"), "items").build())
        .setField(ENVELOPE.findFieldByName("op"), op)
        .setField(ENVELOPE.findFieldByName("ts_ms"), 1_733_400_000_200L)
        .build();
    byte[] key = key(ids, id);
    producer.send(new ProducerRecord<>(TOPIC, 0, key, wire(ids.value(), ENVELOPE_INDEXES, envelope.toByteArray())));
    if (delete) {
      producer.send(new ProducerRecord<>(TOPIC, 0, key, null)); // Debezium's tombstone after a delete
      expected.remove(id + "|");
    }
  }

  /** The row {@code id} as a Value message; puts the row it must become into {@code expected}. */
  private static DynamicMessage row(long id, String name, Map<String, Map<String, String>> expected) {
    long millis = 1_733_400_000_123L + id;
    BigDecimal price = BigDecimal.valueOf(id * 1000 + 99, 2);
    Map<String, String> expectedRow = new LinkedHashMap<>();
    expectedRow.put("id", Long.toString(id));
    expectedRow.put("name", name);
    expectedRow.put("price", price.toPlainString());
    expectedRow.put("created_at", LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC).toString());
    expected.put(id + "|", expectedRow);
    return DynamicMessage.newBuilder(VALUE)
        .setField(VALUE.findFieldByName("id"), id)
        .setField(VALUE.findFieldByName("name"), name)
        .setField(VALUE.findFieldByName("price"), DynamicMessage.newBuilder(DECIMAL)
            .setField(DECIMAL.findFieldByName("value"), ByteString.copyFrom(price.unscaledValue().toByteArray()))
            .setField(DECIMAL.findFieldByName("precision"), 10).setField(DECIMAL.findFieldByName("scale"), 2).build())
        .setField(VALUE.findFieldByName("created_at"), Timestamp.newBuilder().setSeconds(millis / 1000)
            .setNanos((int) (millis % 1000) * 1_000_000).build())
        .build();
  }

  private static byte[] key(Ids ids, long id) {
    return wire(ids.key(), List.of(0), DynamicMessage.newBuilder(KEY).setField(KEY.findFieldByName("id"), id).build()
        .toByteArray());
  }

  /** Sends a record changelake cannot read and keeps the errors-table row it must become. */
  private static void sendBad(KafkaProducer<byte[], byte[]> producer, byte[] key, byte[] value,
      Map<String, Map<String, String>> errors) throws Exception {
    RecordMetadata sent = producer.send(new ProducerRecord<>(TOPIC, 0, key, value)).get();
    Map<String, String> row = new LinkedHashMap<>();
    row.put("topic", TOPIC);
    row.put("partition", "0");
    row.put("offset", Long.toString(sent.offset()));
    row.put("key", HexFormat.of().formatHex(key));
    row.put("value", HexFormat.of().formatHex(value));
    row.put("timestamp", Instant.ofEpochMilli(sent.timestamp()).toString());
    row.put("_change_op", "c");
    errors.put("0|" + sent.offset() + "|", row);
  }

  /**
   * {@code payload} as Confluent's Protobuf serializer frames it: magic byte, schema id, the message indexes
   * (zig-zag varints: the count, then the indexes; {@code [0]} as the single byte 0).
   */
  private static byte[] wire(int schemaId, List<Integer> indexes, byte[] payload) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(0);
      out.writeInt(schemaId);
      if (!indexes.equals(List.of(0))) {
        ByteUtils.writeVarint(indexes.size(), out);
      }
      for (int index : indexes) {
        ByteUtils.writeVarint(index, out);
      }
      out.write(payload);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static DescriptorProto message(String name, FieldDescriptorProto... fields) {
    return DescriptorProto.newBuilder().setName(name).addAllField(List.of(fields)).build();
  }

  private static FieldDescriptorProto field(String name, int number, Type type) {
    return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setLabel(Label.LABEL_OPTIONAL)
        .setType(type).build();
  }

  private static FieldDescriptorProto field(String name, int number, String messageType) {
    return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setLabel(Label.LABEL_OPTIONAL)
        .setType(Type.TYPE_MESSAGE).setTypeName(messageType).build();
  }
}
