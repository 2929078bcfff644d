package io.changelake.source.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.shyiko.mysql.binlog.BinaryLogFileReader;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.TransactionPayloadEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.SourceException;
import io.changelake.api.testing.CollectingListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * MySQL-only behaviour on binlog files recorded from real MySQL servers (8.0.22, 8.0.28, 9.0.1, 9.6.0; see
 * {@code src/test/resources/mysql-binlogs/README.md}), read with the binlog client's file reader and fed
 * through this source's own event handling ({@link BinlogEvents}, {@link BinlogRows}, {@link MysqlColumn}).
 */
class MysqlRecordedBinlogTest {
  private static final String SERVER_UUID = "93e95066-a2f4-11ec-9b69-9657f0ae95e2";
  private static final String DIGITS = "0123456789";

  /** Events of {@code resource}, in file order. */
  private static List<Event> events(String resource) throws IOException {
    List<Event> events = new ArrayList<>();
    try (InputStream in = MysqlRecordedBinlogTest.class.getResourceAsStream("/mysql-binlogs/" + resource);
        BinaryLogFileReader reader = new BinaryLogFileReader(in, BinlogEvents.deserializer())) {
      for (Event e = reader.readEvent(); e != null; e = reader.readEvent()) {
        events.add(e);
      }
    }
    return events;
  }

  /** Feeds {@code resource} through the source's event handling, capturing {@code table}, from {@code from}. */
  private static CollectingListener read(String resource, TableId table, boolean writesGtids, MysqlPosition from)
      throws Exception {
    return read(resource, table, writesGtids, from, 0);
  }

  /** As above, from the event at {@code offset} on: what a server sends when asked for the groups after a set. */
  private static CollectingListener read(String resource, TableId table, boolean writesGtids, MysqlPosition from,
      long offset) throws Exception {
    CollectingListener listener = new CollectingListener();
    TableSchema unknown = new TableSchema(List.of(Column.of("unknown", DataType.STRING, true)), List.of());
    BinlogEvents handling = new BinlogEvents("recorded " + resource, Map.of(table, unknown),
        Map.of(255, StandardCharsets.UTF_8), false, writesGtids, from, listener);
    for (Event e : events(resource)) {
      if (e.getHeader().getEventType() == EventType.FORMAT_DESCRIPTION
          || ((EventHeaderV4) e.getHeader()).getPosition() >= offset) {
        handling.handle(e);
      }
    }
    return listener;
  }

  private static String serialized(SourcePosition p) {
    return p.serialize();
  }

  @Test
  void mysql8RowsEventsV2WithFullMetadataAndGtids() throws Exception {
    CollectingListener read = read("mysql-enum-string-set.000001", new TableId("mysql", "t"), true,
        MysqlPosition.between("mysql-bin.000001", 4));
    List<ChangeEvent> changes = read.events();
    assertEquals(List.of(Operation.INSERT, Operation.UPDATE, Operation.DELETE),
        changes.stream().map(ChangeEvent::operation).toList(), "WRITE_ROWS, UPDATE_ROWS and DELETE_ROWS v2");
    String varchar = "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890"
        + "12345678901234567890123456789012345678012345678901234567890123456789012345678901234567890123456789012"
        + "34567890123456789012345678901234567890123456789012345678901234567801234567890123456789012345678901234"
        + "56789";
    Row first = Row.of(DIGITS.repeat(10), varchar, "var1", "one,three", DIGITS);
    Row second = Row.of("field1", "field_2", "variant2", "two,four", varchar);
    assertEquals(first, changes.get(0).after());
    assertEquals(first, changes.get(1).before());
    assertEquals(second, changes.get(1).after());
    assertEquals(second, changes.get(2).before());
    TableSchema schema = changes.get(0).schema();
    assertEquals(List.of("f1", "f2", "f3", "f4", "f5"), schema.columns().stream().map(Column::name).toList(),
        "names from the TABLE_MAP's full metadata");
    assertEquals(List.of("char", "varchar", "enum", "set", "text"),
        schema.columns().stream().map(Column::sourceType).toList());

    // GTIDs: the set starts at the file's PREVIOUS_GTIDS (empty) and grows by each group's uuid:n
    assertEquals("mysql-bin.000001:791:2:3:0/" + SERVER_UUID + ":1-2", serialized(changes.get(0).position()),
        "the third group (starting at 791), after transactions 1-2");
    assertEquals("/" + SERVER_UUID + ":1-3", serialized(changes.get(1).position()).replaceAll("^[^/]*", ""));
    List<SourcePosition> progress = read.progress();
    assertEquals("mysql-bin.000001:3331:2:-1:0/" + SERVER_UUID + ":1-5", serialized(progress.get(progress.size() - 1)));
    for (int i = 1; i < read.positions().size(); i++) {
      assertTrue(read.positions().get(i - 1).compareTo(read.positions().get(i)) < 0, read.positions().toString());
    }

    // resuming by the GTID set of the update's group gives the update and the delete with the same positions
    MysqlPosition resume = (MysqlPosition) changes.get(1).position();
    CollectingListener again = read("mysql-enum-string-set.000001", new TableId("mysql", "t"), true,
        MysqlPosition.between("mysql-bin.000001", 4, resume.gtids()), resume.offset());
    assertEquals(List.of(changes.get(1).position(), changes.get(2).position()),
        again.events().stream().map(ChangeEvent::position).toList());
    assertEquals(progress.get(progress.size() - 1), again.progress().get(again.progress().size() - 1));

    // a group whose GTID is already in the set would give positions out of order: refused
    SourceException refused = assertThrows(SourceException.class, () -> read("mysql-enum-string-set.000001",
        new TableId("mysql", "t"), true, MysqlPosition.between("mysql-bin.000001", 4, resume.gtids())));
    assertTrue(refused.getMessage().contains("does not grow"), refused.getMessage());
  }

  @Test
  void mysqlBinaryJsonBecomesJsonText() throws Exception {
    CollectingListener read = read("json-opaque.binlog", new TableId("foo", "test"), false,
        MysqlPosition.between("binlog.000001", 4));
    List<String> json = read.events().stream().map(e -> (String) e.after().get(0)).toList();
    assertEquals(List.of("{\"a\":\"base64:type15:VQ==\"}", "{\"b\":\"2012-03-18\"}",
        "{\"c\":\"2012-03-18 11:30:45.000000\"}", "{\"c\":\"87:31:46.654321\"}", "{\"d\":123.456}",
        "{\"e\":9.00}", "{\"e\":[0,1,true,false]}", "{\"e\":null}"), json);
    assertEquals("json", read.events().get(0).schema().column(0).sourceType());
  }

  @Test
  void mysqlBinaryJsonAgreesWithTheServersOwnGeneratedColumns() throws Exception {
    // json.binlog: t(id, json_col JSON, name AS (json_col->>'$.name'), age AS (json_col->>'$.age'))
    MysqlColumn json = MysqlColumn.fromTableMap("json_col", 245, 4, false, true, null, null, -1);
    int rows = 0;
    for (Event e : events("json.binlog.000001")) {
      List<Serializable[]> images = new ArrayList<>();
      if (e.getData() instanceof WriteRowsEventData write) {
        images.addAll(write.getRows());
      } else if (e.getData() instanceof UpdateRowsEventData update) {
        update.getRows().forEach(pair -> images.addAll(List.of(pair.getKey(), pair.getValue())));
      }
      for (Serializable[] row : images) {
        String text = (String) json.fromBinlog(row[1]);
        String name = new String((byte[]) row[2], StandardCharsets.UTF_8);
        assertTrue(text.contains("\"name\":\"" + name + "\""), text + " holds name " + name);
        assertTrue(text.contains("\"age\":" + row[3]), text + " holds age " + row[3]);
        rows++;
      }
    }
    assertEquals(18, rows, "6 inserted rows, then an UPDATE of the 6: before and after images");
  }

  @Test
  void rowsWithoutColumnNamesAreRefusedWithTheFix() {
    SourceException refused = assertThrows(SourceException.class, () -> read("json.binlog.000001",
        new TableId("mysql", "t"), false, MysqlPosition.between("binlog.000001", 4)));
    assertTrue(refused.getMessage().contains("binlog_row_metadata=FULL"), refused.getMessage());
  }

  @Test
  void compressedTransactionsAreReadWithThisSourcesDecoding() throws Exception {
    Event payload = events("mysql-bin.compressed").stream()
        .filter(e -> e.getData() instanceof TransactionPayloadEventData).findFirst().orElseThrow();
    List<Event> inner = ((TransactionPayloadEventData) payload.getData()).getUncompressedEvents();
    UpdateRowsEventData update = inner.stream().map(Event::getData).filter(UpdateRowsEventData.class::isInstance)
        .map(UpdateRowsEventData.class::cast).findFirst().orElseThrow();
    Serializable[] before = update.getRows().get(0).getKey();
    assertEquals(1, before[0]);
    assertEquals(1968, before[2]);

    // a captured table inside the payload is reached (and refused: this server wrote minimal metadata)
    SourceException refused = assertThrows(SourceException.class, () -> read("mysql-bin.compressed",
        new TableId("demo", "movies"), false, MysqlPosition.between("mysql-bin.000004", 4)));
    assertTrue(refused.getMessage().contains("binlog_row_metadata=FULL"), refused.getMessage());
    CollectingListener other = read("mysql-bin.compressed", new TableId("other", "t"), false,
        MysqlPosition.between("mysql-bin.000004", 4));
    assertEquals(List.of("mysql-bin.000004:126:2:-1:0", "mysql-bin.000004:157:2:-1:0", "mysql-bin.000004:724:2:-1:0",
            "mysql-bin.000005:4:2:-1:0"),
        other.progress().stream().map(SourcePosition::serialize).toList(),
        "progress after the file's opening events, then the group ends at the payload event's end (its inner"
            + " events have no offsets)");
  }

  @Test
  void mysql84TaggedGtidsExtendTheSet() throws Exception {
    String uuid = "55778904-0299-11f1-b1b8-4ef0c4956feb";
    CollectingListener read = read("binlog_transaction_with_GTID_TAG.000001", new TableId("test", "other"), true,
        MysqlPosition.between("binlog.000004", 4));
    assertEquals(List.of("binlog.000004:245:2:-1:0/" + uuid + ":1-13," + uuid + ":mytag:1-2",
            "binlog.000004:541:2:-1:0/" + uuid + ":1-13," + uuid + ":mytag:1-3",
            "binlog.000005:4:2:-1:0/" + uuid + ":1-13," + uuid + ":mytag:1-3"),
        read.progress().stream().map(SourcePosition::serialize).toList());
  }
}
