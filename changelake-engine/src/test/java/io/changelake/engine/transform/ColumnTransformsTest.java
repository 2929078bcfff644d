package io.changelake.engine.transform;

import static io.changelake.engine.transform.Fixtures.COMMIT_TIME;
import static io.changelake.engine.transform.Fixtures.CONTEXT;
import static io.changelake.engine.transform.Fixtures.ROW;
import static io.changelake.engine.transform.Fixtures.SCHEMA;
import static io.changelake.engine.transform.Fixtures.TABLE;
import static io.changelake.engine.transform.Fixtures.event;
import static io.changelake.engine.transform.Fixtures.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The output schema, metadata columns, NONE, and how deletes, TOAST values and truncates are handled. */
class ColumnTransformsTest {
  private static final List<String> ALL_METADATA = Arrays.stream(MetadataColumn.values())
      .map(MetadataColumn::columnName).toList();

  @Test
  void noneChangesNothing() {
    assertSame(ColumnTransforms.NONE, ColumnTransforms.parse(List.of(), List.of(), CONTEXT));
    assertTrue(ColumnTransforms.NONE.isNone());
    assertSame(SCHEMA, ColumnTransforms.NONE.outputSchema(SCHEMA));
    RowTransform transform = ColumnTransforms.NONE.bind(SCHEMA);
    assertTrue(transform.isIdentity());
    ChangeEvent insert = Fixtures.insert(ROW);
    assertSame(insert, transform.apply(insert));
    assertSame(ROW, transform.apply(insert, ROW));
  }

  @Test
  void outputSchemaAppendsComputedThenMetadataColumnsAndKeepsTheKey() {
    ColumnTransforms transforms = ColumnTransforms.parse(List.of("qty2=qty * 2", "category=upper(name)"),
        List.of("_op_type", "op_ts"), CONTEXT);
    assertFalse(transforms.isNone());
    TableSchema output = transforms.outputSchema(SCHEMA);
    List<Column> expected = new java.util.ArrayList<>(SCHEMA.columns());
    expected.add(Column.of("qty2", DataType.INT, true));
    expected.add(Column.of("category", DataType.STRING, true));
    expected.add(Column.of("_op_type", DataType.STRING, true));
    expected.add(Column.of("op_ts", DataType.TIMESTAMPTZ, true));
    assertEquals(expected, output.columns());
    assertEquals(List.of("id"), output.primaryKey());
    assertEquals(output, transforms.bind(SCHEMA).outputSchema());
  }

  @Test
  void transformedEventCarriesTheOutputSchema() {
    RowTransform transform = ColumnTransforms.parse(List.of("qty2=qty * 2"), List.of("_op_type"), CONTEXT)
        .bind(SCHEMA);
    ChangeEvent update = event(Operation.UPDATE, with("qty", 1), ROW);
    ChangeEvent widened = transform.apply(update);
    assertSame(transform.outputSchema(), widened.schema());
    assertEquals(2, widened.before().get(SCHEMA.size()));
    assertEquals(6, widened.after().get(SCHEMA.size()));
    assertEquals("UPDATE", widened.after().get(SCHEMA.size() + 1));
    assertEquals(update.position(), widened.position());
    assertEquals(ROW.get(5), widened.after().get(5), "source values are kept");
  }

  @ParameterizedTest
  @EnumSource(value = Operation.class, names = {"SNAPSHOT", "INSERT", "UPDATE", "DELETE"})
  void metadataColumnsDescribeTheChange(Operation operation) {
    RowTransform transform = ColumnTransforms.parse(List.of(), ALL_METADATA, CONTEXT).bind(SCHEMA);
    ChangeEvent event = operation == Operation.DELETE ? event(operation, ROW, null) : event(operation, null, ROW);
    Row row = transform.apply(event).keyRow();
    OffsetDateTime commit = COMMIT_TIME.atOffset(ZoneOffset.UTC);
    assertEquals(List.of(operation.name(), commit, "products", "ecommerce", "public", commit, "0/16B3748"),
        Arrays.asList(row.copyValues()).subList(SCHEMA.size(), row.size()));
  }

  @Test
  void metadataTypesAndValueClassesAgree() {
    ChangeEvent insert = Fixtures.insert(ROW);
    for (MetadataColumn column : MetadataColumn.values()) {
      Object value = column.valueOf(insert, CONTEXT);
      Class<?> expected = column.type() == DataType.TIMESTAMPTZ ? OffsetDateTime.class : String.class;
      assertTrue(expected.isInstance(value), column + " gave " + value);
    }
    assertEquals(ZoneOffset.UTC, ((OffsetDateTime) MetadataColumn.EVENT_TIMESTAMP.valueOf(insert, CONTEXT)).getOffset());
  }

  @Test
  void schemaNameIsNullForATableWithoutNamespace() {
    ChangeEvent insert = new ChangeEvent(new TableId("", "t"), Operation.INSERT, SCHEMA, null, ROW,
        new Fixtures.Lsn(1, false), COMMIT_TIME);
    assertNull(MetadataColumn.SCHEMA_NAME.valueOf(insert, CONTEXT));
    assertEquals("t", MetadataColumn.TABLE_NAME.valueOf(insert, CONTEXT));
  }

  @Test
  void metadataNamesMatchIgnoringCase() {
    assertEquals(MetadataColumn.OP_TYPE, MetadataColumn.named("_OP_TYPE"));
    assertEquals(MetadataColumn.SOURCE_POSITION, MetadataColumn.named(" _source_position "));
  }

  @Test
  void deleteWithOnlyTheKeyEvaluatesKeyOnlyColumns() {
    RowTransform transform = Fixtures.bind("tenfold=id * 10", "qty2=qty * 2", "category=CASE WHEN price < 50"
        + " THEN 'budget' ELSE 'premium' END", "constant='x'");
    Object[] keyOnly = new Object[SCHEMA.size()];
    keyOnly[0] = 7;
    Row before = transform.apply(event(Operation.DELETE, Row.of(keyOnly), null)).before();
    assertEquals(Arrays.asList(70, null, null, "x"), Arrays.asList(before.copyValues()).subList(SCHEMA.size(), before.size()),
        "no 'premium' made up from a missing price");
    Row full = transform.apply(event(Operation.DELETE, ROW, null)).before();
    assertEquals(Arrays.asList(10, 6, "budget", "x"), Arrays.asList(full.copyValues()).subList(SCHEMA.size(), full.size()),
        "a full before image (REPLICA IDENTITY FULL) is evaluated");
  }

  @Test
  void unavailableValuesStayUnavailableInComputedColumnsOnly() {
    RowTransform transform = Fixtures.bind("shout=upper(name)", "qty2=qty * 2");
    Row toasted = with("name", Row.UNAVAILABLE);
    Row after = transform.apply(event(Operation.UPDATE, null, toasted)).after();
    assertSame(Row.UNAVAILABLE, after.get(SCHEMA.indexOf("name")));
    assertSame(Row.UNAVAILABLE, after.get(SCHEMA.size()));
    assertEquals(6, after.get(SCHEMA.size() + 1));
  }

  @Test
  void truncateEventsPassWithoutRows() {
    RowTransform transform = Fixtures.bind("qty2=qty * 2");
    ChangeEvent truncate = event(Operation.TRUNCATE, null, null);
    ChangeEvent result = transform.apply(truncate);
    assertNull(result.before());
    assertNull(result.after());
    assertSame(transform.outputSchema(), result.schema());
  }

  @Test
  void aTransformServesOnlyItsSchema() {
    RowTransform transform = Fixtures.bind("qty2=qty * 2");
    TableSchema other = new TableSchema(List.of(Column.of("id", DataType.INT, false)), List.of("id"));
    ChangeEvent foreign = new ChangeEvent(TABLE, Operation.INSERT, other, null, Row.of(1), new Fixtures.Lsn(1, false),
        COMMIT_TIME);
    assertThrows(IllegalArgumentException.class, () -> transform.apply(foreign));
  }

  @Test
  void equalTransformsAreEqual() {
    ColumnTransforms a = ColumnTransforms.parse(List.of("c=qty + 1"), List.of("op_ts"), CONTEXT);
    ColumnTransforms b = ColumnTransforms.parse(List.of(" c = qty + 1 "), List.of("OP_TS"), CONTEXT);
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertFalse(a.equals(ColumnTransforms.parse(List.of("c=qty + 2"), List.of("op_ts"), CONTEXT)));
    assertFalse(a.equals(ColumnTransforms.parse(List.of("c=qty + 1"), List.of("op_ts"), Fixtures.PAIMON)));
    assertEquals("c", a.computedColumns().get(0).name());
    assertEquals("qty + 1", a.computedColumns().get(0).expression());
  }
}
