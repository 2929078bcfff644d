package io.changelake.source.mysql;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.ChangeListener;
import io.changelake.api.spi.SourceException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.Charset;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the binlog from a position and hands its events to {@link BinlogEvents}, which turns the row
 * events of the captured tables into {@link ChangeEvent}s, from the binlog client's thread, in binlog order.
 *
 * <p>A position with a GTID set resumes by GTID (the server sends every group not in the set), so a
 * renamed, purged or failed-over binlog does not matter; one without resumes at its file and offset. The
 * server sends heartbeats when idle ({@code heartbeat.interval}), so a connection silent for several
 * intervals is dead: the read fails and so does the pipeline, which a restart resumes from its last commit
 * (the client's own reconnect is off, as it would resume inside an event group).
 */
final class BinlogReader implements BinaryLogClient.EventListener, BinaryLogClient.LifecycleListener {
  private static final Logger LOG = LoggerFactory.getLogger(BinlogReader.class);

  private final MysqlCatalog catalog;
  private final BinlogEvents events;
  private final ChangeListener listener;
  private final BinaryLogClient client;
  /** Where the stream starts, for messages. */
  private final String from;
  private volatile boolean stopped;
  private volatile boolean failed;
  private Thread thread;

  /**
   * @param schemas the captured tables and their schemas at {@code from} (the discovered ones)
   * @param collations collation id to character set ({@link MysqlCatalog#collations})
   * @param mariaDb whether the server is MariaDB
   * @param serverWritesGtids whether the server writes a GTID for every group (MariaDB; MySQL with gtid_mode=ON)
   */
  BinlogReader(MysqlCatalog catalog, MysqlSourceConfig config, Map<TableId, TableSchema> schemas,
      Map<Integer, Charset> collations, boolean mariaDb, boolean serverWritesGtids, MysqlPosition from,
      ChangeListener listener) {
    this.catalog = catalog;
    this.listener = listener;
    this.events = new BinlogEvents(catalog.where(), schemas, collations, mariaDb, serverWritesGtids, from, listener);
    client = new BinaryLogClient(config.hostname(), config.port(), config.username(), config.password());
    client.setServerId(config.serverId());
    if (from.gtids() != null) {
      this.from = "GTID " + (from.gtids().isEmpty() ? "(none)" : from.gtids().toString());
      client.setGtidSet(from.gtids().toString());
    } else {
      this.from = from.file() + ":" + from.offset();
      client.setBinlogFilename(from.file());
      client.setBinlogPosition(from.offset());
    }
    client.setKeepAlive(false);
    long heartbeat = config.heartbeatInterval().toMillis();
    client.setHeartbeatInterval(heartbeat);
    client.setSocketFactory(() -> {
      Socket socket = new Socket();
      socket.setSoTimeout((int) (heartbeat * MysqlSourceConfig.SILENCE_HEARTBEATS));
      return socket;
    });
    client.setConnectTimeout(config.connectTimeout().toMillis());
    client.setEventDeserializer(BinlogEvents.deserializer());
    client.registerEventListener(this);
    client.registerLifecycleListener(this);
  }

  /** Connects and streams on a thread of its own; failures reach the listener. */
  void start() {
    LOG.info("Streaming the binlog of {} from {}", catalog.where(), from);
    thread = new Thread(() -> {
      try {
        client.connect();
      } catch (IOException | RuntimeException e) {
        fail(new SourceException("Reading the binlog of " + catalog.where() + " from " + from + " failed: "
            + e.getMessage() + ". Fix: check that the server still holds that binlog (SHOW BINARY LOGS; by GTID:"
            + " gtid_purged, or the binlogs' GTID lists on MariaDB) and that the user has REPLICATION SLAVE; if it"
            + " was purged, drop the lake tables so they are snapshotted again.", e));
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
      events.handle(event);
    } catch (InterruptedException e) {
      stopped = true;
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      fail(e instanceof SourceException ? e : new SourceException("Decoding the binlog of " + catalog.where()
          + " at " + events.at() + " (event at " + ((EventHeaderV4) event.getHeader()).getPosition() + ") failed: "
          + e, e));
    }
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
    fail(new SourceException("The binlog connection to " + catalog.where() + " failed at " + events.at()
        + ": " + e.getMessage(), e));
  }

  @Override
  public void onEventDeserializationFailure(BinaryLogClient c, Exception e) {
    fail(new SourceException("Decoding the binlog of " + catalog.where() + " at " + events.at()
        + " failed: " + e.getMessage(), e));
  }

  @Override
  public void onDisconnect(BinaryLogClient c) {
    fail(new SourceException("The server " + catalog.where() + " closed the binlog connection at " + events.at()
        + ". Fix: if another reader uses the same server-id, give each its own (server-id=<n>)."));
  }
}
