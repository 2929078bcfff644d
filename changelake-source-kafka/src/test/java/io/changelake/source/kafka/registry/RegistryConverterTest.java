package io.changelake.source.kafka.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.testkit.SchemaRegistryServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Records in the Confluent wire format, produced with Avro's own writer and schemas registered in a
 * registry on loopback, read back into exactly the Connect data the Debezium connector emitted.
 */
class RegistryConverterTest {
  private static SchemaRegistryServer server;
  private static SchemaRegistryClient registry;

  @BeforeAll
  static void startRegistry() {
    server = SchemaRegistryServer.start();
    registry = new SchemaRegistryClient(RegistryConfig.parse(Map.of("schema.registry.url", server.url().toString())));
  }

  @AfterAll
  static void stopRegistry() {
    server.close();
  }

  @Test
  void avroDebeziumEnvelopeDecodesToTheConnectorsConnectData() throws IOException {
    int id = server.register(DebeziumEnvelope.TOPIC + "-value", "AVRO", DebeziumEnvelope.AVRO);
    byte[] record = wire(id, avro(DebeziumEnvelope.AVRO, DebeziumAvro::insert));

    SchemaAndValue decoded = converter(RegistryConverters.AVRO).toConnectData(DebeziumEnvelope.TOPIC, record);

    assertEquals(DebeziumEnvelope.SCHEMA, decoded.schema());
    assertEquals(DebeziumEnvelope.insert(), decoded.value());
    Struct after = ((Struct) decoded.value()).getStruct("after");
    assertEquals(DebeziumEnvelope.PRICE_VALUE, after.get("price"));
    assertEquals(Map.of("scale", "2", "connect.decimal.precision", "10"),
        after.schema().field("price").schema().parameters());
  }

  @Test
  void jsonSchemaDebeziumEnvelopeDecodesToTheConnectorsConnectData() {
    int id = server.register(DebeziumEnvelope.TOPIC + "-json-value", "JSON", DebeziumEnvelope.JSON_SCHEMA);
    byte[] record = wire(id, DebeziumEnvelope.JSON_PAYLOAD.getBytes(StandardCharsets.UTF_8));

    SchemaAndValue decoded = converter(RegistryConverters.JSON_SCHEMA).toConnectData(DebeziumEnvelope.TOPIC, record);

    assertEquals(DebeziumEnvelope.SCHEMA, decoded.schema());
    assertEquals(DebeziumEnvelope.insert(), decoded.value());
  }

  @Test
  void eachRecordDecodesWithTheSchemaVersionItWasWrittenWith() throws IOException {
    String v1 = """
        {"type":"record","name":"Order","namespace":"shop","fields":[
          {"name":"id","type":"long"},{"name":"status","type":"string"}]}""";
    String v2 = """
        {"type":"record","name":"Order","namespace":"shop","fields":[
          {"name":"id","type":"long"},{"name":"status","type":"string"},
          {"name":"coupon","type":["null","string"],"default":null}]}""";
    int id1 = server.register("orders-value", "AVRO", v1);
    int id2 = server.register("orders-value", "AVRO", v2);
    byte[] old = wire(id1, avro(v1, schema -> order(schema, 1, "new")));
    byte[] evolved = wire(id2, avro(v2, schema -> {
      GenericRecord order = order(schema, 2, "paid");
      order.put("coupon", "XMAS");
      return order;
    }));
    RegistryConverter converter = converter(RegistryConverters.AVRO);

    SchemaAndValue first = converter.toConnectData("orders", old);
    SchemaAndValue second = converter.toConnectData("orders", evolved);

    org.apache.kafka.connect.data.Schema expected1 = SchemaBuilder.struct().name("shop.Order")
        .field("id", org.apache.kafka.connect.data.Schema.INT64_SCHEMA)
        .field("status", org.apache.kafka.connect.data.Schema.STRING_SCHEMA).build();
    org.apache.kafka.connect.data.Schema expected2 = SchemaBuilder.struct().name("shop.Order")
        .field("id", org.apache.kafka.connect.data.Schema.INT64_SCHEMA)
        .field("status", org.apache.kafka.connect.data.Schema.STRING_SCHEMA)
        .field("coupon", SchemaBuilder.string().optional().defaultValue(null).build()).build();
    assertEquals(expected1, first.schema());
    assertEquals(new Struct(expected1).put("id", 1L).put("status", "new"), first.value());
    assertEquals(expected2, second.schema());
    assertEquals(new Struct(expected2).put("id", 2L).put("status", "paid").put("coupon", "XMAS"), second.value());
  }

  @Test
  void jsonSchemaKeysOfTwoVersionsEachDecodeWithTheirOwnSchema() {
    String v1 = """
        {"type":"object","title":"dbserver1.inventory.customers.Key","properties":{
          "id":{"type":"integer","connect.index":0,"connect.type":"int32"}}}""";
    String v2 = """
        {"type":"object","title":"dbserver1.inventory.customers.Key","properties":{
          "id":{"type":"integer","connect.index":0,"connect.type":"int32"},
          "tenant":{"oneOf":[{"type":"null"},{"type":"string"}],"connect.index":1}}}""";
    int id1 = server.register("customers-key", "JSON", v1);
    int id2 = server.register("customers-key", "JSON", v2);
    RegistryConverter keys = RegistryConverters.create(RegistryConverters.JSON_SCHEMA, true, registry);

    SchemaAndValue first = keys.toConnectData("customers", wire(id1, "{\"id\":7}".getBytes(StandardCharsets.UTF_8)));
    SchemaAndValue second = keys.toConnectData("customers",
        wire(id2, "{\"id\":8,\"tenant\":\"eu\"}".getBytes(StandardCharsets.UTF_8)));

    org.apache.kafka.connect.data.Schema key1 = SchemaBuilder.struct().name("dbserver1.inventory.customers.Key")
        .field("id", org.apache.kafka.connect.data.Schema.INT32_SCHEMA).build();
    org.apache.kafka.connect.data.Schema key2 = SchemaBuilder.struct().name("dbserver1.inventory.customers.Key")
        .field("id", org.apache.kafka.connect.data.Schema.INT32_SCHEMA)
        .field("tenant", org.apache.kafka.connect.data.Schema.OPTIONAL_STRING_SCHEMA).build();
    assertEquals(new SchemaAndValue(key1, new Struct(key1).put("id", 7)), first);
    assertEquals(new SchemaAndValue(key2, new Struct(key2).put("id", 8).put("tenant", "eu")), second);
  }

  @Test
  void aSchemaIsFetchedOncePerId() throws IOException {
    String schema = """
        {"type":"record","name":"Tick","fields":[{"name":"n","type":"int"}]}""";
    int id = server.register("ticks-value", "AVRO", schema);
    RegistryConverter converter = converter(RegistryConverters.AVRO);
    converter.toConnectData("ticks", wire(id, avro(schema, s -> tick(s, 1))));
    int requests = server.requestCount();

    SchemaAndValue second = converter.toConnectData("ticks", wire(id, avro(schema, s -> tick(s, 2))));

    assertEquals(requests, server.requestCount());
    assertEquals(2, ((Struct) second.value()).get("n"));
  }

  @Test
  void aTombstoneStaysNull() {
    assertEquals(SchemaAndValue.NULL, converter(RegistryConverters.AVRO).toConnectData("t", null));
  }

  @Test
  void aRecordWithoutTheMagicByteSaysTheTopicIsNotInTheWireFormat() {
    DataException e = assertThrows(DataException.class, () -> converter(RegistryConverters.AVRO)
        .toConnectData("plain", "{\"id\":1}".getBytes(StandardCharsets.UTF_8)));

    assertEquals("The value of a record of topic 'plain' is not in the Confluent wire format (it starts with byte"
        + " 0x7b, not the magic byte 0x00): value.format=avro reads only records serialized through a schema"
        + " registry. If the topic holds plain JSON, set value.format=json.", e.getMessage());
  }

  @Test
  void anUnknownSchemaIdNamesTheIdTopicAndRegistry() {
    DataException e = assertThrows(DataException.class, () -> converter(RegistryConverters.AVRO)
        .toConnectData("orders", wire(9999, new byte[] {2})));

    assertEquals("Schema id 9999 of the value of a record of topic 'orders' is unknown to the schema registry at "
        + server.url() + ": the record was written through another registry, or its schema was deleted.",
        e.getMessage());
  }

  @Test
  void aSchemaOfAnotherTypeNamesTheFormatToSet() {
    int id = server.register("mixed-value", "JSON", "{\"type\":\"string\"}");

    DataException e = assertThrows(DataException.class, () -> converter(RegistryConverters.AVRO)
        .toConnectData("mixed", wire(id, "\"x\"".getBytes(StandardCharsets.UTF_8))));

    assertTrue(e.getMessage().endsWith("is a JSON schema, but value.format=avro reads AVRO schemas: set"
        + " value.format to json-schema."), e.getMessage());
  }

  @Test
  void aPayloadThatDoesNotFitItsSchemaNamesTopicAndId() {
    int id = server.register("short-value", "AVRO", "{\"type\":\"record\",\"name\":\"R\",\"fields\":["
        + "{\"name\":\"a\",\"type\":\"long\"},{\"name\":\"b\",\"type\":\"string\"}]}");

    DataException e = assertThrows(DataException.class, () -> converter(RegistryConverters.AVRO)
        .toConnectData("short", wire(id, new byte[] {2})));

    assertTrue(e.getMessage().startsWith("The value of a record of topic 'short' does not decode with AVRO schema id "
        + id + ": "), e.getMessage());
  }

  @Test
  void anAvroSchemaWithReferencesIsRefusedNamingThem() {
    server.register("shared-money", "AVRO", "{\"type\":\"fixed\",\"name\":\"Money\",\"size\":8}");
    int id = server.register("refs-value", "AVRO", "{\"type\":\"record\",\"name\":\"R\",\"fields\":["
        + "{\"name\":\"m\",\"type\":\"Money\"}]}",
        java.util.List.of(new SchemaRegistryServer.Reference("Money", "shared-money", 1)));

    DataException e = assertThrows(DataException.class, () -> converter(RegistryConverters.AVRO)
        .toConnectData("refs", wire(id, new byte[8])));

    assertEquals("Schema id " + id + " of topic 'refs' imports other schemas [Money (shared-money/1)];"
        + " value.format=avro does not read schemas with references yet (protobuf does): register a self-contained"
        + " schema.", e.getMessage());
  }

  private static RegistryConverter converter(String format) {
    return RegistryConverters.create(format, false, registry);
  }

  /** {@code payload} behind the Confluent wire-format header of schema {@code id}. */
  static byte[] wire(int id, byte[] payload) {
    return ByteBuffer.allocate(5 + payload.length).put((byte) 0).putInt(id).put(payload).array();
  }

  /** The record {@code build} makes for the Avro schema {@code text}, written by Avro's own writer. */
  private static byte[] avro(String text, java.util.function.Function<Schema, GenericRecord> build)
      throws IOException {
    Schema schema = new Schema.Parser().parse(text);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(build.apply(schema), encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static GenericRecord order(Schema schema, long id, String status) {
    GenericRecord order = new GenericData.Record(schema);
    order.put("id", id);
    order.put("status", status);
    return order;
  }

  private static GenericRecord tick(Schema schema, int n) {
    GenericRecord tick = new GenericData.Record(schema);
    tick.put("n", n);
    return tick;
  }

  /** {@link DebeziumEnvelope#insert()} as Avro generic records, as Confluent's AvroConverter writes it. */
  private static final class DebeziumAvro {
    static GenericRecord insert(Schema envelope) {
      Schema row = envelope.getField("after").schema().getTypes().get(1);
      Schema weightSchema = row.getField("weight").schema().getTypes().get(1);
      GenericRecord weight = new GenericData.Record(weightSchema);
      weight.put("scale", DebeziumEnvelope.WEIGHT_VALUE.scale());
      weight.put("value", ByteBuffer.wrap(DebeziumEnvelope.WEIGHT_VALUE.unscaledValue().toByteArray()));
      GenericRecord after = new GenericData.Record(row);
      after.put("id", 7);
      after.put("created_at", DebeziumEnvelope.CREATED_AT_MICROS);
      after.put("price", ByteBuffer.wrap(DebeziumEnvelope.PRICE_VALUE.unscaledValue().toByteArray()));
      after.put("weight", weight);
      after.put("note", null);
      GenericRecord source = new GenericData.Record(envelope.getField("source").schema());
      source.put("version", "3.6.1.Final");
      source.put("connector", "postgresql");
      source.put("name", "dbserver1");
      source.put("ts_ms", 1_733_400_000_123L);
      source.put("snapshot", "false");
      source.put("db", "shop");
      source.put("schema", "inventory");
      source.put("table", "customers");
      source.put("lsn", 24_023_128L);
      GenericRecord record = new GenericData.Record(envelope);
      record.put("before", null);
      record.put("after", after);
      record.put("source", source);
      record.put("op", "c");
      record.put("ts_ms", 1_733_400_000_200L);
      return record;
    }
  }
}
