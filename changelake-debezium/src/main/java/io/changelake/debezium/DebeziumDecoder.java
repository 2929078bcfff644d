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
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Decodes Debezium change events (the envelope: {@code before}, {@code after}, {@code op}, {@code source},
 * {@code ts_ms}) of the relational connectors (PostgreSQL, MySQL/MariaDB, SQL Server, Oracle, Db2, ...) and of
 * MongoDB (each document a row of {@code _id} and {@code document}, its extended JSON text).
 *
 * <p>Operations: {@code u} → UPDATE, {@code d} → DELETE, {@code t} → TRUNCATE, and {@code r} (a snapshot read)
 * and a keyed {@code c} → UPDATE without a before-image, i.e. an upsert: the engine writes {@link
 * Operation#SNAPSHOT} rows and INSERTs as plain inserts, while a topic's reads and inserts may repeat keys the
 * lake table already holds (a re-snapshot, an incremental snapshot, a connector's at-least-once redelivery).
 * A {@code c} without a record key (an append table) is an INSERT.
 * The table is {@code source.schema}.{@code source.table}, or {@code source.db}.{@code source.table} when the
 * source block has no schema (MySQL); the primary key is the record key's fields. A delete without a
 * before-image takes its key from the record key. The source time is {@code source.ts_ns}, {@code ts_us}
 * or {@code ts_ms}, the most precise present. A tombstone (null value) and Debezium's heartbeat,
 * transaction-metadata and schema-change records carry no row change: empty.
 *
 * <p>Values follow {@link ConnectValues}, types {@link ConnectSchemas}. The value may be a {@link
 * org.apache.kafka.connect.data.Struct} or {@link FieldValues} read straight from the record's bytes ({@link
 * #readsFieldValues()}). Not thread-safe.
 */
public final class DebeziumDecoder implements ChangeRecordDecoder {

  private final ConnectSchemas schemas = new ConnectSchemas();
  private final Map<TableId, TableSchema> latest = new HashMap<>();

  @Override
  public boolean readsFieldValues() {
    return true;
  }

  @Override
  public Optional<DecodedChange> decode(SinkRecord record) {
    Object value = record.value();
    if (value == null) {
      return Optional.empty();
    }
    FieldValues envelope = Records.fieldValues(record, value);
    Schema schema = envelope.schema();
    if (Records.carriesNoChange(schema)) {
      return Optional.empty();
    }
    if (schema.field("op") == null || schema.field("source") == null
        || (schema.field("after") == null && schema.field("before") == null)) {
      throw Records.malformed(record, "the value is not a Debezium change event (it has no op, source and"
          + " before/after fields: " + Records.fieldNames(schema) + ")", "read this topic with the decoder of its"
          + " format: the flattened form for ExtractNewRecordState topics, plain upsert or append otherwise");
    }
    try {
      return Optional.of(decodeEnvelope(record, envelope));
    } catch (DataException | IllegalArgumentException | ClassCastException e) {
      throw Records.malformed(record, e.getMessage(), "fix the producer or skip the record", e);
    }
  }

  private DecodedChange decodeEnvelope(SinkRecord record, FieldValues envelope) {
    String code = (String) envelope.get("op");
    Operation operation = operation(record, code);
    FieldValues source = FieldValues.nested(envelope.get("source"));
    TableId table = tableId(record, source);
    Instant time = sourceTime(source, envelope);
    Schema rowSchema = rowSchema(envelope.schema());
    if (rowSchema.type() == Schema.Type.STRING) {
      return MongoDocuments.decode(record, envelope, table, operation, time);
    }
    if (operation == Operation.TRUNCATE) {
      TableSchema known = latest.get(table);
      TableSchema schema = known != null ? known : schemas.tableSchema(rowSchema, record.keySchema());
      return new DecodedChange(table, operation, schema, null, null, time);
    }
    TableSchema schema = tableSchema(table, rowSchema, record.keySchema());
    Row before = ConnectValues.row(schema, FieldValues.nested(envelope.get("before")));
    Row after = ConnectValues.row(schema, FieldValues.nested(envelope.get("after")));
    if (operation == Operation.DELETE) {
      if (before == null) {
        before = Records.keyRow(record, schema);
      }
    } else if (after == null) {
      throw new IllegalArgumentException("op '" + code + "' without an after-image");
    }
    if (code.equals("r")) {
      before = null;
    }
    return new DecodedChange(table, operation, schema, before, after, time);
  }

  /** The same instance as the table's previous schema when nothing changed. */
  private TableSchema tableSchema(TableId table, Schema rowSchema, Schema keySchema) {
    TableSchema schema = schemas.tableSchema(rowSchema, keySchema);
    latest.put(table, schema);
    return schema;
  }

  private static Schema rowSchema(Schema envelope) {
    Field after = envelope.field("after");
    return (after != null ? after : envelope.field("before")).schema();
  }

  /**
   * The operation of {@code code}. A keyed {@code c} is an upsert like {@code r}: Debezium delivers at least once,
   * and a connector restarted before its offsets were flushed sends changes again, an insert of a row the lake
   * already holds among them. Without a key (append tables) a {@code c} stays an INSERT.
   */
  private static Operation operation(SinkRecord record, String code) {
    return switch (code == null ? "" : code) {
      case "c" -> record.key() == null ? Operation.INSERT : Operation.UPDATE;
      case "u", "r" -> Operation.UPDATE;
      case "d" -> Operation.DELETE;
      case "t" -> Operation.TRUNCATE;
      default -> throw Records.malformed(record, "unknown Debezium operation '" + code + "' (known: c, u, d, r, t)",
          "skip the record, or read the topic with a decoder that knows this operation");
    };
  }

  /** {@code schema.table} or {@code db.table} (MongoDB: {@code db.collection}) from the source block. */
  static TableId tableId(SinkRecord record, FieldValues source) {
    String namespace = Records.optionalString(source, "schema");
    if (namespace == null) {
      namespace = Records.optionalString(source, "db");
    }
    String name = Records.optionalString(source, "table");
    if (name == null) {
      name = Records.optionalString(source, "collection");
    }
    if (name == null) {
      throw Records.malformed(record, "the source block names no table (no table or collection field)",
          "check that the topic holds a Debezium connector's change events");
    }
    return new TableId(namespace == null ? "" : namespace, name);
  }

  /** The most precise of {@code source.ts_ns}, {@code ts_us}, {@code ts_ms}; else the envelope's processing time. */
  static Instant sourceTime(FieldValues source, FieldValues envelope) {
    Long nanos = Records.optionalLong(source, "ts_ns");
    if (nanos != null) {
      return Instant.EPOCH.plusNanos(nanos);
    }
    Long micros = Records.optionalLong(source, "ts_us");
    if (micros != null) {
      return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }
    Long millis = Records.optionalLong(source, "ts_ms");
    if (millis == null && envelope != null) {
      millis = Records.optionalLong(envelope, "ts_ms");
    }
    return millis == null ? Instant.EPOCH : Instant.ofEpochMilli(millis);
  }
}
