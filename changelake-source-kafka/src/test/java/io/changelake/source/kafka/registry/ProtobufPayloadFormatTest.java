package io.changelake.source.kafka.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Int64Value;
import io.changelake.testkit.SchemaRegistryServer;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.ByteUtils;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Protobuf records in the Confluent wire format, serialized by protobuf-java ({@link DynamicMessage} built
 * from the very {@code .proto} text registered in a registry on loopback), read back into Connect data
 * as Confluent's ProtobufData maps it; and the records that cannot be read, each with its reason.
 */
class ProtobufPayloadFormatTest {
  /** Every kind of field Connect data distinguishes, as a Confluent-registered proto3 schema would hold it. */
  private static final String ORDERS = """
      syntax = "proto3";
      package shop.v1;

      import "google/protobuf/timestamp.proto";
      import "google/protobuf/wrappers.proto";
      import "confluent/meta.proto";
      import "confluent/type/decimal.proto";
      import "google/type/date.proto";

      message Order {
        int64 id = 1;
        string customer = 2;
        Status status = 3;
        repeated Line lines = 4;
        map<string, int32> tags = 5;
        oneof payment {
          string card = 6;
          int64 voucher = 7;
        }
        optional string note = 8;
        google.protobuf.Timestamp created_at = 9;
        google.protobuf.Int64Value discount = 10;
        google.protobuf.StringValue coupon = 11;
        confluent.type.Decimal total = 12 [(confluent.field_meta) = { params: [
          { key: "precision", value: "10" }, { key: "scale", value: "2" } ] }];
        int32 priority = 13 [(confluent.field_meta).params = { key: "connect.type", value: "int16" }];
        uint32 units = 14;
        uint64 serial = 15;
        bytes blob = 16;
        google.type.Date due = 17;
        repeated string labels = 18;

        enum Status {
          STATUS_UNSPECIFIED = 0;
          PLACED = 1;
          SHIPPED = 2;
        }
        message Line {
          string sku = 1;
          int32 quantity = 2;
        }
      }

      message Other {
        string name = 1;
        message Inner {
          int64 n = 1;
        }
      }
      """;

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
  void everyFieldKindDecodesAsConfluentsProtobufDataMapsIt() {
    int id = server.register("orders-value", "PROTOBUF", ORDERS);
    Descriptor order = ProtoFiles.compile(ORDERS, ProtoFiles.Imports.NONE).file().findMessageTypeByName("Order");
    Descriptor line = order.findNestedTypeByName("Line");
    Descriptor total = order.findFieldByName("total").getMessageType();
    Descriptor due = order.findFieldByName("due").getMessageType();
    DynamicMessage.Builder message = DynamicMessage.newBuilder(order);
    set(message, "id", 42L);
    set(message, "customer", "ada");
    set(message, "status", order.findEnumTypeByName("Status").findValueByName("SHIPPED"));
    set(message, "card", "4111");
    set(message, "created_at", com.google.protobuf.Timestamp.newBuilder().setSeconds(1_733_400_000L)
        .setNanos(123_456_789).build());
    set(message, "discount", Int64Value.of(-5));
    set(message, "total", DynamicMessage.newBuilder(total)
        .setField(total.findFieldByName("value"), ByteString.copyFrom(BigInteger.valueOf(-1990).toByteArray()))
        .setField(total.findFieldByName("scale"), 2).build());
    set(message, "priority", 7);
    set(message, "units", -1);
    set(message, "serial", 99L);
    set(message, "blob", ByteString.copyFrom(new byte[] {1, 2, 3}));
    set(message, "due", DynamicMessage.newBuilder(due).setField(due.findFieldByName("year"), 2026)
        .setField(due.findFieldByName("month"), 12).setField(due.findFieldByName("day"), 6).build());
    FieldDescriptor lines = order.findFieldByName("lines");
    message.addRepeatedField(lines, DynamicMessage.newBuilder(line).setField(line.findFieldByName("sku"), "A-1")
        .setField(line.findFieldByName("quantity"), 2).build());
    FieldDescriptor tags = order.findFieldByName("tags");
    Descriptor tagEntry = tags.getMessageType();
    message.addRepeatedField(tags, DynamicMessage.newBuilder(tagEntry).setField(tagEntry.findFieldByName("key"), "vip")
        .setField(tagEntry.findFieldByName("value"), 1).build());

    SchemaAndValue decoded = converter().toConnectData("orders", wire(id, List.of(0), message.build()));

    Schema schema = decoded.schema();
    assertEquals("Order", schema.name());
    assertEquals(List.of("payment_0", "id", "customer", "status", "lines", "tags", "note", "created_at", "discount",
        "coupon", "total", "priority", "units", "serial", "blob", "due", "labels"),
        schema.fields().stream().map(org.apache.kafka.connect.data.Field::name).toList());
    assertEquals(Schema.Type.INT64, schema.field("id").schema().type());
    assertTrue(!schema.field("id").schema().isOptional(), "a proto3 scalar always has a value");
    assertEquals("1", schema.field("id").schema().parameters().get(ProtobufToConnect.TAG));
    assertTrue(schema.field("note").schema().isOptional(), "proto3 optional has presence");
    assertEquals(Map.of(ProtobufToConnect.ENUM, "Status", ProtobufToConnect.ENUM + ".STATUS_UNSPECIFIED", "0",
        ProtobufToConnect.ENUM + ".PLACED", "1", ProtobufToConnect.ENUM + ".SHIPPED", "2", ProtobufToConnect.TAG, "3"),
        schema.field("status").schema().parameters());
    assertEquals(Timestamp.LOGICAL_NAME, schema.field("created_at").schema().name());
    assertEquals(Date.LOGICAL_NAME, schema.field("due").schema().name());
    assertEquals(Decimal.LOGICAL_NAME, schema.field("total").schema().name());
    assertEquals("2", schema.field("total").schema().parameters().get(Decimal.SCALE_FIELD));
    assertEquals("10", schema.field("total").schema().parameters().get("connect.decimal.precision"));
    assertEquals(Schema.Type.INT16, schema.field("priority").schema().type());
    assertEquals(Schema.Type.INT64, schema.field("units").schema().type());
    assertEquals(Schema.Type.INT64, schema.field("discount").schema().type());
    assertTrue(schema.field("discount").schema().isOptional(), "a wrapper is an optional primitive");
    assertEquals(Schema.Type.MAP, schema.field("tags").schema().type());
    assertEquals(Schema.Type.ARRAY, schema.field("lines").schema().type());
    assertEquals("Line", schema.field("lines").schema().valueSchema().name());
    assertEquals(ProtobufToConnect.UNION_PREFIX + "payment", schema.field("payment_0").schema().name());

    Struct value = (Struct) decoded.value();
    assertEquals(42L, value.get("id"));
    assertEquals("ada", value.get("customer"));
    assertEquals("SHIPPED", value.get("status"));
    Struct payment = value.getStruct("payment_0");
    assertEquals("4111", payment.get("card"));
    assertNull(payment.get("voucher"));
    assertNull(value.get("note"), "an unset proto3 optional is null");
    assertNull(value.get("coupon"), "an unset wrapper is null");
    assertEquals(new java.util.Date(1_733_400_000_123L), value.get("created_at"));
    assertEquals(-5L, value.get("discount"));
    assertEquals(new BigDecimal("-19.90"), value.get("total"));
    assertEquals((short) 7, value.get("priority"));
    assertEquals(4_294_967_295L, value.get("units"), "uint32 is unsigned");
    assertEquals(99L, value.get("serial"));
    assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) value.get("blob"));
    assertEquals(new java.util.Date(java.time.LocalDate.of(2026, 12, 6).toEpochDay() * 86_400_000L),
        value.get("due"));
    Struct firstLine = (Struct) value.getArray("lines").get(0);
    assertEquals("A-1", firstLine.get("sku"));
    assertEquals(2, firstLine.get("quantity"));
    assertEquals(Map.of("vip", 1), value.getMap("tags"));
    assertEquals(List.of(), value.getArray("labels"));
  }

  @Test
  void messageIndexesPickTheMessageOfTheRecordIncludingNestedOnes() {
    int id = server.register("mixed-value", "PROTOBUF", ORDERS);
    Descriptor other = ProtoFiles.compile(ORDERS, ProtoFiles.Imports.NONE).file().findMessageTypeByName("Other");
    Descriptor inner = other.findNestedTypeByName("Inner");

    SchemaAndValue second = converter().toConnectData("mixed", wire(id, List.of(1),
        DynamicMessage.newBuilder(other).setField(other.findFieldByName("name"), "x").build()));
    SchemaAndValue nested = converter().toConnectData("mixed", wire(id, List.of(1, 0),
        DynamicMessage.newBuilder(inner).setField(inner.findFieldByName("n"), 7L).build()));

    assertEquals("Other", second.schema().name());
    assertEquals("x", ((Struct) second.value()).get("name"));
    assertEquals("Inner", nested.schema().name());
    assertEquals(7L, ((Struct) nested.value()).get("n"));
  }

  @Test
  void theFullIndexListOfTheFirstMessageReadsLikeItsShortcut() {
    int id = server.register("shortcut-value", "PROTOBUF", ORDERS);
    Descriptor order = ProtoFiles.compile(ORDERS, ProtoFiles.Imports.NONE).file().findMessageTypeByName("Order");
    DynamicMessage message = DynamicMessage.newBuilder(order).setField(order.findFieldByName("id"), 3L).build();
    byte[] explicit = withIndexes(id, new int[] {1, 0}, message.toByteArray()); // count 1, index 0

    SchemaAndValue decoded = converter().toConnectData("shortcut", explicit);

    assertEquals(3L, ((Struct) decoded.value()).get("id"));
    assertEquals(decoded, converter().toConnectData("shortcut", wire(id, List.of(0), message)));
  }

  @Test
  void proto2PresenceDefaultsAndRequiredFields() {
    String proto2 = """
        syntax = "proto2";
        message Item {
          required int64 id = 1;
          optional string name = 2;
          optional int32 stock = 3 [default = 5];
        }
        """;
    int id = server.register("items-value", "PROTOBUF", proto2);
    Descriptor item = ProtoFiles.compile(proto2, ProtoFiles.Imports.NONE).file().findMessageTypeByName("Item");

    SchemaAndValue decoded = converter().toConnectData("items", wire(id, List.of(0),
        DynamicMessage.newBuilder(item).setField(item.findFieldByName("id"), 9L).build()));

    Struct value = (Struct) decoded.value();
    assertEquals(9L, value.get("id"));
    assertNull(value.get("name"));
    assertNull(value.get("stock"), "an unset proto2 optional is null, not its default");
    assertTrue(decoded.schema().field("name").schema().isOptional());
  }

  @Test
  void fieldsWrittenByHandAtTheirNumbersDecodeToTheirColumns() throws IOException {
    int id = server.register("hand-value", "PROTOBUF", ORDERS);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeInt64(1, 77L);
    out.writeString(2, "bob");
    out.writeEnum(3, 1);
    out.writeUInt64(15, -1L);
    out.flush();

    Struct value = (Struct) converter().toConnectData("hand", withIndexes(id, new int[] {0}, bytes.toByteArray()))
        .value();

    assertEquals(77L, value.get("id"));
    assertEquals("bob", value.get("customer"));
    assertEquals("PLACED", value.get("status"));
    assertEquals(-1L, value.get("serial"), "uint64 above 2^63 wraps, as in Confluent's ProtobufData");
  }

  @Test
  void anUnknownMessageIndexSaysSo() {
    int id = server.register("unknown-index-value", "PROTOBUF", ORDERS);

    DataException e = assertThrows(DataException.class, () -> converter().toConnectData("unknown-index",
        withIndexes(id, new int[] {1, 5}, new byte[0])));

    assertEquals("The value of a record of topic 'unknown-index' does not decode with PROTOBUF schema id " + id
        + ": message indexes [5] name no message of the schema (it declares 2 top-level messages): the record was"
        + " written with another schema", e.getMessage());
  }

  @Test
  void bytesThatAreNotTheMessageSaySo() {
    int id = server.register("garbage-value", "PROTOBUF", ORDERS);

    DataException e = assertThrows(DataException.class, () -> converter().toConnectData("garbage",
        withIndexes(id, new int[] {0}, new byte[] {(byte) 0x0a, (byte) 0x7f, 1})));

    assertTrue(e.getMessage().startsWith("The value of a record of topic 'garbage' does not decode with PROTOBUF"
        + " schema id " + id + ": the bytes are not a Protobuf message shop.v1.Order ("), e.getMessage());
  }

  @Test
  void truncatedMessageIndexesSaySo() {
    int id = server.register("truncated-value", "PROTOBUF", ORDERS);

    DataException e = assertThrows(DataException.class, () -> converter().toConnectData("truncated",
        RegistryConverterTest.wire(id, new byte[] {(byte) 0x80})));

    assertTrue(e.getMessage().endsWith(": the message indexes after the schema id end early or are not varints: the"
        + " record was not written by a Confluent Protobuf serializer"), e.getMessage());
  }

  @Test
  void aSchemaOfAnotherTypeNamesTheFormatThatReadsIt() {
    int id = server.register("avro-value", "AVRO", "{\"type\":\"record\",\"name\":\"R\",\"fields\":[]}");

    DataException e = assertThrows(DataException.class, () -> converter().toConnectData("avro",
        withIndexes(id, new int[] {0}, new byte[0])));

    assertEquals("Schema id " + id + " of the value of a record of topic 'avro' is a AVRO schema, but"
        + " value.format=protobuf reads PROTOBUF schemas: set value.format to avro.", e.getMessage());
  }

  @Test
  void anImportChangelakeCannotResolveIsNamed() {
    String text = "syntax = \"proto3\";\nimport \"acme/money.proto\";\nmessage P { acme.Money price = 1; }\n";
    int id = server.register("import-value", "PROTOBUF", text);

    DataException e = assertThrows(DataException.class, () -> converter().toConnectData("import",
        withIndexes(id, new int[] {0}, new byte[0])));

    assertTrue(e.getMessage().contains("the .proto schema imports \"acme/money.proto\", which changelake cannot"
        + " resolve"), e.getMessage());
  }

  @Test
  void importsResolveThroughTheSchemasRegistryReferencesTransitively() {
    String currency = "syntax = \"proto3\";\npackage acme;\nenum Currency { EUR = 0; USD = 1; }\n";
    String money = """
        syntax = "proto3";
        package acme;
        import "acme/currency.proto";
        import "confluent/meta.proto";
        message Money {
          int64 units = 1 [(confluent.field_meta).params = { key: "note", value: "minor units" }];
          Currency currency = 2;
        }
        """;
    String payment = """
        syntax = "proto3";
        package shop;
        import "acme/money.proto";
        import "acme/currency.proto";
        message Payment { acme.Money amount = 1; acme.Currency settled_in = 2; }
        """;
    server.register("acme-currency", "PROTOBUF", currency);
    server.register("acme-money", "PROTOBUF", money,
        List.of(new SchemaRegistryServer.Reference("acme/currency.proto", "acme-currency", 1)));
    int id = server.register("payments-value", "PROTOBUF", payment, List.of(
        new SchemaRegistryServer.Reference("acme/money.proto", "acme-money", 1),
        new SchemaRegistryServer.Reference("acme/currency.proto", "acme-currency", 1)));
    ProtoFiles.Imports imports = path -> java.util.Optional.of(new ProtoFiles.Source(
        path.equals("acme/money.proto") ? money : currency, ProtoFiles.Imports.NONE));
    Descriptor type = ProtoFiles.compile(payment, path -> java.util.Optional.of(new ProtoFiles.Source(
        path.equals("acme/money.proto") ? money : currency, imports))).file().findMessageTypeByName("Payment");
    Descriptor moneyType = type.findFieldByName("amount").getMessageType();
    DynamicMessage record = DynamicMessage.newBuilder(type)
        .setField(type.findFieldByName("amount"), DynamicMessage.newBuilder(moneyType)
            .setField(moneyType.findFieldByName("units"), 1250L)
            .setField(moneyType.findFieldByName("currency"), moneyType.findFieldByName("currency").getEnumType()
                .findValueByName("USD")).build())
        .setField(type.findFieldByName("settled_in"), type.findFieldByName("settled_in").getEnumType()
            .findValueByName("USD"))
        .build();

    SchemaAndValue decoded = converter().toConnectData("payments", wire(id, List.of(0), record));

    Struct amount = ((Struct) decoded.value()).getStruct("amount");
    assertEquals(1250L, amount.get("units"));
    assertEquals("USD", amount.get("currency"));
    assertEquals("USD", ((Struct) decoded.value()).get("settled_in"));
    assertEquals("minor units", amount.schema().field("units").schema().parameters().get("note"),
        "the Connect parameters of a referenced file's fields are read too");
  }

  @Test
  void aReferenceTheRegistryDoesNotHoldIsNamed() {
    int id = server.register("dangling-value", "PROTOBUF", "syntax = \"proto3\";\nimport \"acme/gone.proto\";\n"
        + "message P { acme.Gone g = 1; }\n", List.of(new SchemaRegistryServer.Reference("acme/gone.proto",
        "acme-gone", 3)));

    DataException e = assertThrows(DataException.class, () -> converter().toConnectData("dangling",
        withIndexes(id, new int[] {0}, new byte[0])));

    assertTrue(e.getMessage().endsWith(": the .proto schema imports \"acme/gone.proto\" as reference acme/gone.proto"
        + " (acme-gone/3), which the schema registry at " + server.url() + " does not hold"), e.getMessage());
  }

  @Test
  void aSchemaThatDoesNotParseOrLinkSaysWhy() {
    int unparsable = server.register("broken-value", "PROTOBUF", "syntax = \"proto3\"; message {");
    int unlinked = server.register("unlinked-value", "PROTOBUF", "syntax = \"proto3\"; message M { Nope n = 1; }");

    DataException parse = assertThrows(DataException.class, () -> converter().toConnectData("broken",
        withIndexes(unparsable, new int[] {0}, new byte[0])));
    DataException link = assertThrows(DataException.class, () -> converter().toConnectData("unlinked",
        withIndexes(unlinked, new int[] {0}, new byte[0])));

    assertTrue(parse.getMessage().contains(": the .proto schema does not parse: "), parse.getMessage());
    assertTrue(link.getMessage().contains(": the .proto schema does not link: "), link.getMessage());
    assertTrue(link.getMessage().contains("Nope"), link.getMessage());
  }

  @Test
  void aRecursiveMessageIsRefused() {
    String text = "syntax = \"proto3\"; message Node { string v = 1; Node next = 2; }";
    int id = server.register("tree-value", "PROTOBUF", text);

    DataException e = assertThrows(DataException.class, () -> converter().toConnectData("tree",
        withIndexes(id, new int[] {0}, new byte[0])));

    assertTrue(e.getMessage().endsWith("message Node contains itself (through Node): recursive messages have no"
        + " Connect schema"), e.getMessage());
  }

  private static void set(DynamicMessage.Builder message, String field, Object value) {
    message.setField(message.getDescriptorForType().findFieldByName(field), value);
  }

  private static RegistryConverter converter() {
    return RegistryConverters.create(RegistryConverters.PROTOBUF, false, registry);
  }

  /** {@code message} as Confluent's serializer writes it: header, message indexes ([0] as the single 0), bytes. */
  static byte[] wire(int id, List<Integer> indexes, DynamicMessage message) {
    int[] encoded = indexes.equals(List.of(0)) ? new int[] {0}
        : java.util.stream.IntStream.concat(java.util.stream.IntStream.of(indexes.size()),
            indexes.stream().mapToInt(Integer::intValue)).toArray();
    return withIndexes(id, encoded, message.toByteArray());
  }

  /** The header of schema {@code id}, then {@code varints} as zig-zag varints, then {@code payload}. */
  static byte[] withIndexes(int id, int[] varints, byte[] payload) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      for (int varint : varints) {
        ByteUtils.writeVarint(varint, out);
      }
      out.write(payload);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return RegistryConverterTest.wire(id, bytes.toByteArray());
  }
}
