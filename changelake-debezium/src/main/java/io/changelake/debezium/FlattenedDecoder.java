package io.changelake.debezium;

import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Decodes Debezium change events flattened by {@code ExtractNewRecordState} (the value is the row itself),
 * and plain upsert topics (key → row, null value = delete).
 *
 * <p>Operation: a tombstone (null value) or {@code __deleted = true} is a DELETE of the record key; else
 * {@code __op} when present ({@code c} → INSERT, {@code u}, {@code r} → UPDATE, {@code d} → DELETE); a
 * record without {@code __op} (e.g. {@code after.state.only}-style topics) is an upsert (UPDATE without a
 * before-image). Anything but an INSERT needs the record key: a key-less one is an error.
 *
 * <p>Fields the transform adds ({@code add.fields} with the default prefix {@code __}: {@code __deleted},
 * {@code __op}, {@code __table}, {@code __db}, {@code __schema}, {@code __collection}, {@code __lsn}, {@code
 * __txId}, {@code __ts_ms}, {@code __ts_us}, {@code __ts_ns} and every {@code __source_*}) are read, never
 * columns.
 *
 * <p>Table: {@code __schema} (else {@code __db}) . {@code __table} when the record has them; else the last
 * two dot-separated parts of the topic name ({@code prefix.schema.table} → {@code schema.table}, {@code
 * prefix.db.table} → {@code db.table}, SQL Server's {@code prefix.db.schema.table} → {@code schema.table}); a
 * topic without a dot names a table without a namespace. Source time: {@code __source_ts_ns}, {@code _us},
 * {@code _ms}, else {@code __ts_ms}, else the record's Kafka timestamp.
 *
 * <p>The value may be a {@link org.apache.kafka.connect.data.Struct} or {@link FieldValues} ({@link
 * #readsFieldValues()}). Not thread-safe.
 */
public final class FlattenedDecoder implements ChangeRecordDecoder {

  private static final Set<String> ADDED = Set.of("__deleted", "__op", "__table", "__db", "__schema", "__collection",
      "__lsn", "__txId", "__ts_ms", "__ts_us", "__ts_ns");

  private final ConnectSchemas schemas = new ConnectSchemas(name -> !isAdded(name));
  private final Map<TableId, TableSchema> latest = new HashMap<>();

  /** Whether {@code field} is one {@code ExtractNewRecordState} adds rather than a column. */
  public static boolean isAdded(String field) {
    return ADDED.contains(field) || field.startsWith("__source_");
  }

  @Override
  public boolean readsFieldValues() {
    return true;
  }

  @Override
  public Optional<DecodedChange> decode(SinkRecord record) {
    try {
      return Optional.of(record.value() == null ? tombstone(record) : change(record));
    } catch (DataException | IllegalArgumentException e) {
      throw Records.malformed(record, e.getMessage(), "fix the producer or skip the record", e);
    }
  }

  private DecodedChange tombstone(SinkRecord record) {
    TableId table = topicTable(record.topic());
    TableSchema schema = latest.get(table);
    if (schema == null) {
      if (record.keySchema() == null || record.keySchema().type() != Schema.Type.STRUCT) {
        throw Records.malformed(record, "a tombstone (delete) without a key", "give the source table a primary key"
            + " or set message.key.columns, so deletes carry the key");
      }
      schema = schemas.tableSchema(record.keySchema(), record.keySchema());
    }
    requireKey(record, schema, "delete");
    return new DecodedChange(table, Operation.DELETE, schema, Records.keyRow(record, schema), null,
        kafkaTime(record));
  }

  private DecodedChange change(SinkRecord record) {
    FieldValues value = Records.fieldValues(record, record.value());
    if (Records.carriesNoChange(value.schema())) {
      throw Records.malformed(record, "a Debezium heartbeat or metadata record in a row topic",
          "exclude that topic from the source");
    }
    TableId table = table(record, value);
    TableSchema schema = schemas.tableSchema(value.schema(), record.keySchema());
    latest.put(table, schema);
    Row row = ConnectValues.row(schema, value);
    Operation operation = operation(record, value);
    if (operation != Operation.INSERT) {
      requireKey(record, schema, operation == Operation.DELETE ? "delete" : "upsert");
    }
    Instant time = time(record, value);
    return operation == Operation.DELETE ? new DecodedChange(table, operation, schema, row, null, time)
        : new DecodedChange(table, operation, schema, null, row, time);
  }

  private static Operation operation(SinkRecord record, FieldValues value) {
    Object deleted = value.schema().field("__deleted") == null ? null : value.get("__deleted");
    if (deleted != null && Boolean.parseBoolean(deleted.toString())) {
      return Operation.DELETE;
    }
    String op = Records.optionalString(value, "__op");
    if (op == null) {
      return Operation.UPDATE;
    }
    return switch (op) {
      case "c" -> Operation.INSERT;
      case "u", "r" -> Operation.UPDATE;
      case "d" -> Operation.DELETE;
      default -> throw Records.malformed(record, "unknown Debezium operation __op = '" + op + "' (known: c, u, d, r)",
          "skip the record, or read the topic with a decoder that knows this operation");
    };
  }

  private static void requireKey(SinkRecord record, TableSchema schema, String what) {
    if (!schema.hasPrimaryKey()) {
      throw Records.malformed(record, "a key-less " + what + ": the record has no key, so the row to change is"
          + " unknown", "give the source table a primary key or set the connector's message.key.columns, or read"
          + " the topic in append mode");
    }
  }

  private static TableId table(SinkRecord record, FieldValues value) {
    String name = Records.optionalString(value, "__table");
    if (name == null) {
      name = Records.optionalString(value, "__collection");
    }
    if (name == null) {
      return topicTable(record.topic());
    }
    String namespace = Records.optionalString(value, "__schema");
    if (namespace == null) {
      namespace = Records.optionalString(value, "__db");
    }
    return new TableId(namespace == null ? "" : namespace, name);
  }

  /** The last two dot-separated parts of a topic name: {@code prefix.schema.table} → {@code schema.table}. */
  public static TableId topicTable(String topic) {
    int last = topic.lastIndexOf('.');
    if (last < 0) {
      return new TableId("", topic);
    }
    int previous = topic.lastIndexOf('.', last - 1);
    return new TableId(topic.substring(previous + 1, last), topic.substring(last + 1));
  }

  private static Instant time(SinkRecord record, FieldValues value) {
    Long nanos = Records.optionalLong(value, "__source_ts_ns");
    if (nanos != null) {
      return Instant.EPOCH.plusNanos(nanos);
    }
    Long micros = Records.optionalLong(value, "__source_ts_us");
    if (micros != null) {
      return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }
    Long millis = Records.optionalLong(value, "__source_ts_ms");
    if (millis == null) {
      millis = Records.optionalLong(value, "__ts_ms");
    }
    return millis != null ? Instant.ofEpochMilli(millis) : kafkaTime(record);
  }

  private static Instant kafkaTime(SinkRecord record) {
    return record.timestamp() == null ? Instant.EPOCH : Instant.ofEpochMilli(record.timestamp());
  }
}
