package io.changelake.source.kafka.registry;

import io.changelake.debezium.FieldValues;
import java.nio.ByteBuffer;
import org.apache.kafka.connect.data.SchemaAndValue;

/**
 * One registry serialization: how a record's payload (after the wire-format header) written with a
 * registered schema becomes Kafka Connect data. Implementations cache what they derive from a schema
 * per schema id; like the converter that holds one, an instance serves one consumer thread.
 */
interface PayloadFormat {

  /** The registry's {@code schemaType} of the schemas this format reads: AVRO, JSON or PROTOBUF. */
  String schemaType();

  /**
   * Whether this format reads schemas with {@code references} (the converter refuses them otherwise);
   * such a format fetches the referenced schemas itself.
   */
  default boolean readsReferences() {
    return false;
  }

  /**
   * The Connect data of {@code payload}, written with {@code schema}.
   *
   * @throws RuntimeException when the payload does not decode with the schema; the message says why
   */
  SchemaAndValue read(RegisteredSchema schema, ByteBuffer payload);

  /**
   * The values {@link #read} would put into Connect Structs, read straight from {@code payload}; null when this
   * format does not read {@code schema}'s records that way, or not this payload (then {@link #read} reads it, or
   * says why it cannot). None by default.
   */
  default FieldValues readFields(RegisteredSchema schema, ByteBuffer payload) {
    return null;
  }
}
