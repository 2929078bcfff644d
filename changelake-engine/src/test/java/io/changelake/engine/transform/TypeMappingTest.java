package io.changelake.engine.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.config.ConfigException;
import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.TableSchema;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TypeMappingTest {
  private static final TableSchema TIMES = new TableSchema(List.of(
      Column.of("t", DataType.TIME, false), Column.of("times", DataType.listOf(DataType.TIME), true),
      Column.of("n", DataType.INT, true)), List.of("t"));

  /** Every type, a value of it and its text under to-string. */
  private static final Object[][] TEXTS = {
      {DataType.BOOLEAN, true, "true"},
      {DataType.INT, -2147483648, "-2147483648"},
      {DataType.LONG, 9223372036854775807L, "9223372036854775807"},
      {DataType.FLOAT, Float.NaN, "NaN"},
      {DataType.DOUBLE, Double.NEGATIVE_INFINITY, "-Infinity"},
      {DataType.decimal(10, 2), new BigDecimal("1.50"), "1.50"},
      {DataType.DATE, LocalDate.of(1, 1, 1), "0001-01-01"},
      {DataType.TIME, LocalTime.NOON, "12:00:00.000000"},
      {DataType.TIMESTAMP, LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000), "9999-12-31 23:59:59.999999"},
      {DataType.TIMESTAMPTZ, OffsetDateTime.of(1900, 1, 1, 0, 0, 0, 1_000, ZoneOffset.UTC),
          "1900-01-01 00:00:00.000001+00:00"},
      {DataType.STRING, "ü \"q\"", "ü \"q\""},
      {DataType.UUID, new UUID(0, 1), "00000000-0000-0000-0000-000000000001"},
      {DataType.BINARY, ByteBuffer.wrap(new byte[] {0, 1, (byte) 255}), "\\x0001ff"},
      {DataType.listOf(DataType.INT), Arrays.asList(1, null, 3), "[1,null,3]"},
      {DataType.listOf(DataType.STRING), Arrays.asList("a\"b", null, "", "x,y\n"), "[\"a\\\"b\",null,\"\",\"x,y\\u000a\"]"},
      {DataType.listOf(DataType.TIME), List.of(LocalTime.of(0, 0, 0, 1_000)), "[\"00:00:00.000001\"]"},
      {DataType.listOf(DataType.listOf(DataType.INT)), Arrays.asList(List.of(1), null), "[[1],null]"}};

  @Test
  void noMappingIsNone() {
    assertSame(TypeMapping.NONE, TypeMapping.parse(""));
    assertSame(TypeMapping.NONE, TypeMapping.parse(" , "));
    assertSame(TIMES, TypeMapping.NONE.apply(TIMES));
    assertTrue(ColumnTransforms.NONE.withTypeMapping(TypeMapping.NONE).isNone());
    assertEquals("", TypeMapping.OPTION.defaultValue());
  }

  @ParameterizedTest
  @ValueSource(strings = {"to-strng", "time-to-string,TO-STRING", "to_string"})
  void anUnknownNameSaysWhichOneTheValidNamesAndTheFix(String value) {
    ConfigException e = assertThrows(ConfigException.class, () -> TypeMapping.parse(value));
    String unknown = value.contains(",") ? "TO-STRING" : value;
    assertEquals("Invalid value '" + value + "' for option 'type-mapping': '" + unknown + "' is not a type mapping;"
        + " the valid names are to-string, time-to-string (comma-separated). Fix: correct or remove it, e.g."
        + " --type-mapping time-to-string", e.getMessage());
  }

  @Test
  void timeToStringMapsTimesAndListsOfTimesOnly() {
    RowTransform transform = transforms("time-to-string").bind(TIMES);
    assertEquals(new TableSchema(List.of(new Column("t", DataType.STRING, false, "time"),
        new Column("times", DataType.listOf(DataType.STRING), true, "list<time>"), Column.of("n", DataType.INT, true)),
        List.of("t")), transform.outputSchema());
    Row row = Row.of(LocalTime.of(23, 59, 59, 999_999_000), Arrays.asList(LocalTime.MIDNIGHT, null), 7);
    assertEquals(Row.of("23:59:59.999999", Arrays.asList("00:00:00.000000", null), 7), apply(transform, TIMES, row));
    Row partial = Row.of(LocalTime.of(0, 0, 0, 1_000), Row.UNAVAILABLE, null);
    assertEquals(Row.of("00:00:00.000001", Row.UNAVAILABLE, null), apply(transform, TIMES, partial));
  }

  @Test
  void toStringWritesEveryTypeAsItsText() {
    for (Object[] c : TEXTS) {
      TableSchema schema = new TableSchema(List.of(Column.of("id", DataType.INT, false),
          Column.of("v", (DataType) c[0], true)), List.of("id"));
      RowTransform transform = transforms("to-string").bind(schema);
      assertEquals(List.of(DataType.STRING, DataType.STRING),
          transform.outputSchema().columns().stream().map(Column::type).toList(), c[0].toString());
      assertEquals(Row.of("1", c[2]), apply(transform, schema, Row.of(1, c[1])), c[0].toString());
      assertEquals(Row.of("1", null), apply(transform, schema, Row.of(1, null)));
    }
  }

  @Test
  void computedColumnsSeeTheMappedTypes() {
    ColumnTransforms upper = ColumnTransforms.parse(List.of("tt=upper(t)"), List.of(), Fixtures.CONTEXT)
        .withTypeMapping(TypeMapping.parse("time-to-string"));
    RowTransform transform = upper.bind(TIMES);
    assertEquals(DataType.STRING, transform.outputSchema().column("tt").orElseThrow().type());
    assertEquals("12:00:00.000000", apply(transform, TIMES, Row.of(LocalTime.NOON, null, null)).get(3));

    ColumnTransforms year = ColumnTransforms.parse(List.of("y=year(ts)"), List.of(), Fixtures.CONTEXT)
        .withTypeMapping(TypeMapping.parse("to-string"));
    assertThrows(ConfigException.class, () -> year.bind(Fixtures.SCHEMA));
  }

  private static ColumnTransforms transforms(String mapping) {
    ColumnTransforms transforms = ColumnTransforms.NONE.withTypeMapping(TypeMapping.parse(mapping));
    assertEquals(TypeMapping.parse(mapping), transforms.typeMapping());
    return transforms;
  }

  private static Row apply(RowTransform transform, TableSchema schema, Row row) {
    ChangeEvent event = new ChangeEvent(Fixtures.TABLE, Operation.INSERT, schema, null, row, new Fixtures.Lsn(1, false),
        Fixtures.COMMIT_TIME);
    ChangeEvent mapped = transform.apply(event);
    assertSame(transform.outputSchema(), mapped.schema());
    return mapped.after();
  }
}
