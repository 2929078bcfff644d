package io.changelake.source.mysql;

import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.GtidEventData;
import com.github.shyiko.mysql.binlog.event.GtidTaggedEventData;
import com.github.shyiko.mysql.binlog.event.MariadbGtidEventData;
import com.github.shyiko.mysql.binlog.event.PreviousGtidSetEventData;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.RotateEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventMetadata;
import com.github.shyiko.mysql.binlog.event.TransactionPayloadEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer.EventDataWrapper;
import com.github.shyiko.mysql.binlog.event.deserialization.EventHeaderV4Deserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.FormatDescriptionEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.GtidEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.GtidTaggedEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.MariadbGtidEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.NullEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.PreviousGtidSetDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.QueryEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.RotateEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.TableMapEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.XidEventDataDeserializer;
import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.ChangeListener;
import io.changelake.api.spi.SourceException;
import java.io.Serializable;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns binlog events, in binlog order, into {@link ChangeEvent}s and progress positions for a listener:
 * what {@link BinlogReader} does with the events the server streams, kept apart from the connection so
 * that recorded binlog files can be fed through it too.
 *
 * <p>Each table's schema comes from its TABLE_MAP events, which with {@code binlog_row_metadata=FULL}
 * carry column names, types, signedness, character sets, ENUM/SET members and the primary key: a change
 * after an {@code ALTER TABLE} arrives with the new schema, and the pipeline follows it. {@code TRUNCATE}
 * becomes a {@link Operation#TRUNCATE} event. Every committed event group (transaction or DDL) ends with a
 * progress position. MySQL's compressed transactions ({@code binlog_transaction_compression=ON}) are read
 * event by event; a partial JSON update of a captured table ({@code binlog_row_value_options=PARTIAL_JSON})
 * fails the read, as it does not hold the whole row.
 *
 * <p>GTIDs: started from a position with a GTID set, each group's GTID is added to the set when the group
 * commits, so every position holds the set of the groups before it ({@link MysqlPosition}). A set that
 * would not grow (MariaDB without {@code gtid_strict_mode} can write a lower sequence number) fails the
 * read, as its positions would sort before the ones already emitted. A MySQL stream started without a set
 * while the server writes GTIDs takes the set from the next binlog file's PREVIOUS_GTIDS event; a group
 * without a GTID (MySQL's {@code gtid_mode} turned off) turns positions back to file and offset.
 */
final class BinlogEvents {
  private static final Logger LOG = LoggerFactory.getLogger(BinlogEvents.class);
  private static final Pattern TRUNCATE = Pattern.compile(
      "^\\s*TRUNCATE\\s+(?:TABLE\\s+)?(?:`((?:[^`]|``)+)`|(\\w+))\\s*(?:\\.\\s*(?:`((?:[^`]|``)+)`|(\\w+)))?",
      Pattern.CASE_INSENSITIVE);
  private static final int STRING = 254;
  private static final int ENUM = 247;
  private static final int SET = 248;
  private static final int GEOMETRY = 255;

  private final String where;
  private final Set<TableId> captured;
  private final Map<TableId, TableSchema> schemas;
  private final Map<Integer, Charset> collations;
  /** MariaDB counts spatial columns among the character columns of a TABLE_MAP's charset metadata; MySQL does not. */
  private final boolean mariaDb;
  /** MySQL writes GTIDs but the stream started without a set: take it from the next PREVIOUS_GTIDS event. */
  private boolean awaitGtids;
  private final ChangeListener listener;
  private final Map<Long, MappedTable> tables = new HashMap<>();
  private String file;
  private long groupStart;
  /** Events read since the group began: MariaDB writes no offset for the events inside a transaction. */
  private long eventInGroup;
  private boolean inGroup;
  /** The groups emitted before the current one; null while positions are file and offset only. */
  private GtidSet gtids;
  /** The current group's GTID, added to {@link #gtids} when it commits. */
  private String groupGtid;
  /** The TRANSACTION_PAYLOAD event whose events are being read (they have no offsets of their own), or null. */
  private EventHeaderV4 payload;

  /** The table of a PARTIAL_UPDATE_ROWS event: its rows are not read, as they do not hold whole rows. */
  private record PartialUpdate(long tableId) implements EventData { }

  /** A captured table as its latest TABLE_MAP event describes it. */
  private record MappedTable(TableId id, TableSchema schema, List<MysqlColumn> columns) { }

  /**
   * @param where the server, for messages
   * @param schemas the captured tables and their schemas at {@code from} (the discovered ones)
   * @param collations collation id to character set ({@link MysqlCatalog#collations})
   * @param mariaDb whether the server is MariaDB
   * @param serverWritesGtids whether the server writes a GTID for every group (MariaDB; MySQL with
   *     {@code gtid_mode=ON})
   * @param from where the stream starts: the start of an event group, or between groups
   */
  BinlogEvents(String where, Map<TableId, TableSchema> schemas, Map<Integer, Charset> collations, boolean mariaDb,
      boolean serverWritesGtids, MysqlPosition from, ChangeListener listener) {
    this.where = where;
    this.captured = Set.copyOf(schemas.keySet());
    this.schemas = new HashMap<>(schemas);
    this.collations = Map.copyOf(collations);
    this.mariaDb = mariaDb;
    this.listener = listener;
    this.file = from.file();
    this.groupStart = from.offset();
    this.gtids = from.gtids() == null ? null : GtidSet.parse(from.gtids().toString(), mariaDb);
    this.awaitGtids = gtids == null && serverWritesGtids && !mariaDb;
  }

  /**
   * A deserializer for the events this class reads, rows decoded by {@link BinlogRows}, compressed
   * transactions by {@link BinlogPayload}.
   */
  static EventDeserializer deserializer() {
    EventDeserializer deserializer = events();
    deserializer.setEventDataDeserializer(EventType.TRANSACTION_PAYLOAD, new BinlogPayload(events()));
    return deserializer;
  }

  private static EventDeserializer events() {
    Map<Long, TableMapEventData> tableMaps = new HashMap<>();
    Map<EventType, EventDataDeserializer> readers = new EnumMap<>(EventType.class);
    readers.put(EventType.FORMAT_DESCRIPTION, new FormatDescriptionEventDataDeserializer());
    readers.put(EventType.ROTATE, new RotateEventDataDeserializer());
    readers.put(EventType.QUERY, new QueryEventDataDeserializer());
    readers.put(EventType.TABLE_MAP, new TableMapEventDataDeserializer());
    readers.put(EventType.XID, new XidEventDataDeserializer());
    readers.put(EventType.GTID, new GtidEventDataDeserializer());
    readers.put(EventType.GTID_TAGGED, new GtidTaggedEventDataDeserializer());
    readers.put(EventType.MARIADB_GTID, new MariadbGtidEventDataDeserializer());
    readers.put(EventType.PREVIOUS_GTIDS, new PreviousGtidSetDeserializer());
    readers.put(EventType.PARTIAL_UPDATE_ROWS_EVENT, in -> new PartialUpdate(in.readLong(6)));
    BinlogRows.register(readers, tableMaps);
    EventDeserializer deserializer = new EventDeserializer(new EventHeaderV4Deserializer(),
        new NullEventDataDeserializer(), readers, tableMaps);
    deserializer.setCompatibilityMode(EventDeserializer.CompatibilityMode.CHAR_AND_BINARY_AS_BYTE_ARRAY);
    return deserializer;
  }

  /** Where the stream is, for messages: binlog file and the offset of the current group. */
  String at() {
    return file + ":" + groupStart;
  }

  /** Handles the next event of the stream. */
  void handle(Event event) throws InterruptedException {
    EventHeaderV4 header = event.getHeader();
    if (header.getEventType() == EventType.HEARTBEAT || header.getEventType() == EventType.HEARTBEAT_V2) {
      return;
    }
    eventInGroup++;
    switch (header.getEventType()) {
      case ROTATE -> {
        RotateEventData rotate = event.getData();
        file = rotate.getBinlogFilename();
        groupStart = rotate.getBinlogPosition();
        if (header.getTimestamp() != 0) {
          listener.onProgress(MysqlPosition.between(file, groupStart, gtids));
        }
      }
      case PREVIOUS_GTIDS -> {
        if (awaitGtids && !inGroup) {
          awaitGtids = false;
          gtids = GtidSet.parse(((PreviousGtidSetEventData) EventDataWrapper.internal(event.getData())).getGtidSet(),
              false);
          LOG.info("Positions in the binlog of {} carry GTIDs from {} on", where, file);
        }
        passOutsideGroup(header);
      }
      case GTID -> beginGroup(header, ((GtidEventData) EventDataWrapper.internal(event.getData())).getGtid());
      case GTID_TAGGED ->
          beginGroup(header, ((GtidTaggedEventData) EventDataWrapper.internal(event.getData())).getGtid());
      case MARIADB_GTID -> {
        MariadbGtidEventData gtid = (MariadbGtidEventData) EventDataWrapper.internal(event.getData());
        beginGroup(header, gtid.getDomainId() + "-" + header.getServerId() + "-" + gtid.getSequence());
      }
      case ANONYMOUS_GTID -> {
        if (gtids != null) {
          LOG.warn("The binlog of {} holds a transaction without GTID at {}:{} (gtid_mode is no longer ON):"
              + " positions continue by binlog file and offset", where, file, header.getPosition());
          gtids = null;
        }
        beginGroup(header, null);
      }
      case TRANSACTION_PAYLOAD -> {
        payload = header;
        try {
          for (Event inner : ((TransactionPayloadEventData) event.getData()).getUncompressedEvents()) {
            handle(inner);
          }
        } finally {
          payload = null;
        }
      }
      case PARTIAL_UPDATE_ROWS_EVENT -> {
        MappedTable table = tables.get(((PartialUpdate) event.getData()).tableId());
        if (table != null) {
          throw new SourceException("The binlog of " + where + " holds a partial JSON update of " + table.id()
              + " at " + at() + ", which does not carry the whole row (binlog_row_value_options=PARTIAL_JSON). Fix:"
              + " SET GLOBAL binlog_row_value_options='' and in the server's configuration; changes written before"
              + " that cannot be read: drop the lake tables to snapshot again.");
        }
      }
      case QUERY -> query(event.getData(), header);
      case XID -> commit(header);
      case TABLE_MAP -> tableMap(event.getData());
      case WRITE_ROWS, EXT_WRITE_ROWS -> {
        WriteRowsEventData data = event.getData();
        MappedTable table = tables.get(data.getTableId());
        if (table != null) {
          for (int i = 0; i < data.getRows().size(); i++) {
            emit(table, Operation.INSERT, null, row(table, data.getIncludedColumns(), data.getRows().get(i)),
                header, i);
          }
        }
      }
      case UPDATE_ROWS, EXT_UPDATE_ROWS -> {
        UpdateRowsEventData data = event.getData();
        MappedTable table = tables.get(data.getTableId());
        if (table != null) {
          for (int i = 0; i < data.getRows().size(); i++) {
            Map.Entry<Serializable[], Serializable[]> pair = data.getRows().get(i);
            emit(table, Operation.UPDATE, row(table, data.getIncludedColumnsBeforeUpdate(), pair.getKey()),
                row(table, data.getIncludedColumns(), pair.getValue()), header, i);
          }
        }
      }
      case DELETE_ROWS, EXT_DELETE_ROWS -> {
        DeleteRowsEventData data = event.getData();
        MappedTable table = tables.get(data.getTableId());
        if (table != null) {
          for (int i = 0; i < data.getRows().size(); i++) {
            emit(table, Operation.DELETE, row(table, data.getIncludedColumns(), data.getRows().get(i)), null,
                header, i);
          }
        }
      }
      default -> passOutsideGroup(header);
    }
  }

  /**
   * An event outside any group (e.g. the format description, GTID list and checkpoint that open a new binlog
   * file): the next group starts after it, which a progress position says, so that a reader waiting for a
   * position there (a table copy's) need not wait for the next write.
   */
  private void passOutsideGroup(EventHeaderV4 header) throws InterruptedException {
    if (!inGroup && payload == null && !awaitGtids && header.getNextPosition() > groupStart) {
      groupStart = header.getNextPosition();
      listener.onProgress(MysqlPosition.between(file, groupStart, gtids));
    }
  }

  private void emit(MappedTable table, Operation operation, Row before, Row after, EventHeaderV4 header, int index)
      throws InterruptedException {
    listener.onChange(new ChangeEvent(table.id(), operation, table.schema(), before, after,
        MysqlPosition.change(file, groupStart, eventInGroup, index, gtids), Instant.ofEpochMilli(header.getTimestamp())));
  }

  private static Row row(MappedTable table, BitSet included, Serializable[] values) {
    Object[] row = new Object[table.columns().size()];
    for (int i = 0, j = 0; i < row.length; i++) {
      row[i] = included.get(i) ? table.columns().get(i).fromBinlog(values[j++]) : Row.UNAVAILABLE;
    }
    return Row.of(row);
  }

  private void query(QueryEventData query, EventHeaderV4 header) throws InterruptedException {
    String sql = query.getSql().strip();
    if (!inGroup) {
      beginGroup(header, null);
    }
    if (sql.equalsIgnoreCase("BEGIN")) {
      return;
    }
    Matcher truncate = TRUNCATE.matcher(sql);
    if (truncate.find()) {
      String first = name(truncate.group(1), truncate.group(2));
      String second = name(truncate.group(3), truncate.group(4));
      TableId id = second == null ? new TableId(query.getDatabase(), first) : new TableId(first, second);
      if (captured.contains(id)) {
        listener.onChange(new ChangeEvent(id, Operation.TRUNCATE, schemas.get(id), null, null,
            MysqlPosition.change(file, groupStart, eventInGroup, 0, gtids), Instant.ofEpochMilli(header.getTimestamp())));
      }
    }
    commit(header);
  }

  private static String name(String quoted, String plain) {
    return quoted != null ? quoted.replace("``", "`") : plain;
  }

  /** A transaction or DDL starts with {@code header}'s event (a GTID event, or BEGIN without one). */
  private void beginGroup(EventHeaderV4 header, String gtid) {
    groupStart = header.getPosition();
    eventInGroup = 0;
    inGroup = true;
    groupGtid = gtid;
  }

  private void commit(EventHeaderV4 header) throws InterruptedException {
    inGroup = false;
    groupStart = (payload != null ? payload : header).getNextPosition();
    if (gtids != null && groupGtid != null) {
      GtidSet next = gtids.with(groupGtid);
      if (next.count() <= gtids.count()) {
        throw new SourceException("The binlog of " + where + " holds GTID " + groupGtid + " at " + file + " after "
            + gtids + ": the set does not grow, so positions could not be ordered (MariaDB writes"
            + " lower sequence numbers only without gtid_strict_mode). Fix: SET GLOBAL gtid_strict_mode=ON (and in the"
            + " server's configuration), then drop the lake tables so they are snapshotted again.");
      }
      gtids = next;
    }
    groupGtid = null;
    listener.onProgress(MysqlPosition.between(file, groupStart, gtids));
  }

  private void tableMap(TableMapEventData map) {
    TableId id = new TableId(map.getDatabase(), map.getTable());
    if (!captured.contains(id)) {
      tables.remove(map.getTableId());
      return;
    }
    TableMapEventMetadata metadata = map.getEventMetadata();
    if (metadata == null || metadata.getColumnNames() == null) {
      throw new SourceException("The binlog of " + where + " has no column names for " + id + " (it was"
          + " written with binlog_row_metadata=MINIMAL). Fix: SET GLOBAL binlog_row_metadata=FULL and put it in the"
          + " server's configuration; changes written before that cannot be read: drop the lake tables to snapshot"
          + " again.");
    }
    List<MysqlColumn> columns = columns(map, metadata);
    List<String> key = new ArrayList<>();
    if (metadata.getSimplePrimaryKeys() != null) {
      metadata.getSimplePrimaryKeys().forEach(i -> key.add(columns.get(i).column().name()));
    } else if (metadata.getPrimaryKeysWithPrefix() != null) {
      metadata.getPrimaryKeysWithPrefix().keySet().forEach(i -> key.add(columns.get(i).column().name()));
    }
    TableSchema schema = new TableSchema(columns.stream().map(MysqlColumn::column).toList(), key);
    TableSchema known = schemas.get(id);
    if (schema.equals(known)) {
      schema = known;
    } else {
      LOG.info("Schema of {} from the binlog: {}", id, schema);
      schemas.put(id, schema);
    }
    tables.put(map.getTableId(), new MappedTable(id, schema, columns));
  }

  private List<MysqlColumn> columns(TableMapEventData map, TableMapEventMetadata metadata) {
    byte[] types = map.getColumnTypes();
    int[] meta = map.getColumnMetadata();
    BitSet unsigned = metadata.getSignedness() == null ? new BitSet() : metadata.getSignedness();
    int text = 0;
    int enums = 0;
    int sets = 0;
    int geometries = 0;
    List<MysqlColumn> columns = new ArrayList<>(types.length);
    for (int i = 0; i < types.length; i++) {
      int type = types[i] & 0xFF;
      if (type == STRING && meta[i] >= 256 && ((meta[i] >> 8) == ENUM || (meta[i] >> 8) == SET)) {
        type = meta[i] >> 8;
      }
      Charset charset = null;
      List<String> members = null;
      int geometry = -1;
      switch (type) {
        case STRING, 15, 253, 252 -> charset = charset(metadata, text++);
        case ENUM -> members = List.of(metadata.getEnumStrValues().get(enums++));
        case SET -> members = List.of(metadata.getSetStrValues().get(sets++));
        case GEOMETRY -> {
          geometry = metadata.getGeometryTypes() == null ? 0 : metadata.getGeometryTypes().get(geometries++);
          text += mariaDb ? 1 : 0;
        }
        default -> { }
      }
      columns.add(MysqlColumn.fromTableMap(metadata.getColumnNames().get(i), type, meta[i], unsigned.get(i),
          map.getColumnNullability().get(i), charset, members, geometry));
    }
    return columns;
  }

  /** The character set of the {@code index}-th character column; null for a binary one. */
  private Charset charset(TableMapEventMetadata metadata, int index) {
    int collation;
    if (metadata.getDefaultCharset() != null) {
      TableMapEventMetadata.DefaultCharset defaults = metadata.getDefaultCharset();
      Map<Integer, Integer> exceptions = defaults.getCharsetCollations();
      collation = exceptions == null ? defaults.getDefaultCharsetCollation()
          : exceptions.getOrDefault(index, defaults.getDefaultCharsetCollation());
    } else if (metadata.getColumnCharsets() != null) {
      collation = metadata.getColumnCharsets().get(index);
    } else {
      return StandardCharsets.UTF_8;
    }
    return collation == MysqlCatalog.BINARY_COLLATION ? null : collations.getOrDefault(collation, StandardCharsets.UTF_8);
  }
}
