package io.changelake.query;

import io.changelake.api.model.Row;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.ReadRequest;
import io.changelake.api.spi.RowScan;
import io.changelake.api.spi.SinkTable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.ProjectableFilterableTable;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * One version of a lake table as a Calcite table. Its rows come from the format's own reader
 * ({@link SinkTable#scan}), so every kind of delete is applied; only the columns the query uses are converted.
 */
final class LakeTable extends AbstractTable implements ProjectableFilterableTable {
  private final SinkTable table;
  private final Long snapshotId;
  private final TableSchema schema;
  /** Positions of the timestamp columns whose microseconds follow the columns, or empty (see {@link #withMicros}). */
  private final List<Integer> micros;

  /** The table at {@code snapshotId}, or its latest version when null. */
  LakeTable(SinkTable table, Long snapshotId) {
    this.table = table;
    this.snapshotId = snapshotId;
    if (snapshotId == null) {
      this.schema = table.schema();
    } else {
      try (RowScan scan = table.scan(snapshotId)) {
        this.schema = scan.schema();
      }
    }
    this.micros = List.of();
  }

  private LakeTable(LakeTable base, List<Integer> micros) {
    this.table = base.table;
    this.snapshotId = base.snapshotId;
    this.schema = base.schema;
    this.micros = micros;
  }

  TableSchema schema() {
    return schema;
  }

  /**
   * This table with one more INTEGER field per timestamp column, after the columns and in their order: the
   * microseconds within the millisecond that Calcite's value of the column leaves out (see {@link ExactTimes}).
   */
  LakeTable withMicros() {
    List<Integer> times = new ArrayList<>();
    for (int i = 0; i < schema.size(); i++) {
      if (LakeTypes.isTimestamp(schema.column(i).type())) {
        times.add(i);
      }
    }
    return new LakeTable(this, List.copyOf(times));
  }

  /** The positions of the timestamp columns whose microsecond fields follow the columns, in order. */
  List<Integer> micros() {
    return micros;
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    RelDataType columns = LakeTypes.rowType(typeFactory, schema);
    if (micros.isEmpty()) {
      return columns;
    }
    RelDataTypeFactory.Builder builder = typeFactory.builder().addAll(columns.getFieldList());
    for (int column : micros) {
      builder.add("$micros$" + schema.column(column).name(), typeFactory.createTypeWithNullability(
          typeFactory.createSqlType(SqlTypeName.INTEGER), true));
    }
    return builder.build();
  }

  /**
   * Reads the columns the query uses, and hands the format the conditions it can skip data with ({@link PushDown});
   * Calcite still applies every filter to the rows read.
   */
  @Override
  public Enumerable<Object[]> scan(DataContext root, List<RexNode> filters, int[] projects) {
    int[] columns = projects;
    if (columns == null) {
      columns = new int[schema.size() + micros.size()];
      for (int i = 0; i < columns.length; i++) {
        columns[i] = i;
      }
    }
    int[] wanted = columns;
    List<String> names = new ArrayList<>();
    for (int column : wanted) {
      String name = schema.column(column(column)).name();
      if (!names.contains(name)) {
        names.add(name);
      }
    }
    if (names.isEmpty()) {  // count(*): any one column tells the rows apart
      names.add(schema.column(0).name());
    }
    ReadRequest request = new ReadRequest(names,
        PushDown.filters(filters, schema, new RexBuilder(root.getTypeFactory())));
    return new AbstractEnumerable<>() {
      @Override
      public Enumerator<Object[]> enumerator() {
        return new RowEnumerator(table.scan(snapshotId, request), wanted);
      }
    };
  }

  /** The lake column of field {@code field}: itself, or the timestamp column a microseconds field belongs to. */
  private int column(int field) {
    return field < schema.size() ? field : micros.get(field - schema.size());
  }

  /** Converts the wanted columns of each row, by name, so a column added since planning cannot shift them. */
  private final class RowEnumerator implements Enumerator<Object[]> {
    private final RowScan scan;
    private final Iterator<Row> rows;
    private final int[] wanted;
    private final int[] positions;
    private Object[] current;

    RowEnumerator(RowScan scan, int[] wanted) {
      this.scan = scan;
      this.rows = scan.iterator();
      this.wanted = wanted;
      this.positions = new int[wanted.length];
      for (int i = 0; i < wanted.length; i++) {
        positions[i] = scan.schema().indexOf(schema.column(column(wanted[i])).name());
      }
    }

    @Override
    public Object[] current() {
      return current;
    }

    @Override
    public boolean moveNext() {
      if (!rows.hasNext()) {
        return false;
      }
      Row row = rows.next();
      Object[] values = new Object[wanted.length];
      for (int i = 0; i < wanted.length; i++) {
        Object value = positions[i] < 0 ? null : row.get(positions[i]);
        values[i] = wanted[i] >= schema.size() ? LakeTypes.microsOfMilli(value)
            : LakeTypes.toCalcite(value, schema.column(wanted[i]).type());
      }
      current = values;
      return true;
    }

    @Override
    public void reset() {
      throw new UnsupportedOperationException("A lake table scan cannot restart");
    }

    @Override
    public void close() {
      scan.close();
    }
  }
}
