package io.changelake.source.kafka.registry;

import io.apicurio.registry.utils.converter.avro.AvroData;
import io.changelake.debezium.FieldValues;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.avro.io.Decoder;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * Reads Avro binary records of one writer schema straight into {@link FieldValues}, field by field with Avro's
 * {@link Decoder}: the values {@link AvroData} puts into Connect Structs for the Connect schema it derives from that
 * Avro schema ({@code bytes} as {@code byte[]}, as {@link AvroPayloadFormat} hands them on), without the generic
 * record and the Structs. Made for records whose fields are, at any depth, records, primitives (Connect
 * {@code Decimal} included), arrays or a union of null and one of those; {@link #of} refuses others (maps, enums,
 * fixed, other unions, Connect Date, Time, Timestamp). Immutable; {@link #read} is thread-safe.
 */
final class AvroFieldsReader {
  private static final Set<String> REFUSED_LOGICAL = Set.of(Date.LOGICAL_NAME, Time.LOGICAL_NAME, Timestamp.LOGICAL_NAME);

  /** Reads one value of a field's Avro schema. */
  @FunctionalInterface
  private interface ValueReader {
    Object read(Decoder decoder) throws IOException;
  }

  private final Schema connect;
  /** The readers of the Avro fields, in the writer's order, and the Connect field index each fills. */
  private final ValueReader[] readers;
  private final int[] positions;

  private AvroFieldsReader(Schema connect, ValueReader[] readers, int[] positions) {
    this.connect = connect;
    this.readers = readers;
    this.positions = positions;
  }

  /**
   * A reader of records of Avro {@code avro} into values of {@code connect} (what {@link AvroData} makes of that
   * schema); null when a field has a type it does not read.
   */
  static AvroFieldsReader of(org.apache.avro.Schema avro, Schema connect) {
    if (avro.getType() != org.apache.avro.Schema.Type.RECORD || connect.type() != Schema.Type.STRUCT
        || avro.getFields().size() != connect.fields().size()) {
      return null;
    }
    List<org.apache.avro.Schema.Field> fields = avro.getFields();
    ValueReader[] readers = new ValueReader[fields.size()];
    int[] positions = new int[fields.size()];
    for (int i = 0; i < readers.length; i++) {
      Field field = connect.field(fields.get(i).name());
      readers[i] = field == null ? null : reader(fields.get(i).schema(), field.schema());
      if (readers[i] == null) {
        return null;
      }
      positions[i] = field.index();
    }
    return new AvroFieldsReader(connect, readers, positions);
  }

  /** The values of the record {@code decoder} is at. */
  FieldValues read(Decoder decoder) throws IOException {
    Object[] values = new Object[readers.length];
    for (int i = 0; i < readers.length; i++) {
      values[positions[i]] = readers[i].read(decoder);
    }
    return FieldValues.of(connect, values);
  }

  /** The reader of values of Avro {@code avro} as Connect {@code connect}; null for a refused type. */
  private static ValueReader reader(org.apache.avro.Schema avro, Schema connect) {
    org.apache.avro.Schema.Type type = avro.getType();
    if (type == org.apache.avro.Schema.Type.UNION) {
      return optional(avro, connect);
    }
    String logical = connect.name();
    if (Decimal.LOGICAL_NAME.equals(logical)) {
      return type == org.apache.avro.Schema.Type.BYTES ? decoder -> Decimal.toLogical(connect, bytes(decoder)) : null;
    }
    if (logical != null && REFUSED_LOGICAL.contains(logical)) {
      return null;
    }
    return switch (connect.type()) {
      case BOOLEAN -> type == org.apache.avro.Schema.Type.BOOLEAN ? Decoder::readBoolean : null;
      case INT8 -> type == org.apache.avro.Schema.Type.INT ? decoder -> (byte) decoder.readInt() : null;
      case INT16 -> type == org.apache.avro.Schema.Type.INT ? decoder -> (short) decoder.readInt() : null;
      case INT32 -> type == org.apache.avro.Schema.Type.INT ? Decoder::readInt : null;
      case INT64 -> type == org.apache.avro.Schema.Type.LONG ? Decoder::readLong : null;
      case FLOAT32 -> type == org.apache.avro.Schema.Type.FLOAT ? Decoder::readFloat : null;
      case FLOAT64 -> type == org.apache.avro.Schema.Type.DOUBLE ? Decoder::readDouble : null;
      case STRING -> type == org.apache.avro.Schema.Type.STRING ? Decoder::readString : null;
      case BYTES -> type == org.apache.avro.Schema.Type.BYTES ? AvroFieldsReader::bytes : null;
      case STRUCT -> {
        AvroFieldsReader nested = of(avro, connect);
        yield nested == null ? null : nested::read;
      }
      case ARRAY -> type == org.apache.avro.Schema.Type.ARRAY ? array(avro.getElementType(), connect.valueSchema()) : null;
      case MAP -> null;
    };
  }

  /** The reader of Avro arrays of {@code element}, as Connect arrays of {@code connect}. */
  private static ValueReader array(org.apache.avro.Schema element, Schema connect) {
    ValueReader reader = reader(element, connect);
    return reader == null ? null : decoder -> {
      List<Object> list = new ArrayList<>();
      for (long block = decoder.readArrayStart(); block > 0; block = decoder.arrayNext()) {
        for (long i = 0; i < block; i++) {
          list.add(reader.read(decoder));
        }
      }
      return list;
    };
  }

  /** A union of null and one other type (either order), as AvroData reads it: an optional value; else null. */
  private static ValueReader optional(org.apache.avro.Schema union, Schema connect) {
    List<org.apache.avro.Schema> branches = union.getTypes();
    if (branches.size() != 2 || !connect.isOptional()) {
      return null;
    }
    int nullBranch = branches.get(0).getType() == org.apache.avro.Schema.Type.NULL ? 0 : 1;
    org.apache.avro.Schema value = branches.get(1 - nullBranch);
    if (branches.get(nullBranch).getType() != org.apache.avro.Schema.Type.NULL
        || value.getType() == org.apache.avro.Schema.Type.UNION) {
      return null;
    }
    ValueReader reader = reader(value, connect);
    return reader == null ? null : decoder -> decoder.readIndex() == nullBranch ? null : reader.read(decoder);
  }

  private static byte[] bytes(Decoder decoder) throws IOException {
    ByteBuffer buffer = decoder.readBytes(null);
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }
}
