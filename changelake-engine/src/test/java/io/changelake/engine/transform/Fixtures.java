package io.changelake.engine.transform;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/** A products table, rows of it, and shortcuts to compile and evaluate expressions over them. */
final class Fixtures {
  static final TableId TABLE = new TableId("public", "products");
  static final TransformContext CONTEXT = new TransformContext("ecommerce", FunctionDialect.SQL);
  static final TransformContext PAIMON = new TransformContext("ecommerce", FunctionDialect.PAIMON);
  static final Instant COMMIT_TIME = Instant.parse("2024-03-16T08:00:00.123456Z");
  static final TableSchema SCHEMA = new TableSchema(List.of(
      Column.of("id", DataType.INT, false),
      Column.of("price", DataType.decimal(10, 2), true),
      Column.of("qty", DataType.INT, true),
      Column.of("big", DataType.LONG, true),
      Column.of("ratio", DataType.DOUBLE, true),
      Column.of("name", DataType.STRING, true),
      Column.of("Label", DataType.STRING, true),
      Column.of("created", DataType.DATE, true),
      Column.of("ts", DataType.TIMESTAMP, true),
      Column.of("tstz", DataType.TIMESTAMPTZ, true),
      Column.of("flag", DataType.BOOLEAN, true),
      Column.of("tags", DataType.listOf(DataType.INT), true)), List.of("id"));
  static final Row ROW = Row.of(1, new BigDecimal("19.99"), 3, 10L, 0.5, "Widget", "X",
      LocalDate.of(2024, 3, 15), LocalDateTime.of(2024, 3, 15, 13, 45, 30, 123_456_000),
      OffsetDateTime.of(2024, 3, 15, 23, 30, 0, 0, ZoneOffset.UTC), true, List.of(1, 2));

  private Fixtures() { }

  /** A source position that describes itself as {@code 0/<lsn>}. */
  record Lsn(long lsn, boolean inSnapshot) implements SourcePosition {
    @Override
    public String serialize() {
      return Long.toString(lsn);
    }

    @Override
    public String describe() {
      return "0/" + Long.toHexString(lsn).toUpperCase(java.util.Locale.ROOT);
    }

    @Override
    public int compareTo(SourcePosition o) {
      return Long.compare(lsn, ((Lsn) o).lsn);
    }
  }

  /** {@link #ROW} with {@code column} set to {@code value}. */
  static Row with(String column, Object value) {
    return with(ROW, column, value);
  }

  static Row with(Row row, String column, Object value) {
    Object[] values = row.copyValues();
    values[SCHEMA.indexOf(column)] = value;
    return Row.of(values);
  }

  static ChangeEvent event(Operation operation, Row before, Row after) {
    return new ChangeEvent(TABLE, operation, SCHEMA, before, after,
        new Lsn(0x16B3748, operation == Operation.SNAPSHOT), COMMIT_TIME);
  }

  static ChangeEvent insert(Row row) {
    return event(Operation.INSERT, null, row);
  }

  static RowTransform bind(String... computedColumns) {
    return bind(CONTEXT, computedColumns);
  }

  static RowTransform bind(TransformContext context, String... computedColumns) {
    return ColumnTransforms.parse(List.of(computedColumns), List.of(), context).bind(SCHEMA);
  }

  /** The value of {@code expression} over {@code row}, its functions as SQL defines them. */
  static Object eval(String expression, Row row) {
    return eval(CONTEXT, expression, row);
  }

  /** The value of {@code expression} over {@code row}, its functions as {@code context}'s dialect defines them. */
  static Object eval(TransformContext context, String expression, Row row) {
    return bind(context, "c=" + expression).apply(insert(row), row).get(SCHEMA.size());
  }

  static Object eval(String expression) {
    return eval(expression, ROW);
  }

  /** The type inferred for {@code expression}. */
  static DataType typeOf(String expression) {
    return bind("c=" + expression).outputSchema().column(SCHEMA.size()).type();
  }
}
