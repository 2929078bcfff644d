package io.changelake.debezium;

import io.changelake.api.model.DataType;
import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.TableId;
import io.changelake.debezium.DynamoDbAttributes.Value;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Decodes DynamoDB change records (DynamoDB Streams records, as the Confluent DynamoDB CDC source connector
 * forwards them) into changes of a lake table named after the DynamoDB table and keyed by the item's key
 * attributes.
 *
 * <p>A record is the stream record: {@code eventName} ({@code INSERT}, {@code MODIFY}, {@code REMOVE}; absent in a
 * snapshot record, an item read by a table scan) and {@code dynamodb} holding {@code Keys}, {@code NewImage},
 * {@code OldImage} and {@code ApproximateCreationDateTime}; the fields of {@code dynamodb} may also stand at the
 * top level. Items are DynamoDB JSON (attribute name → {@code {"S": ...}}, {@code {"N": ...}}, ...), as nested
 * structs or maps, or as JSON text in a string field; the whole value may also be JSON text.
 *
 * <p>INSERT, MODIFY and snapshot records are upserts of {@code NewImage} (an UPDATE without before-image); REMOVE
 * is a DELETE of {@code Keys} (with {@code OldImage} when sent). Columns are inferred from the items seen
 * ({@link DynamoDbColumns}); a new attribute adds a column, an attribute of another type is a record error.
 * Table: {@code tableName}, else the table of {@code eventSourceARN}, else the topic's last dot-separated part.
 * Source time: {@code ApproximateCreationDateTime} (epoch seconds; milliseconds above 10^11; ISO-8601 text),
 * else the record's Kafka timestamp.
 *
 * <p>Not thread-safe.
 */
public final class DynamoDbDecoder implements ChangeRecordDecoder {
  private static final String FORMAT_FIX = "produce DynamoDB stream records (eventName and dynamodb with Keys,"
      + " NewImage, OldImage), or read the topic with the envelope of its format";
  private static final String SKIP_FIX = "fix the producer, or skip the record (on-error=skip)";

  private final DataType numbers;
  private final Map<TableId, DynamoDbColumns> tables = new HashMap<>();

  /**
   * A decoder of DynamoDB stream records.
   *
   * @param numbersAsText whether N attributes become STRING columns holding the number's text (exact for every
   *     DynamoDB number) instead of DECIMAL(38,18) columns (a number that does not fit is a record error)
   */
  public DynamoDbDecoder(boolean numbersAsText) {
    this.numbers = numbersAsText ? DataType.STRING : DynamoDbColumns.NUMBER;
  }

  @Override
  public Optional<DecodedChange> decode(SinkRecord record) {
    if (record.value() == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(change(record));
    } catch (IllegalArgumentException | ClassCastException e) {
      throw Records.malformed(record, e.getMessage(), SKIP_FIX, e);
    }
  }

  private DecodedChange change(SinkRecord record) {
    if (!(DynamoDbAttributes.object(record.value()) instanceof Map<?, ?> event)) {
      throw Records.malformed(record, "the value is not a DynamoDB stream record: "
          + DynamoDbAttributes.excerpt(record.value()), FORMAT_FIX);
    }
    Map<?, ?> body = DynamoDbAttributes.object(event.get("dynamodb")) instanceof Map<?, ?> inner ? inner : event;
    if (body.get("Keys") == null) {
      throw Records.malformed(record, "a DynamoDB stream record without Keys (the item's key attributes); it has "
          + event.keySet() + (body == event ? "" : " and dynamodb " + body.keySet()), FORMAT_FIX);
    }
    Map<String, Value> keys = DynamoDbAttributes.item("Keys", DynamoDbAttributes.object(body.get("Keys")));
    TableId table = table(record, event);
    Operation operation = operation(record, event.get("eventName"));
    String imageName = operation == Operation.DELETE ? "OldImage" : "NewImage";
    Object image = body.get(imageName);
    if (image == null && operation != Operation.DELETE) {
      throw Records.malformed(record, "a DynamoDB " + (event.get("eventName") == null ? "snapshot record"
          : event.get("eventName") + " record") + " without NewImage", "set the table's stream view type"
          + " (StreamViewType) to NEW_IMAGE or NEW_AND_OLD_IMAGES, so changes carry the item");
    }
    Map<String, Value> item = new LinkedHashMap<>(image == null ? Map.of()
        : DynamoDbAttributes.item(imageName, DynamoDbAttributes.object(image)));
    item.putAll(keys);
    DynamoDbColumns known = tables.get(table);
    DynamoDbColumns columns;
    try {
      columns = (known == null ? DynamoDbColumns.ofKey(table, numbers, keys) : known).with(keys, item);
    } catch (IllegalArgumentException e) {
      throw Records.malformed(record, e.getMessage(), "give the attribute one type in every item of the DynamoDB"
          + " table and keep its key, or skip the record (on-error=skip)", e);
    }
    Row row;
    try {
      row = columns.row(item);
    } catch (IllegalArgumentException e) {
      throw Records.malformed(record, e.getMessage(), "read numbers as text (the kafka source's"
          + " dynamodb.numbers=string, for a new table), or skip the record (on-error=skip)", e);
    }
    tables.put(table, columns);
    Instant time = time(record, body.get("ApproximateCreationDateTime"));
    return operation == Operation.DELETE
        ? new DecodedChange(table, operation, columns.schema(), row, null, time)
        : new DecodedChange(table, operation, columns.schema(), null, row, time);
  }

  private static Operation operation(SinkRecord record, Object eventName) {
    if (eventName == null) {
      return Operation.UPDATE;
    }
    return switch (String.valueOf(eventName)) {
      case "INSERT", "MODIFY" -> Operation.UPDATE;
      case "REMOVE" -> Operation.DELETE;
      default -> throw Records.malformed(record, "unknown DynamoDB eventName '" + eventName + "' (known: INSERT,"
          + " MODIFY, REMOVE; none in a snapshot record)", SKIP_FIX);
    };
  }

  /** {@code tableName}, else the table of {@code eventSourceARN}, else the topic's last part. */
  private static TableId table(SinkRecord record, Map<?, ?> event) {
    if (event.get("tableName") instanceof String name && !name.isBlank()) {
      return new TableId("", name);
    }
    if (event.get("eventSourceARN") instanceof String arn) {
      int start = arn.indexOf(":table/");
      if (start >= 0) {
        String rest = arn.substring(start + ":table/".length());
        int end = rest.indexOf('/');
        return new TableId("", end < 0 ? rest : rest.substring(0, end));
      }
    }
    String topic = record.topic();
    return new TableId("", topic.substring(topic.lastIndexOf('.') + 1));
  }

  private static Instant time(SinkRecord record, Object approximate) {
    try {
      if (approximate instanceof Date date) {
        return date.toInstant();
      }
      if (approximate instanceof Number || approximate instanceof String text && !text.contains("T")) {
        BigDecimal number = new BigDecimal(approximate.toString());
        BigDecimal millis = number.compareTo(BigDecimal.valueOf(100_000_000_000L)) >= 0 ? number
            : number.movePointRight(3);
        return Instant.ofEpochMilli(millis.longValue());
      }
      if (approximate instanceof String text) {
        return Instant.parse(text);
      }
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new IllegalArgumentException("ApproximateCreationDateTime '" + approximate + "' is neither epoch"
          + " seconds nor an ISO-8601 instant");
    }
    return record.timestamp() == null ? Instant.EPOCH : Instant.ofEpochMilli(record.timestamp());
  }
}
