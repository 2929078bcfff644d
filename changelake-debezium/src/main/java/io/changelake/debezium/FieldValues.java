package io.changelake.debezium;

import java.util.Objects;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * The values of one Kafka Connect STRUCT, by field: a {@link Struct}, or the values a reader took straight from a
 * record's bytes without building one ({@link #of(Schema, Object[])}). Wherever a Connect value may be a Struct,
 * the decoders of this module also take a {@code FieldValues} (one nested in another included), and read both the
 * same way. As with {@link Struct#get(Field)}, a null value reads as the field's default when its schema has one.
 */
public interface FieldValues {

  /** The STRUCT schema the values follow. */
  Schema schema();

  /** The value of {@code field}, a field of {@link #schema()}. */
  Object get(Field field);

  /**
   * The value of the field named {@code name}.
   *
   * @throws DataException when the schema has no such field
   */
  default Object get(String name) {
    Field field = schema().field(name);
    if (field == null) {
      throw new DataException(name + " is not a valid field name");
    }
    return get(field);
  }

  /** The values of {@code struct}. */
  static FieldValues of(Struct struct) {
    Objects.requireNonNull(struct, "struct");
    return new FieldValues() {
      @Override
      public Schema schema() {
        return struct.schema();
      }

      @Override
      public Object get(Field field) {
        return struct.get(field);
      }
    };
  }

  /**
   * Values of {@code schema}'s fields by field index, as a reader decoded them; the array is not copied. Each value
   * must be what a Struct of the schema would hold (nested structs as {@code FieldValues} or {@link Struct}s).
   */
  static FieldValues of(Schema schema, Object[] values) {
    return new FieldValues() {
      @Override
      public Schema schema() {
        return schema;
      }

      @Override
      public Object get(Field field) {
        Object value = values[field.index()];
        return value == null ? field.schema().defaultValue() : value;
      }
    };
  }

  /**
   * The values of a Connect value that is a struct ({@link Struct} or {@code FieldValues}); null for null.
   *
   * @throws DataException when {@code value} is not a struct
   */
  static FieldValues nested(Object value) {
    if (value == null || value instanceof FieldValues) {
      return (FieldValues) value;
    }
    if (value instanceof Struct struct) {
      return of(struct);
    }
    throw new DataException("A " + value.getClass().getSimpleName() + " is not a Connect Struct");
  }
}
