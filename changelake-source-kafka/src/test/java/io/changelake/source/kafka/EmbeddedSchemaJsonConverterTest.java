package io.changelake.source.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

class EmbeddedSchemaJsonConverterTest {
  private static final Map<String, String> SETTINGS = Map.of("schemas.enable", "true", "decimal.format", "NUMERIC");
  private static final Schema ROW = SchemaBuilder.struct().name("db.public.orders.Value")
      .field("id", Schema.INT64_SCHEMA)
      .field("price", Decimal.builder(2).optional().build())
      .field("note", Schema.OPTIONAL_STRING_SCHEMA)
      .field("tags", SchemaBuilder.array(Schema.INT32_SCHEMA).optional().build())
      .optional().build();
  private static final Schema ENVELOPE = SchemaBuilder.struct().name("db.public.orders.Envelope")
      .field("before", ROW).field("after", ROW).field("op", Schema.STRING_SCHEMA).build();
  private static final Schema WIDER = SchemaBuilder.struct().name("db.public.orders.Envelope")
      .field("after", SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).field("extra", Schema.BOOLEAN_SCHEMA)
          .build())
      .field("op", Schema.STRING_SCHEMA).build();

  private final JsonConverter writer = new JsonConverter();
  private final JsonConverter plain = new JsonConverter();
  private final EmbeddedSchemaJsonConverter fast = new EmbeddedSchemaJsonConverter(SETTINGS, false);

  EmbeddedSchemaJsonConverterTest() {
    writer.configure(SETTINGS, false);
    plain.configure(SETTINGS, false);
  }

  private static Struct change(long id, String note, String op) {
    Struct after = new Struct(ROW).put("id", id).put("price", new BigDecimal("12.30")).put("note", note)
        .put("tags", id % 2 == 0 ? null : List.of(1, 2));
    return new Struct(ENVELOPE).put("after", after).put("op", op);
  }

  private byte[] write(Schema schema, Object value) {
    return writer.fromConnectData("t", schema, value);
  }

  private void assertReadsAsPlain(byte[] bytes) {
    assertEquals(plain.toConnectData("t", bytes), fast.toConnectData("t", bytes));
  }

  @Test
  void readsWhatThePlainConverterReadsWithOneSchemaInstancePerDistinctSchema() {
    SchemaAndValue first = fast.toConnectData("t", write(ENVELOPE, change(1, "a \"quoted\" }", "c")));
    SchemaAndValue second = fast.toConnectData("t", write(ENVELOPE, change(2, null, "u")));
    assertEquals(plain.toConnectData("t", write(ENVELOPE, change(1, "a \"quoted\" }", "c"))), first);
    assertEquals(plain.toConnectData("t", write(ENVELOPE, change(2, null, "u"))), second);
    assertSame(first.schema(), second.schema());
    SchemaAndValue wider = fast.toConnectData("t", write(WIDER, new Struct(WIDER)
        .put("after", new Struct(WIDER.field("after").schema()).put("id", 3L).put("extra", true)).put("op", "c")));
    assertEquals(WIDER, wider.schema());
    assertNotSame(first.schema(), wider.schema());
    // back to the first schema: still cached
    assertSame(first.schema(), fast.toConnectData("t", write(ENVELOPE, change(4, "x", "d"))).schema());
  }

  @Test
  void readsPrimitivesNullsAndOtherLayoutsAsThePlainConverter() {
    assertReadsAsPlain(write(Schema.STRING_SCHEMA, "a}b"));
    assertReadsAsPlain(write(Schema.INT64_SCHEMA, 42L));
    assertReadsAsPlain(write(Schema.OPTIONAL_STRING_SCHEMA, null));
    assertReadsAsPlain(write(ENVELOPE, change(5, "n", "c")));
    assertReadsAsPlain(write(ENVELOPE, change(6, "ends in a backslash \\", "c")));
    assertReadsAsPlain(write(ENVELOPE, change(7, "brackets ]}{[ and \"quotes\" ü", "c")));
    assertReadsAsPlain(utf8("{\"schema\":{\"type\":\"int64\"},\"payload\":42}"));
    assertReadsAsPlain(utf8("{\"schema\":{\"type\":\"int64\",\"optional\":true},\"payload\":null}"));
    assertReadsAsPlain(utf8("{ \"schema\" : {\"type\":\"string\"}, \"payload\" : \"x\" }"));
    assertReadsAsPlain(utf8("{\"payload\":\"x\",\"schema\":{\"type\":\"string\"}}"));
    assertReadsAsPlain(utf8("{\"schema\":null,\"payload\":{\"a\":1}}"));
    assertReadsAsPlain(utf8("{\"schema\":{\"type\":\"string\"},\"payload\":\"x\"}  \n"));
    // accepted by the plain converter: the last duplicate wins, a text read as a number is 0
    assertReadsAsPlain(utf8("{\"schema\":{\"type\":\"string\"},\"payload\":\"x\",\"payload\":\"y\"}"));
    assertReadsAsPlain(utf8("{\"schema\":{\"type\":\"int64\"},\"payload\":\"x\"}"));
    assertEquals(SchemaAndValue.NULL, fast.toConnectData("t", null));
  }

  @Test
  void refusesWhatThePlainConverterRefuses() {
    for (String bad : List.of(
        "{\"schema\":{\"type\":\"string\"},\"payload\":\"x\",\"extra\":1}",
        "{\"schema\":{\"type\":\"string\"},\"payload\":\"x\"",
        "{\"schema\":{\"type\":\"string\"},\"payload\":\"x}",
        "{\"schema\":{\"type\":\"struct\",\"fields\":[]},\"payload\":{\"a\":1]}",
        "{\"schema\":{\"type\":\"nope\"},\"payload\":\"x\"}",
        "{\"schema\":{\"type\":\"string\"}}")) {
      assertThrows(DataException.class, () -> plain.toConnectData("t", utf8(bad)), bad);
      assertThrows(DataException.class, () -> fast.toConnectData("t", utf8(bad)), bad);
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
