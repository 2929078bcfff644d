package io.changelake.source.kafka;

import io.changelake.api.model.TableId;
import io.changelake.api.spi.ChangeListener;
import io.changelake.api.spi.SourceException;
import io.changelake.api.spi.TableFilter;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out {@code on-error} for a record the source cannot read: stops the sync ({@link OnError#FAIL}),
 * emits the raw record as a change of the errors table ({@link OnError#SKIP}), or asks the listener to suspend
 * the record's table ({@link OnError#SUSPEND}). A record is attributed to a table when its topic feeds exactly
 * one (every upsert or append topic; a Debezium topic whose records name one source table); a record of a table
 * the sync does not mirror is passed over.
 */
final class BadRecords {
  private static final Logger LOG = LoggerFactory.getLogger(BadRecords.class);

  private final OnError strategy;
  private final ErrorsTable errors;
  private final TableFilter filter;
  /** The tables each topic feeds, as {@link KafkaSource#discover()} found them. */
  private final Map<String, Set<TableId>> topicTables;

  /**
   * @param errors the errors table, or null unless {@code strategy} is {@link OnError#SKIP}
   */
  BadRecords(OnError strategy, ErrorsTable errors, TableFilter filter, Map<String, Set<TableId>> topicTables) {
    this.strategy = strategy;
    this.errors = errors;
    this.filter = filter;
    this.topicTables = topicTables;
  }

  /**
   * Handles {@code record}, which cannot be read, at {@code position} (the record's own).
   *
   * @throws SourceException when the strategy (or its fallback) stops the sync
   */
  void handle(ConsumerRecord<byte[], byte[]> record, UnreadableRecordException cause, KafkaPosition position,
      ChangeListener listener) throws InterruptedException {
    TableId meant = meant(record.topic());
    if (meant != null && !filter.test(meant)) {
      LOG.debug("Passed over {}, a record of {}, which is not mirrored: {}", where(record), meant, cause.reason());
      return;
    }
    switch (strategy) {
      case FAIL -> throw new SourceException(cause.reason() + ". Nothing after it was written. Fix: correct what"
          + " produces the topic, or set on-error=skip (write such records to the errors table and go on) or"
          + " on-error=suspend (stop only the record's table), then restart the sync.", cause);
      case SKIP -> {
        LOG.warn("Wrote {} to the errors table {}: {}", where(record), errors.id().name(), cause.reason());
        listener.onChange(errors.change(record, cause.reason(), meant, position));
      }
      case SUSPEND -> {
        if (meant == null) {
          throw new SourceException(cause.reason() + ". on-error=suspend stops only the table a record belongs to,"
              + " but topic " + record.topic() + " feeds " + describe(topicTables.get(record.topic()))
              + ", so the sync stops; nothing after the record was written. Fix: set on-error=skip to write such"
              + " records to the errors table and go on, or correct what produces the topic, then restart the"
              + " sync.", cause);
        }
        listener.onUnreadable(meant, position, cause.reason() + ". The table holds every record before "
            + where(record) + ". Fix: correct what produces topic " + record.topic() + ", then restart the sync"
            + " with on-error=skip to write this record to the errors table and go on (with on-error=suspend"
            + " the table stops at it again)");
      }
    }
  }

  /** The one table {@code topic} feeds, or null when it feeds none or several. */
  private TableId meant(String topic) {
    Set<TableId> tables = topicTables.getOrDefault(topic, Set.of());
    return tables.size() == 1 ? tables.iterator().next() : null;
  }

  private static String describe(Set<TableId> tables) {
    return tables == null || tables.isEmpty() ? "no table the sync found at start"
        : "several tables " + tables + " and the record names none it could read";
  }

  static String where(ConsumerRecord<?, ?> record) {
    return record.topic() + "-" + record.partition() + "@" + record.offset();
  }
}
