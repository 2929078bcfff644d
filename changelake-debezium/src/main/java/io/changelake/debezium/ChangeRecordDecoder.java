package io.changelake.debezium;

import java.util.Optional;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Decodes the change one record of a change topic carries, from its Kafka Connect data (what a
 * converter made of the record's key and value bytes). Implementations are not thread-safe.
 */
public interface ChangeRecordDecoder {

  /**
   * Whether {@link #decode} also takes a record whose value is {@link FieldValues} (structs at any depth as
   * {@code FieldValues} too) instead of a {@link org.apache.kafka.connect.data.Struct}; false unless overridden.
   */
  default boolean readsFieldValues() {
    return false;
  }

  /**
   * The change {@code record} carries, or empty when it carries none (e.g. the tombstone that follows a
   * delete, a heartbeat).
   *
   * @throws MalformedRecordException when the record is not what this decoder reads; the message names the
   *     record (topic, partition, offset) and what is wrong with it
   */
  Optional<DecodedChange> decode(SinkRecord record);
}
