package io.changelake.sink.delta;

import io.changelake.api.model.Row;
import io.changelake.api.model.TableSchema;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.types.StructType;
import java.util.ArrayList;
import java.util.List;

/** Collects core rows column by column into {@link RowBatch}es of the table's Delta schema. */
final class RowBatchBuilder {
  private final TableSchema schema;
  private final StructType deltaSchema;
  private final int capacity;
  private Object[][] columns;
  private int size;

  RowBatchBuilder(TableSchema schema, StructType deltaSchema, int capacity) {
    this.schema = schema;
    this.deltaSchema = deltaSchema;
    this.capacity = capacity;
    this.columns = new Object[schema.size()][capacity];
  }

  /** Adds {@code row}; returns whether the batch is full. */
  boolean add(Row row) {
    if (row.size() != schema.size()) {
      throw new IllegalArgumentException(
          "Row has " + row.size() + " values but the table has " + schema.size() + " columns");
    }
    for (int c = 0; c < columns.length; c++) {
      String name = schema.column(c).name();
      columns[c][size] = ValueConversion.toStored(row.get(c), schema.column(c).type(), name);
    }
    size++;
    return size == capacity;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The rows added so far as a batch; the builder starts over. */
  RowBatch drain() {
    List<ColumnVector> vectors = new ArrayList<>(columns.length);
    for (int c = 0; c < columns.length; c++) {
      vectors.add(new ValueVector(deltaSchema.at(c).getDataType(), columns[c], size));
    }
    RowBatch batch = new RowBatch(deltaSchema, vectors, size);
    columns = new Object[schema.size()][capacity];
    size = 0;
    return batch;
  }
}
