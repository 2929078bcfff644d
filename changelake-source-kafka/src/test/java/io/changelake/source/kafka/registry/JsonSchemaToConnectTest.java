package io.changelake.source.kafka.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** JSON Schemas written by hand (not by Confluent's converter) and the constructs that are refused. */
class JsonSchemaToConnectTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aHandWrittenSchemaMakesUnlistedPropertiesOptional() throws Exception {
    Schema schema = JsonSchemaToConnect.toConnect(JSON.readTree("""
        {"type":"object","title":"shop.Order","required":["id","at"],"properties":{
          "id":{"type":"integer"},
          "at":{"type":"integer","title":"org.apache.kafka.connect.data.Timestamp","connect.type":"int64",
            "connect.version":1},
          "total":{"type":"number","title":"org.apache.kafka.connect.data.Decimal","connect.type":"bytes",
            "connect.version":1,"connect.parameters":{"scale":"2"}},
          "tags":{"type":"array","items":{"type":"string"}},
          "attributes":{"type":"object","connect.type":"map","additionalProperties":{"type":"string"}},
          "note":{"type":["null","string"]}}}"""));

    Schema expected = SchemaBuilder.struct().name("shop.Order")
        .field("id", Schema.INT64_SCHEMA)
        .field("at", Timestamp.SCHEMA)
        .field("total", Decimal.builder(2).optional().build())
        .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
        .field("attributes", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).optional().build())
        .field("note", Schema.OPTIONAL_STRING_SCHEMA)
        .build();
    assertEquals(expected, schema);
    Object value = JsonToConnectValue.convert(schema, new ObjectMapper()
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .readTree("""
            {"id":1,"at":1733400000123,"total":5.5,"tags":["a","b"],"attributes":{"k":"v"}}"""), "value");
    assertEquals(new Struct(expected).put("id", 1L).put("at", new Date(1_733_400_000_123L))
        .put("total", new BigDecimal("5.50")).put("tags", List.of("a", "b")).put("attributes", Map.of("k", "v")),
        value);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"$ref\":\"#/definitions/a\"}|'$ref' at # is not supported",
      "{\"allOf\":[{\"type\":\"string\"}]}|'allOf' at # is not supported",
      "{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}|the union at # is not supported: only a null"
          + " alternative beside one type (an optional field) is",
      "{\"type\":[\"string\",\"integer\"]}|type [\"string\",\"integer\"] at # is not supported: only one type,"
          + " possibly with null",
      "{\"type\":\"object\",\"properties\":{\"a\":{}}}|no 'type' at #/properties/a",
      "{\"type\":\"integer\",\"connect.type\":\"text\"}|connect.type 'text' at # is not a numeric Connect type"})
  void constructsWithoutAConnectSchemaAreNamedWithTheirPath(String schema, String message) throws Exception {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JsonSchemaToConnect.toConnect(JSON.readTree(schema)));

    assertEquals(message, e.getMessage());
  }

  @Test
  void aDecimalWithMoreDigitsThanItsScaleIsRefused() throws Exception {
    Schema price = Decimal.schema(2);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JsonToConnectValue.convert(price, JSON.readTree("1.005"), "value.price"));

    assertEquals("value.price is 1.005, which has more than the 2 decimal places its Decimal schema allows",
        e.getMessage());
  }
}
