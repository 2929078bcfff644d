package io.changelake.source.kafka.registry;

import io.changelake.testkit.DebeziumPostgresEvents;
import java.math.BigDecimal;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;

/**
 * The change event Debezium's PostgreSQL connector emits for an insert into {@code inventory.customers}
 * (id int, created_at timestamp, price numeric(10,2), weight numeric, note text), in Kafka Connect data
 * as the connector builds it, and the same event's schema as Confluent's AvroConverter and
 * JsonSchemaConverter register it. A converter must give back exactly {@link #SCHEMA} and
 * {@link #insert()}.
 */
final class DebeziumEnvelope {
  static final String TOPIC = "dbserver1.inventory.customers";

  static final Schema MICRO_TIMESTAMP = SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").version(1)
      .optional().build();
  static final Schema PRICE = Decimal.builder(2).parameter("connect.decimal.precision", "10").optional().build();
  static final Schema VARIABLE_SCALE_DECIMAL = SchemaBuilder.struct().name("io.debezium.data.VariableScaleDecimal")
      .version(1).doc("Variable scaled decimal")
      .field("scale", Schema.INT32_SCHEMA).field("value", Schema.BYTES_SCHEMA).optional().build();
  static final Schema ROW = SchemaBuilder.struct().name(TOPIC + ".Value").optional()
      .field("id", Schema.INT32_SCHEMA)
      .field("created_at", MICRO_TIMESTAMP)
      .field("price", PRICE)
      .field("weight", VARIABLE_SCALE_DECIMAL)
      .field("note", Schema.OPTIONAL_STRING_SCHEMA)
      .build();
  static final Schema SCHEMA = DebeziumPostgresEvents.envelope(TOPIC + ".Envelope", ROW);

  static final long CREATED_AT_MICROS = 1_733_400_000_123_456L;
  static final BigDecimal PRICE_VALUE = new BigDecimal("19.90");
  /** 12.345 as Debezium's VariableScaleDecimal: scale 3, unscaled 12345 as big-endian bytes (0x30 0x39). */
  static final BigDecimal WEIGHT_VALUE = new BigDecimal("12.345");

  private DebeziumEnvelope() { }

  /** The insert as the connector emits it. */
  static Struct insert() {
    Struct weight = new Struct(VARIABLE_SCALE_DECIMAL).put("scale", WEIGHT_VALUE.scale())
        .put("value", WEIGHT_VALUE.unscaledValue().toByteArray());
    Struct after = new Struct(ROW).put("id", 7).put("created_at", CREATED_AT_MICROS).put("price", PRICE_VALUE)
        .put("weight", weight).put("note", null);
    Struct source = DebeziumPostgresEvents.source("dbserver1", "shop", "inventory", "customers", 1_733_400_000_123L,
        false, 24_023_128L);
    return new Struct(SCHEMA).put("before", null).put("after", after).put("source", source).put("op", "c")
        .put("ts_ms", 1_733_400_000_200L);
  }

  /** {@link #SCHEMA} as Confluent's AvroConverter registers it. */
  static final String AVRO = """
      {"type":"record","name":"Envelope","namespace":"dbserver1.inventory.customers","fields":[
        {"name":"before","type":["null",{"type":"record","name":"Value","fields":[
          {"name":"id","type":"int"},
          {"name":"created_at","type":["null",{"type":"long","connect.version":1,
            "connect.name":"io.debezium.time.MicroTimestamp"}],"default":null},
          {"name":"price","type":["null",{"type":"bytes","scale":2,"precision":10,"connect.version":1,
            "connect.parameters":{"scale":"2","connect.decimal.precision":"10"},
            "connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}],"default":null},
          {"name":"weight","type":["null",{"type":"record","name":"VariableScaleDecimal","namespace":"io.debezium.data",
            "fields":[{"name":"scale","type":"int"},{"name":"value","type":"bytes"}],
            "connect.doc":"Variable scaled decimal","connect.version":1,
            "connect.name":"io.debezium.data.VariableScaleDecimal"}],"default":null},
          {"name":"note","type":["null","string"],"default":null}],
          "connect.name":"dbserver1.inventory.customers.Value"}],"default":null},
        {"name":"after","type":["null","Value"],"default":null},
        {"name":"source","type":{"type":"record","name":"Source","namespace":"io.debezium.connector.postgresql",
          "fields":[
            {"name":"version","type":"string"},
            {"name":"connector","type":"string"},
            {"name":"name","type":"string"},
            {"name":"ts_ms","type":"long"},
            {"name":"snapshot","type":[{"type":"string","connect.version":1,
              "connect.parameters":{"allowed":"true,last,false,incremental"},"connect.default":"false",
              "connect.name":"io.debezium.data.Enum"},"null"],"default":"false"},
            {"name":"db","type":"string"},
            {"name":"schema","type":"string"},
            {"name":"table","type":"string"},
            {"name":"lsn","type":["null","long"],"default":null}],
          "connect.name":"io.debezium.connector.postgresql.Source"}},
        {"name":"op","type":"string"},
        {"name":"ts_ms","type":["null","long"],"default":null}],
        "connect.version":2,"connect.name":"dbserver1.inventory.customers.Envelope"}
      """;

  /** {@link #SCHEMA} as Confluent's JsonSchemaConverter registers it. */
  static final String JSON_SCHEMA = """
      {"type":"object","title":"dbserver1.inventory.customers.Envelope","connect.version":2,"properties":{
        "before":{"oneOf":[{"type":"null"},{"$ROW":0}],"connect.index":0},
        "after":{"oneOf":[{"type":"null"},{"$ROW":0}],"connect.index":1},
        "source":{"type":"object","title":"io.debezium.connector.postgresql.Source","connect.index":2,"properties":{
          "version":{"type":"string","connect.index":0},
          "connector":{"type":"string","connect.index":1},
          "name":{"type":"string","connect.index":2},
          "ts_ms":{"type":"integer","connect.index":3,"connect.type":"int64"},
          "snapshot":{"oneOf":[{"type":"null"},{"type":"string","title":"io.debezium.data.Enum","connect.version":1,
            "connect.parameters":{"allowed":"true,last,false,incremental"},"default":"false"}],"connect.index":4},
          "db":{"type":"string","connect.index":5},
          "schema":{"type":"string","connect.index":6},
          "table":{"type":"string","connect.index":7},
          "lsn":{"oneOf":[{"type":"null"},{"type":"integer","connect.type":"int64"}],"connect.index":8}}},
        "op":{"type":"string","connect.index":3},
        "ts_ms":{"oneOf":[{"type":"null"},{"type":"integer","connect.type":"int64"}],"connect.index":4}}}
      """.replace("{\"$ROW\":0}", """
      {"type":"object","title":"dbserver1.inventory.customers.Value","properties":{
        "id":{"type":"integer","connect.index":0,"connect.type":"int32"},
        "created_at":{"oneOf":[{"type":"null"},{"type":"integer","title":"io.debezium.time.MicroTimestamp",
          "connect.version":1,"connect.type":"int64"}],"connect.index":1},
        "price":{"oneOf":[{"type":"null"},{"type":"number","title":"org.apache.kafka.connect.data.Decimal",
          "connect.version":1,"connect.parameters":{"scale":"2","connect.decimal.precision":"10"},
          "connect.type":"bytes"}],"connect.index":2},
        "weight":{"oneOf":[{"type":"null"},{"type":"object","title":"io.debezium.data.VariableScaleDecimal",
          "connect.version":1,"description":"Variable scaled decimal","properties":{
            "scale":{"type":"integer","connect.index":0,"connect.type":"int32"},
            "value":{"type":"string","connect.index":1,"connect.type":"bytes"}}}],"connect.index":3},
        "note":{"oneOf":[{"type":"null"},{"type":"string"}],"connect.index":4}}}""");

  /** {@link #insert()} as Confluent's JsonSchemaConverter writes it (weight's bytes 0x30 0x39 in base64). */
  static final String JSON_PAYLOAD = """
      {"before":null,"after":{"id":7,"created_at":1733400000123456,"price":19.90,
        "weight":{"scale":3,"value":"MDk="},"note":null},
       "source":{"version":"3.6.1.Final","connector":"postgresql","name":"dbserver1","ts_ms":1733400000123,
        "snapshot":"false","db":"shop","schema":"inventory","table":"customers","lsn":24023128},
       "op":"c","ts_ms":1733400000200}
      """;
}
