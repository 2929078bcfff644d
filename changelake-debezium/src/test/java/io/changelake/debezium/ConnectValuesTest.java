package io.changelake.debezium;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.changelake.api.model.DataType;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

/** Conversions the recorded records do not reach. */
class ConnectValuesTest {

  private static final Schema POINT = SchemaBuilder.struct().name("io.debezium.data.geometry.Point").optional()
      .field("x", Schema.FLOAT64_SCHEMA).field("y", Schema.FLOAT64_SCHEMA)
      .field("wkb", Schema.OPTIONAL_BYTES_SCHEMA).field("srid", Schema.OPTIONAL_INT32_SCHEMA).build();

  @Test
  void pointsWithoutWkbAreBuiltFromXAndY() {
    assertEquals(DataType.BINARY, ConnectSchemas.dataType(POINT));
    Struct point = new Struct(POINT).put("x", 1.0).put("y", 2.0);
    assertEquals(hex("00000000013ff00000000000004000000000000000"), ConnectValues.convert(point, DataType.BINARY, POINT));
    point.put("srid", 4326);
    assertEquals(hex("0020000001000010e63ff00000000000004000000000000000"),
        ConnectValues.convert(point, DataType.BINARY, POINT));
  }

  @Test
  void timeOfDayEndsAt2400() {
    Schema micro = SchemaBuilder.int64().name("io.debezium.time.MicroTime").build();
    assertEquals(ConnectValues.END_OF_DAY, ConnectValues.convert(86_400_000_000L, DataType.TIME, micro));
    assertEquals(LocalTime.MAX.withNano(999_999_000), ConnectValues.END_OF_DAY);
    assertThrows(IllegalArgumentException.class, () -> ConnectValues.convert(-1L, DataType.TIME, micro));
  }

  @Test
  void decimalsRescaleOnlyWithoutLoss() {
    assertEquals(new BigDecimal("1.50"), ConnectValues.convert(new BigDecimal("1.5"), DataType.decimal(5, 2), null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConnectValues.convert(new BigDecimal("1.505"), DataType.decimal(5, 2), null));
    assertEquals("A BigDecimal is not a decimal(5,2) value: Rounding necessary", e.getMessage());
  }

  @Test
  void structsAndMapsBecomeJsonText() {
    Schema inner = SchemaBuilder.struct().field("a", Schema.INT32_SCHEMA).field("b", Schema.OPTIONAL_STRING_SCHEMA)
        .build();
    Struct struct = new Struct(inner).put("a", 1).put("b", "q\"\n");
    assertEquals(DataType.STRING, ConnectSchemas.dataType(inner));
    assertEquals("{\"a\":1,\"b\":\"q\\\"\\n\"}", ConnectValues.convert(struct, DataType.STRING, inner));
    assertEquals("{\"k\":[1,null]}", ConnectValues.string(Map.of("k", java.util.Arrays.asList(1, null))));
    assertEquals(List.of(List.of(1)), ConnectValues.convert(List.of(List.of((short) 1)),
        DataType.listOf(DataType.listOf(DataType.INT)), SchemaBuilder.array(SchemaBuilder.array(Schema.INT16_SCHEMA))
            .build()));
  }

  private static ByteBuffer hex(String hex) {
    return ByteBuffer.wrap(HexFormat.of().parseHex(hex));
  }
}
