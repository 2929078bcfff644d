package io.changelake.source.kafka;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.SourceTable;
import io.changelake.api.spi.WriteMode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The table {@code on-error=skip} writes the records the source cannot read to: an append-mode table the
 * source owns, one row per record, written as an ordinary change so that its row lands exactly once, with the
 * record's position inside the table commit like any other change.
 *
 * @param id the table, named {@code errors.table} in a namespace named after the pipeline (the lake keeps only
 *     the name, in the sync's database)
 */
record ErrorsTable(TableId id) {
  static final String DEFAULT_NAME = "_changelake_errors";

  /** The columns, in order. */
  static final TableSchema SCHEMA = new TableSchema(List.of(
      Column.of("topic", DataType.STRING, false),
      Column.of("partition", DataType.INT, false),
      Column.of("offset", DataType.LONG, false),
      Column.of("key", DataType.BINARY, true),
      Column.of("value", DataType.BINARY, true),
      Column.of("reason", DataType.STRING, false),
      Column.of("table_name", DataType.STRING, true),
      Column.of("timestamp", DataType.TIMESTAMPTZ, true)), List.of());

  static ErrorsTable of(KafkaSourceConfig config) {
    return new ErrorsTable(new TableId(config.name(), config.errorsTable()));
  }

  /** The table as the source declares it: written in append mode, none of the pipeline's shaping. */
  SourceTable declared() {
    return new SourceTable(id, SCHEMA, -1, WriteMode.APPEND);
  }

  /**
   * The row recording {@code record}, raw, as an insert at {@code position} (the record's own).
   *
   * @param reason why it could not be read; holds no secret
   * @param meant the table the record was meant for, or null when unknown
   */
  ChangeEvent change(ConsumerRecord<byte[], byte[]> record, String reason, TableId meant, SourcePosition position) {
    Instant time = record.timestamp() < 0 ? null : Instant.ofEpochMilli(record.timestamp());
    Row row = Row.of(record.topic(), record.partition(), record.offset(), bytes(record.key()), bytes(record.value()),
        reason, meant == null ? null : meant.toString(), time == null ? null : OffsetDateTime.ofInstant(time,
            ZoneOffset.UTC));
    return new ChangeEvent(id, Operation.INSERT, SCHEMA, null, row, position, time == null ? Instant.EPOCH : time);
  }

  private static ByteBuffer bytes(byte[] bytes) {
    return bytes == null ? null : ByteBuffer.wrap(bytes.clone());
  }
}
