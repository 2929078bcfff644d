package io.changelake.debezium;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The rows of MongoDB change events, whose {@code before} and {@code after} are documents in MongoDB
 * extended JSON: each document is a row of two columns, {@code _id} (the key; an ObjectId as its hex text,
 * a string as itself, any other id as the extended JSON the record key holds) and {@code document} (the
 * whole document, extended JSON text as Debezium sends it).
 */
final class MongoDocuments {

  /** The schema of every collection's rows. */
  static final TableSchema SCHEMA = new TableSchema(List.of(
      new Column("_id", DataType.STRING, false, "objectid"),
      new Column("document", DataType.STRING, true, "json")), List.of("_id"));

  private static final Pattern OBJECT_ID = Pattern.compile("\\{\\s*\"\\$oid\"\\s*:\\s*\"([0-9a-fA-F]{24})\"\\s*}");

  private MongoDocuments() { }

  static DecodedChange decode(SinkRecord record, FieldValues envelope, TableId table, Operation operation, Instant time) {
    if (!(record.key() instanceof Struct key) || key.schema().field("id") == null) {
      throw Records.malformed(record, "a MongoDB change event without its key (a struct with the document's id)",
          "keep the connector's default message key");
    }
    String id = id((String) key.get("id"));
    return switch (operation) {
      case DELETE -> new DecodedChange(table, operation, SCHEMA, Row.of(id, (String) envelope.get("before")), null, time);
      case TRUNCATE -> new DecodedChange(table, operation, SCHEMA, null, null, time);
      default -> {
        String after = (String) envelope.get("after");
        if (after == null) {
          throw Records.malformed(record, "a MongoDB update without the whole document after it",
              "set the connector's capture.mode to change_streams_update_full (or"
                  + " change_streams_update_full_with_pre_image)");
        }
        yield new DecodedChange(table, operation, SCHEMA, null, Row.of(id, after), time);
      }
    };
  }

  /** The key text: an ObjectId's hex, a JSON string's value, else the extended JSON as it is. */
  static String id(String keyText) {
    String text = keyText.strip();
    Matcher objectId = OBJECT_ID.matcher(text);
    if (objectId.matches()) {
      return objectId.group(1);
    }
    if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
      return text.substring(1, text.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
    }
    return text;
  }
}
