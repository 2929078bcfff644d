package io.changelake.source.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.DataType;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class PostgresTypesTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("int2", 0, 0, DataType.INT),
        Arguments.of("INT4", 0, 0, DataType.INT),
        Arguments.of("int8", 0, 0, DataType.LONG),
        Arguments.of("numeric", 10, 2, DataType.decimal(10, 2)),
        Arguments.of("numeric", 38, 0, DataType.decimal(38, 0)),
        Arguments.of("numeric", 39, 2, DataType.STRING),
        Arguments.of("numeric", 0, 0, DataType.STRING),
        Arguments.of("float4", 0, 0, DataType.FLOAT),
        Arguments.of("float8", 0, 0, DataType.DOUBLE),
        Arguments.of("bool", 0, 0, DataType.BOOLEAN),
        Arguments.of("text", 0, 0, DataType.STRING),
        Arguments.of("varchar", 5, 0, DataType.STRING),
        Arguments.of("bpchar", 3, 0, DataType.STRING),
        Arguments.of("bytea", 0, 0, DataType.BINARY),
        Arguments.of("date", 0, 0, DataType.DATE),
        Arguments.of("time", 0, 0, DataType.TIME),
        Arguments.of("timestamp", 0, 0, DataType.TIMESTAMP),
        Arguments.of("timestamptz", 0, 0, DataType.TIMESTAMPTZ),
        Arguments.of("uuid", 0, 0, DataType.UUID),
        Arguments.of("json", 0, 0, DataType.STRING),
        Arguments.of("jsonb", 0, 0, DataType.STRING),
        Arguments.of("_int4", 0, 0, DataType.listOf(DataType.INT)),
        Arguments.of("_text", 0, 0, DataType.listOf(DataType.STRING)),
        Arguments.of("_numeric", 12, 3, DataType.listOf(DataType.decimal(12, 3))),
        Arguments.of("mood", 0, 0, DataType.STRING),
        Arguments.of("interval", 0, 0, DataType.STRING),
        Arguments.of("inet", 0, 0, DataType.STRING),
        Arguments.of("cidr", 0, 0, DataType.STRING));
  }

  @ParameterizedTest(name = "{0}({1},{2}) -> {3}")
  @MethodSource("cases")
  void mapsPostgresTypes(String type, int precision, int scale, DataType expected) {
    assertEquals(expected, PostgresTypes.toDataType(type, precision, scale));
  }

  @Test
  void decimalColumnsOutsideTheKeyAreNullableBecauseNanBecomesNull() {
    assertTrue(PostgresTypes.column("n", "numeric", 10, 2, false, false).nullable());
    assertFalse(PostgresTypes.column("n", "numeric", 10, 2, false, true).nullable());
    assertFalse(PostgresTypes.column("i", "int4", 0, 0, false, false).nullable());
  }

  @Test
  void decodesNumericTypmod() {
    int typmod = ((10 << 16) | 2) + 4;
    assertEquals(10, PostgresTypes.numericPrecision(typmod));
    assertEquals(2, PostgresTypes.numericScale(typmod));
    assertEquals(0, PostgresTypes.numericPrecision(-1));
  }
}
