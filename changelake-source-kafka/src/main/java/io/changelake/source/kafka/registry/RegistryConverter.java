package io.changelake.source.kafka.registry;

import io.changelake.api.spi.SourceException;
import io.changelake.debezium.FieldValues;
import io.changelake.debezium.FieldValuesReader;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.storage.Converter;

/**
 * Reads a record's key or value in the Confluent wire format (magic byte 0, the schema id as a 4-byte
 * big-endian int, the payload) into Kafka Connect data, with the schema the registry holds under that
 * id: every record is read with the schema it was written with, so records of several schema versions
 * in one topic each decode right. Made by {@link RegistryConverters}; reads only; not thread-safe (one
 * per consumer thread, which may share one {@link SchemaRegistryClient}).
 *
 * <p>A record that cannot be read is a {@link DataException} naming the topic, the schema id and the
 * fix (its caller adds the partition and offset); a registry that cannot be asked is a
 * {@link RegistryUnavailableException}, never a reason to skip a record.
 *
 * <p>As a {@link FieldValuesReader}, it reads the payload straight into field values where its format can
 * ({@link PayloadFormat#readFields}); anything else, an unknown or unfit schema id included, reads as null.
 */
public final class RegistryConverter implements Converter, FieldValuesReader {
  static final byte MAGIC_BYTE = 0;
  static final int HEADER_LENGTH = 5;

  private final String format;
  private final PayloadFormat payloads;
  private final SchemaRegistryClient registry;
  private final boolean isKey;

  RegistryConverter(String format, PayloadFormat payloads, SchemaRegistryClient registry, boolean isKey) {
    this.format = format;
    this.payloads = payloads;
    this.registry = registry;
    this.isKey = isKey;
  }

  /** Nothing to configure: the factory set everything. */
  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
  }

  @Override
  public FieldValues read(String topic, byte[] bytes) {
    if (bytes == null || bytes.length < HEADER_LENGTH || bytes[0] != MAGIC_BYTE) {
      return null;
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    buffer.get();
    RegisteredSchema schema = registry.schema(buffer.getInt()).orElse(null);
    if (schema == null || !payloads.schemaType().equals(schema.type()) || !schema.references().isEmpty()) {
      return null;
    }
    return payloads.readFields(schema, buffer.slice());
  }

  /** A null (tombstone) stays null; anything else is read with its registered schema. */
  @Override
  public SchemaAndValue toConnectData(String topic, byte[] bytes) {
    if (bytes == null) {
      return SchemaAndValue.NULL;
    }
    String part = isKey ? "key" : "value";
    if (bytes.length < HEADER_LENGTH || bytes[0] != MAGIC_BYTE) {
      throw new DataException("The " + part + " of a record of topic '" + topic + "' is not in the Confluent wire"
          + " format (" + (bytes.length == 0 ? "it is empty" : "it starts with byte 0x"
          + String.format("%02x", bytes[0]) + ", not the magic byte 0x00") + "): " + part + ".format=" + format
          + " reads only records serialized through a schema registry. If the topic holds plain JSON, set "
          + part + ".format=json.");
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    buffer.get();
    int id = buffer.getInt();
    RegisteredSchema schema = registry.schema(id).orElseThrow(() -> new DataException("Schema id " + id
        + " of the " + part + " of a record of topic '" + topic + "' is unknown to the schema registry at "
        + registry.url() + ": the record was written through another registry, or its schema was deleted."));
    if (!payloads.schemaType().equals(schema.type())) {
      throw new DataException("Schema id " + id + " of the " + part + " of a record of topic '" + topic
          + "' is a " + schema.type() + " schema, but " + part + ".format=" + format + " reads "
          + payloads.schemaType() + " schemas: set " + part + ".format to " + RegistryConverters.formatOf(schema.type())
          + ".");
    }
    if (!schema.references().isEmpty() && !payloads.readsReferences()) {
      throw new DataException("Schema id " + id + " of topic '" + topic + "' imports other schemas "
          + schema.references() + "; " + part + ".format=" + format + " does not read schemas with references yet"
          + " (" + RegistryConverters.PROTOBUF + " does): register a self-contained schema.");
    }
    try {
      return payloads.read(schema, buffer.slice());
    } catch (SourceException e) {
      throw e; // the registry could not be asked (for a referenced schema): never a reason to skip a record
    } catch (RuntimeException e) {
      throw new DataException("The " + part + " of a record of topic '" + topic + "' does not decode with "
          + schema.type() + " schema id " + id + ": " + e.getMessage(), e);
    }
  }

  /** Not supported: changelake reads topics, it does not write them. */
  @Override
  public byte[] fromConnectData(String topic, Schema schema, Object value) {
    throw new UnsupportedOperationException("changelake reads " + format + " records; it does not write them");
  }
}
