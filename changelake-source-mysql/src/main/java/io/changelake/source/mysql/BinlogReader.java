package io.changelake.source.mysql;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.RotateEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventMetadata;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventHeaderV4Deserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.FormatDescriptionEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.GtidEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.MariadbGtidEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.NullEventDataDeserializer;
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
import java.io.IOException;
import java.io.Serializable;
import java.net.Socket;
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
 * Streams the binlog from a position and turns the row events of the captured tables into
 * {@link ChangeEvent}s, from the binlog client's thread, in binlog order.
 *
 * <p>Each table's schema comes from its TABLE_MAP events, which with {@code binlog_row_metadata=FULL}
 * carry column names, types, signedness, character sets, ENUM/SET members and the primary key: a change
 * after an {@code ALTER TABLE} arrives with the new schema, and the pipeline follows it. {@code TRUNCATE}
 * becomes a {@link Operation#TRUNCATE} event. Every committed event group (transaction or DDL) ends with a
 * progress position. The server sends heartbeats when idle ({@code heartbeat.interval}), so a connection
 * silent for several intervals is dead: the read fails and so does the pipeline, which a restart resumes
 * from its last commit (the client's own reconnect is off, as it would resume inside an event group).
 */
final class BinlogReader implements BinaryLogClient.EventListener, BinaryLogClient.LifecycleListener {
  private static final Logger LOG = LoggerFactory.getLogger(BinlogReader.class);
  private static final Pattern TRUNCATE = Pattern.compile(
      "^\\s*TRUNCATE\\s+(?:TABLE\\s+)?(?:`((?:[^`]|``)+)`|(\\w+))\\s*(?:\\.\\s*(?:`((?:[^`]|``)+)`|(\\w+)))?",
      Pattern.CASE_INSENSITIVE);
  private static final int STRING = 254;
  private static final int ENUM = 247;
  private static final int SET = 248;
  private static final int GEOMETRY = 255;

  private final MysqlCatalog catalog;
  private final Set<TableId> captured;
  private final Map<TableId, TableSchema> schemas;
  private final Map<Integer, Charset> collations;
  /** MariaDB counts spatial columns among the character columns of a TABLE_MAP's charset metadata; MySQL does not. */
  private final boolean mariaDb;
  private final ChangeListener listener;
  private final BinaryLogClient client;
  private final Map<Long, MappedTable> tables = new HashMap<>();
  private volatile boolean stopped;
  private volatile boolean failed;
  private Thread thread;
  private String file;
  private long groupStart;
  /** Events read since the group began: MariaDB writes no offset for the events inside a transaction. */
  private long eventInGroup;
  private boolean inGroup;

  /** A captured table as its latest TABLE_MAP event describes it. */
  private record MappedTable(TableId id, TableSchema schema, List<MysqlColumn> columns) { }

  /**
   * @param schemas the captured tables and their schemas at {@code from} (the discovered ones)
   * @param collations collation id to character set ({@link MysqlCatalog#collations})
   * @param mariaDb whether the server is MariaDB
   */
  BinlogReader(MysqlCatalog catalog, MysqlSourceConfig config, Map<TableId, TableSchema> schemas,
      Map<Integer, Charset> collations, boolean mariaDb, MysqlPosition from, ChangeListener listener) {
    this.catalog = catalog;
    this.captured = Set.copyOf(schemas.keySet());
    this.schemas = new HashMap<>(schemas);
    this.collations = Map.copyOf(collations);
    this.mariaDb = mariaDb;
    this.listener = listener;
    this.file = from.file();
    this.groupStart = from.offset();
    client = new BinaryLogClient(config.hostname(), config.port(), config.username(), config.password());
    client.setServerId(config.serverId());
    client.setBinlogFilename(from.file());
    client.setBinlogPosition(from.offset());
    client.setKeepAlive(false);
    long heartbeat = config.heartbeatInterval().toMillis();
    client.setHeartbeatInterval(heartbeat);
    client.setSocketFactory(() -> {
      Socket socket = new Socket();
      socket.setSoTimeout((int) (heartbeat * MysqlSourceConfig.SILENCE_HEARTBEATS));
      return socket;
    });
    client.setConnectTimeout(config.connectTimeout().toMillis());
    client.setEventDeserializer(deserializer());
    client.registerEventListener(this);
    client.registerLifecycleListener(this);
  }

  private static EventDeserializer deserializer() {
    Map<Long, TableMapEventData> tableMaps = new HashMap<>();
    Map<EventType, EventDataDeserializer> readers = new EnumMap<>(EventType.class);
    readers.put(EventType.FORMAT_DESCRIPTION, new FormatDescriptionEventDataDeserializer());
    readers.put(EventType.ROTATE, new RotateEventDataDeserializer());
    readers.put(EventType.QUERY, new QueryEventDataDeserializer());
    readers.put(EventType.TABLE_MAP, new TableMapEventDataDeserializer());
    readers.put(EventType.XID, new XidEventDataDeserializer());
    readers.put(EventType.GTID, new GtidEventDataDeserializer());
    readers.put(EventType.MARIADB_GTID, new MariadbGtidEventDataDeserializer());
    BinlogRows.register(readers, tableMaps);
    EventDeserializer deserializer = new EventDeserializer(new EventHeaderV4Deserializer(),
        new NullEventDataDeserializer(), readers, tableMaps);
    deserializer.setCompatibilityMode(EventDeserializer.CompatibilityMode.CHAR_AND_BINARY_AS_BYTE_ARRAY);
    return deserializer;
  }

  /** Connects and streams on a thread of its own; failures reach the listener. */
  void start() {
    LOG.info("Streaming the binlog of {} from {}:{}", catalog.where(), file, groupStart);
    thread = new Thread(() -> {
      try {
        client.connect();
      } catch (IOException | RuntimeException e) {
        fail(new SourceException("Reading the binlog of " + catalog.where() + " from " + file + ":" + groupStart
            + " failed: " + e.getMessage() + ". Fix: check that the server still holds that binlog (SHOW BINARY LOGS)"
            + " and that the user has REPLICATION SLAVE.", e));
      }
    }, "changelake-binlog");
    thread.setDaemon(true);
    thread.start();
  }

  void close() {
    stopped = true;
    try {
      client.disconnect();
    } catch (IOException e) {
      LOG.debug("Disconnecting the binlog client failed: {}", e.toString());
    }
    if (thread != null && thread != Thread.currentThread()) {
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void onEvent(Event event) {
    if (stopped || failed) {
      return;
    }
    try {
      handle(event);
    } catch (InterruptedException e) {
      stopped = true;
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      fail(e instanceof SourceException ? e : new SourceException("Decoding the binlog of " + catalog.where()
          + " at " + file + ":" + ((EventHeaderV4) event.getHeader()).getPosition() + " failed: " + e, e));
    }
  }

  private void handle(Event event) throws InterruptedException {
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
          listener.onProgress(MysqlPosition.between(file, groupStart));
        }
      }
      case GTID, ANONYMOUS_GTID, MARIADB_GTID -> beginGroup(header);
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
    if (!inGroup && header.getNextPosition() > groupStart) {
      groupStart = header.getNextPosition();
      listener.onProgress(MysqlPosition.between(file, groupStart));
    }
  }

  private void emit(MappedTable table, Operation operation, Row before, Row after, EventHeaderV4 header, int index)
      throws InterruptedException {
    listener.onChange(new ChangeEvent(table.id(), operation, table.schema(), before, after,
        MysqlPosition.change(file, groupStart, eventInGroup, index), Instant.ofEpochMilli(header.getTimestamp())));
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
      beginGroup(header);
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
            MysqlPosition.change(file, groupStart, eventInGroup, 0), Instant.ofEpochMilli(header.getTimestamp())));
      }
    }
    commit(header);
  }

  private static String name(String quoted, String plain) {
    return quoted != null ? quoted.replace("``", "`") : plain;
  }

  /** A transaction or DDL starts with {@code header}'s event (a GTID event, or BEGIN without one). */
  private void beginGroup(EventHeaderV4 header) {
    groupStart = header.getPosition();
    eventInGroup = 0;
    inGroup = true;
  }

  private void commit(EventHeaderV4 header) throws InterruptedException {
    inGroup = false;
    groupStart = header.getNextPosition();
    listener.onProgress(MysqlPosition.between(file, groupStart));
  }

  private void tableMap(TableMapEventData map) {
    TableId id = new TableId(map.getDatabase(), map.getTable());
    if (!captured.contains(id)) {
      tables.remove(map.getTableId());
      return;
    }
    TableMapEventMetadata metadata = map.getEventMetadata();
    if (metadata == null || metadata.getColumnNames() == null) {
      throw new SourceException("The binlog of " + catalog.where() + " has no column names for " + id + " (it was"
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

  private void fail(Exception error) {
    if (stopped || failed) {
      return;
    }
    failed = true;
    listener.onFailure(error);
    Thread disconnect = new Thread(() -> {
      try {
        client.disconnect();
      } catch (IOException e) {
        LOG.debug("Disconnecting the binlog client failed: {}", e.toString());
      }
    }, "changelake-binlog-stop");
    disconnect.setDaemon(true);
    disconnect.start();
  }

  @Override
  public void onConnect(BinaryLogClient c) {
    LOG.debug("Binlog connection {} open", c.getConnectionId());
  }

  @Override
  public void onCommunicationFailure(BinaryLogClient c, Exception e) {
    fail(new SourceException("The binlog connection to " + catalog.where() + " failed at " + file + ":" + groupStart
        + ": " + e.getMessage(), e));
  }

  @Override
  public void onEventDeserializationFailure(BinaryLogClient c, Exception e) {
    fail(new SourceException("Decoding the binlog of " + catalog.where() + " at " + file + ":" + groupStart
        + " failed: " + e.getMessage(), e));
  }

  @Override
  public void onDisconnect(BinaryLogClient c) {
    fail(new SourceException("The server " + catalog.where() + " closed the binlog connection at " + file + ":"
        + groupStart + ". Fix: if another reader uses the same server-id, give each its own (server-id=<n>)."));
  }
}
