package io.changelake.sink.delta;

import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.DataType;
import java.math.BigDecimal;
import java.util.List;

/** A Delta column vector over stored values (see {@link ValueConversion}); nulls are null. */
final class ValueVector implements ColumnVector {
  private final DataType type;
  private final Object[] values;
  private final int size;

  ValueVector(DataType type, Object[] values, int size) {
    this.type = type;
    this.values = values;
    this.size = size;
  }

  /** A vector of booleans, e.g. a selection vector. */
  static ValueVector ofBooleans(boolean[] flags, int size) {
    Object[] values = new Object[size];
    for (int i = 0; i < size; i++) {
      values[i] = flags[i];
    }
    return new ValueVector(io.delta.kernel.types.BooleanType.BOOLEAN, values, size);
  }

  @Override
  public DataType getDataType() {
    return type;
  }

  @Override
  public int getSize() {
    return size;
  }

  @Override
  public void close() { }

  @Override
  public boolean isNullAt(int rowId) {
    return values[rowId] == null;
  }

  @Override
  public boolean getBoolean(int rowId) {
    return (Boolean) values[rowId];
  }

  @Override
  public int getInt(int rowId) {
    return (Integer) values[rowId];
  }

  @Override
  public long getLong(int rowId) {
    return (Long) values[rowId];
  }

  @Override
  public float getFloat(int rowId) {
    return (Float) values[rowId];
  }

  @Override
  public double getDouble(int rowId) {
    return (Double) values[rowId];
  }

  @Override
  public byte[] getBinary(int rowId) {
    return (byte[]) values[rowId];
  }

  @Override
  public String getString(int rowId) {
    return (String) values[rowId];
  }

  @Override
  public BigDecimal getDecimal(int rowId) {
    return (BigDecimal) values[rowId];
  }

  @Override
  public ArrayValue getArray(int rowId) {
    List<?> list = (List<?>) values[rowId];
    ValueVector elements = new ValueVector(((ArrayType) type).getElementType(), list.toArray(), list.size());
    return new ArrayValue() {
      @Override
      public int getSize() {
        return elements.getSize();
      }

      @Override
      public ColumnVector getElements() {
        return elements;
      }
    };
  }
}
