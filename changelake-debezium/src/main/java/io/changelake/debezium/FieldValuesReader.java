package io.changelake.debezium;

/**
 * Reads a Kafka record's value bytes straight into {@link FieldValues}, without Kafka Connect Structs, for the
 * layouts and schemas it knows; the values are the ones its format's {@link
 * org.apache.kafka.connect.storage.Converter} would put into Structs, for a decoder that {@link
 * ChangeRecordDecoder#readsFieldValues() reads field values}. Not thread-safe, like the converter it sits beside.
 */
public interface FieldValuesReader {

  /** A reader that reads nothing: every record goes through the converter. */
  FieldValuesReader NONE = (topic, bytes) -> null;

  /**
   * The values of {@code bytes} (a record of {@code topic}), or null when this reader does not read them exactly
   * as the converter would (a layout or schema it does not know, a value it does not expect, a malformed record):
   * the caller then converts the record, which reads every layout or says why it cannot.
   */
  FieldValues read(String topic, byte[] bytes);
}
