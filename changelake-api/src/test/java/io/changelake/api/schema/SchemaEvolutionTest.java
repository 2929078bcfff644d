package io.changelake.api.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.schema.SchemaEvolution.Verdict;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SchemaEvolutionTest {
  private static final TableId TABLE = new TableId("public", "t");

  static Stream<Arguments> verdicts() {
    return Stream.of(
        Arguments.of(DataType.INT, DataType.INT, Verdict.KEEP),
        Arguments.of(DataType.INT, DataType.LONG, Verdict.WIDEN),
        Arguments.of(DataType.FLOAT, DataType.DOUBLE, Verdict.WIDEN),
        Arguments.of(DataType.LONG, DataType.INT, Verdict.IGNORE),
        Arguments.of(DataType.DOUBLE, DataType.FLOAT, Verdict.IGNORE),
        Arguments.of(DataType.decimal(10, 2), DataType.decimal(12, 2), Verdict.WIDEN),
        Arguments.of(DataType.decimal(12, 2), DataType.decimal(10, 2), Verdict.IGNORE),
        Arguments.of(DataType.decimal(10, 2), DataType.decimal(10, 3), Verdict.REFUSE),
        Arguments.of(DataType.INT, DataType.STRING, Verdict.REFUSE),
        Arguments.of(DataType.STRING, DataType.INT, Verdict.REFUSE),
        Arguments.of(DataType.LONG, DataType.DOUBLE, Verdict.REFUSE),
        Arguments.of(DataType.TIMESTAMP, DataType.TIMESTAMPTZ, Verdict.REFUSE),
        Arguments.of(DataType.listOf(DataType.INT), DataType.listOf(DataType.INT), Verdict.KEEP),
        Arguments.of(DataType.listOf(DataType.INT), DataType.listOf(DataType.LONG), Verdict.REFUSE),
        Arguments.of(DataType.listOf(DataType.INT), DataType.INT, Verdict.REFUSE));
  }

  @ParameterizedTest
  @MethodSource("verdicts")
  void verdict(DataType lake, DataType source, Verdict expected) {
    assertEquals(expected, SchemaEvolution.verdict(lake, source));
  }

  private static TableSchema schema(List<String> key, Column... columns) {
    return new TableSchema(List.of(columns), key);
  }

  @Test
  void addedColumnIsAddedNullable() {
    TableSchema lake = schema(List.of("id"), Column.of("id", DataType.LONG, false));
    TableSchema source = schema(List.of("id"), Column.of("id", DataType.LONG, false), Column.of("sku", DataType.STRING, false));
    assertEquals(List.of(new SchemaChange.AddColumn(Column.of("sku", DataType.STRING, true))),
        SchemaEvolution.plan(TABLE, lake, source));
  }

  @Test
  void droppedRequiredColumnBecomesNullable() {
    TableSchema lake = schema(List.of("id"), Column.of("id", DataType.LONG, false), Column.of("a", DataType.INT, false));
    TableSchema source = schema(List.of("id"), Column.of("id", DataType.LONG, false));
    assertEquals(List.of(new SchemaChange.MakeNullable("a")), SchemaEvolution.plan(TABLE, lake, source));
  }

  @Test
  void droppedNullableColumnNeedsNothing() {
    TableSchema lake = schema(List.of("id"), Column.of("id", DataType.LONG, false), Column.of("a", DataType.INT, true));
    TableSchema source = schema(List.of("id"), Column.of("id", DataType.LONG, false));
    assertTrue(SchemaEvolution.plan(TABLE, lake, source).isEmpty());
  }

  @Test
  void widenedColumnIsWidened() {
    TableSchema lake = schema(List.of("id"), Column.of("id", DataType.LONG, false), Column.of("n", DataType.INT, true));
    TableSchema source = schema(List.of("id"), Column.of("id", DataType.LONG, false), Column.of("n", DataType.LONG, true));
    assertEquals(List.of(new SchemaChange.WidenColumn("n", DataType.LONG)), SchemaEvolution.plan(TABLE, lake, source));
  }

  @Test
  void incompatibleChangeNamesColumnAndFix() {
    TableSchema lake = schema(List.of("id"), Column.of("id", DataType.LONG, false), Column.of("price", DataType.decimal(10, 2), true));
    TableSchema source = schema(List.of("id"), Column.of("id", DataType.LONG, false), Column.of("price", DataType.STRING, true));
    var error = assertThrows(IncompatibleSchemaChangeException.class, () -> SchemaEvolution.plan(TABLE, lake, source));
    assertEquals("price", error.column());
    assertTrue(error.getMessage().contains("public.t.price"), error.getMessage());
    assertTrue(error.getMessage().contains("Fix:"), error.getMessage());
  }

  @Test
  void primaryKeyChangeIsRefused() {
    TableSchema lake = schema(List.of("id"), Column.of("id", DataType.LONG, false), Column.of("b", DataType.LONG, false));
    TableSchema source = schema(List.of("id", "b"), Column.of("id", DataType.LONG, false), Column.of("b", DataType.LONG, false));
    assertThrows(IncompatibleSchemaChangeException.class, () -> SchemaEvolution.plan(TABLE, lake, source));
  }
}
