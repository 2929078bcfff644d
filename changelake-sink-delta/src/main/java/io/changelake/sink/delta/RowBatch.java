package io.changelake.sink.delta;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.types.StructType;
import java.util.List;

/** A Delta columnar batch over {@link ColumnVector}s, immutable. */
final class RowBatch implements ColumnarBatch {
  private final StructType schema;
  private final List<ColumnVector> columns;
  private final int size;

  RowBatch(StructType schema, List<ColumnVector> columns, int size) {
    this.schema = schema;
    this.columns = List.copyOf(columns);
    this.size = size;
  }

  @Override
  public StructType getSchema() {
    return schema;
  }

  @Override
  public ColumnVector getColumnVector(int ordinal) {
    return columns.get(ordinal);
  }

  @Override
  public int getSize() {
    return size;
  }

  @Override
  public ColumnarBatch withNewSchema(StructType newSchema) {
    return new RowBatch(newSchema, columns, size);
  }
}
