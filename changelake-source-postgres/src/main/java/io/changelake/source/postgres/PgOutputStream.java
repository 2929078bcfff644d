package io.changelake.source.postgres;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.Column;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.ChangeListener;
import io.changelake.api.spi.SourceException;
import io.changelake.api.spi.SourceTable;
import io.changelake.api.source.TableCopy;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a logical replication slot with changelake's own pgoutput reader ({@link PgOutputDecoder}) on one
 * thread, in place of Debezium, for tables whose every column {@link BinaryCopyValues} decodes, on
 * PostgreSQL 14 or later (pgoutput's binary values).
 *
 * <p>The slot's confirmed LSN advances only through {@link #acknowledge}: the reading thread confirms it at
 * its next message or pause, and a keepalive thread answers the server while the reader waits on a busy
 * pipeline. Between transactions, a stream that the server reports as caught up emits
 * progress at most once a second, so the slot advances while the captured tables are quiet.
 */
final class PgOutputStream implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PgOutputStream.class);
  /** First PostgreSQL major version whose pgoutput sends values in binary. */
  static final int BINARY_MAJOR_VERSION = 14;
  private static final String OBJECT_IN_USE = "55006";
  private static final long IDLE_PAUSE_MS = 2;
  private static final long IDLE_PROGRESS_MS = 1000;
  private static final long CONFIRM_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** How often a status update goes out while the reader waits for the pipeline (well under wal_sender_timeout). */
  private static final long KEEPALIVE_MS = 1000;
  /** The longest wait between two reconnect attempts. */
  private static final long MAX_BACKOFF_MS = 30_000;
  /** The {@code debezium.*} options this reader honours; any other makes the source stream through Debezium. */
  private static final Set<String> HONOURED_OPTIONS = Set.of("slot.drop.on.stop", "snapshot.mode");
  /** The {@code debezium.snapshot.mode} values this reader honours: it streams after changelake's snapshot, or without one. */
  private static final Set<String> HONOURED_SNAPSHOT_MODES = Set.of("initial", "never", "no_data");

  private final PostgresCatalog catalog;
  private final PostgresSourceConfig config;
  private final Map<TableId, List<String>> keys = new HashMap<>();
  private final Map<Integer, PgType> types = new HashMap<>();
  /** The last schema of each table, handed out again while unchanged. */
  private final Map<TableId, TableSchema> schemas = new HashMap<>();
  private final Thread thread;
  private final PgOutputDecoder decoder;
  private final ChangeListener listener;
  /** Tables copied alone meanwhile, or null. */
  private final TableCopy<Long> copy;
  private volatile boolean closed;
  private volatile long acknowledged;
  /** Held while the stream's connection is used: by the reading thread, or by the keepalive between its reads. */
  private final ReentrantLock wire = new ReentrantLock();
  private long confirmed;
  /** Reconnect attempts since the stream last ran; reading thread only. */
  private int attempt;
  private long confirmedAt;

  /**
   * Whether this reader can stream from a server of {@code serverMajorVersion} with the given options
   * (else Debezium does).
   */
  static boolean canStream(int serverMajorVersion, PostgresSourceConfig config) {
    Map<String, String> debezium = config.debeziumProperties();
    return serverMajorVersion >= BINARY_MAJOR_VERSION
        && HONOURED_OPTIONS.containsAll(debezium.keySet())
        && HONOURED_SNAPSHOT_MODES.contains(debezium.getOrDefault("snapshot.mode", "initial"));
  }

  /**
   * Starts streaming on a new thread: from {@code resume} when present, else from the slot's confirmed
   * LSN (the slot is created when missing).
   *
   * @param copy tables copied alone meanwhile, whose changes before the copy's point are dropped; or null
   */
  PgOutputStream(PostgresCatalog catalog, PostgresSourceConfig config, List<SourceTable> tables,
      Optional<PostgresPosition> resume, ChangeListener listener, TableCopy<Long> copy) {
    this.catalog = catalog;
    this.config = config;
    this.listener = listener;
    this.copy = copy;
    tables.forEach(t -> keys.put(t.id(), t.schema().primaryKey()));
    tables.forEach(t -> schemas.put(t.id(), t.schema()));
    long startLsn;
    if (resume.isPresent() && !resume.get().snapshotDone()) {
      // the commit LSN of its offset: every transaction committed at or before it was emitted
      PostgresPosition p = resume.get();
      startLsn = p.commitLsn();
      this.decoder = new PgOutputDecoder(keys.keySet(), this::schemaOf, p.major(),
          p.betweenTransactions() ? p.sub() : 0, startLsn);
    } else {
      // a consistent point (the snapshot's, or a slot's): a transaction may commit exactly there
      long point = resume.map(PostgresPosition::commitLsn).orElseGet(this::slotStart);
      startLsn = point - 1;
      this.decoder = new PgOutputDecoder(keys.keySet(), this::schemaOf, point, 0, startLsn);
    }
    if (copy != null) {
      decoder.copyAt(copy.tables(), copy.point());
    }
    this.acknowledged = startLsn;
    this.confirmed = startLsn;
    this.confirmedAt = System.nanoTime();
    this.thread = new Thread(this::run, "changelake-pgoutput-" + config.slotName());
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** The confirmed LSN of the slot, which is created first when missing. */
  private long slotStart() {
    try (Connection c = catalog.connect()) {
      var lsn = catalog.confirmedFlushLsn(c);
      if (lsn.isPresent()) {
        return lsn.getAsLong();
      }
    } catch (SQLException e) {
      throw new SourceException("Reading slot '" + config.slotName() + "' on " + catalog.where() + " failed: "
          + e.getMessage(), e);
    }
    try (ExportedSnapshot created = ExportedSnapshot.create(catalog, config.slotName())) {
      LOG.info("Created replication slot '{}' at {}", config.slotName(),
          PostgresPosition.formatLsn(created.consistentLsn()));
      return created.consistentLsn();
    } catch (SQLException e) {
      throw new SourceException("Creating replication slot '" + config.slotName() + "' on " + catalog.where()
          + " failed: " + e.getMessage(), e);
    }
  }

  /** Confirms the slot up to {@code commitLsn} (PostgreSQL may then recycle the WAL before it). */
  void acknowledge(long commitLsn) {
    if (Long.compareUnsigned(commitLsn, acknowledged) > 0) {
      acknowledged = commitLsn;
    }
  }

  /**
   * Streams until closed; after a lost connection, reconnects up to {@code reconnect.attempts} times in a
   * row, waiting {@code reconnect.backoff} doubled at each attempt, and goes on from the slot's confirmed
   * LSN, the decoder skipping what it had already handed over.
   */
  private void run() {
    while (!closed) {
      try {
        stream();
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (SQLException | RuntimeException | Error e) {
        if (closed) {
          return;
        }
        if (!connectionLost(e) || attempt >= config.reconnectAttempts()) {
          listener.onFailure(e instanceof SourceException ? e : lostSlotOr(e, attempt));
          return;
        }
        attempt++;
        if (!reconnecting(e)) {
          return;
        }
      }
    }
  }

  /** Streams on a new replication connection until closed; a reconnect attempt that streams resets the count. */
  private void stream() throws SQLException, InterruptedException {
    try (Connection connection = catalog.connectForReplication()) {
      long from = acknowledged;
      PGReplicationStream s = start(connection, from);
      if (attempt == 0) {
        LOG.info("Streaming slot '{}' from {} with changelake's pgoutput reader", config.slotName(),
            PostgresPosition.formatLsn(from));
      } else {
        LOG.info("Reconnected to {} (attempt {}/{}): streaming slot '{}' again from {}", catalog.where(), attempt,
            config.reconnectAttempts(), config.slotName(), PostgresPosition.formatLsn(from));
        attempt = 0;
      }
      PgOutputDecoder.Receiver out = new PgOutputDecoder.Receiver() {
        @Override
        public void change(ChangeEvent event) throws InterruptedException {
          listener.onChange(event);
        }

        @Override
        public void progress(PostgresPosition position) throws InterruptedException {
          listener.onProgress(position);
        }

        @Override
        public void copyPointPassed(PostgresPosition position) throws InterruptedException {
          copy.pointPassed(position);
        }
      };
      Thread keepalive = keepalive(s);
      try {
        long lastIdleProgress = 0;
        while (!closed) {
          ByteBuffer message = read(s);
          if (message != null) {
            decoder.decode(message, s.getLastReceiveLSN().asLong(), out);
            if (acknowledged != confirmed && System.nanoTime() - confirmedAt >= CONFIRM_INTERVAL_NANOS) {
              confirm(s);
            }
            continue;
          }
          long now = System.currentTimeMillis();
          if (now - lastIdleProgress >= IDLE_PROGRESS_MS) {
            lastIdleProgress = now;
            decoder.idle(s.getLastReceiveLSN().asLong(), out);
          }
          confirm(s);
          Thread.sleep(IDLE_PAUSE_MS);
        }
        confirm(s); // what the last commit acknowledged before close()
      } finally {
        keepalive.interrupt();
        keepalive.join(5_000); // before the connection closes under it
      }
    }
  }

  /**
   * Logs the lost connection and waits before the next attempt; false when closed meanwhile. The decoder
   * then skips what the new stream resends.
   */
  private boolean reconnecting(Throwable lost) {
    long backoff = Math.min(config.reconnectBackoff().toMillis() << Math.min(attempt - 1, 20), MAX_BACKOFF_MS);
    LOG.warn("Lost the replication connection to {} ({}); reconnect attempt {}/{} in {} ms", catalog.where(),
        lost.getMessage(), attempt, config.reconnectAttempts(), backoff);
    long deadline = System.currentTimeMillis() + backoff;
    try {
      while (!closed && System.currentTimeMillis() < deadline) {
        Thread.sleep(Math.min(100, Math.max(1, deadline - System.currentTimeMillis())));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    decoder.reconnected();
    confirmed = 0; // the new stream is told the acknowledged LSN again
    return !closed;
  }

  /**
   * Whether {@code e} is a lost or refused connection (SQL state class 08, or a server shutting down or
   * starting up), which a reconnect may cure.
   */
  static boolean connectionLost(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null
          && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
        return true;
      }
    }
    return false;
  }

  /** The failure to report for {@code e}: that the slot was lost (dropped or invalidated) when it was, else {@code e}. */
  private SourceException lostSlotOr(Throwable e, int attempts) {
    SourceException failure = new SourceException(attempts == 0
        ? "Streaming slot '" + config.slotName() + "' from " + catalog.where() + " failed: " + e.getMessage()
        : "Streaming slot '" + config.slotName() + "' from " + catalog.where() + " failed after " + attempts
            + " reconnect attempt(s): " + e.getMessage() + ". Fix: bring the server back and run the sync"
            + " again (it resumes from each table's last commit, nothing lost), or raise reconnect.attempts /"
            + " reconnect.backoff to wait longer for it.", e);
    try (Connection c = catalog.connect()) {
      catalog.checkSlotHolds(c, "their last commit");
    } catch (SourceException lost) {
      lost.addSuppressed(e);
      return lost;
    } catch (SQLException | RuntimeException unknown) {
      failure.addSuppressed(unknown);
    }
    return failure;
  }

  private ByteBuffer read(PGReplicationStream s) throws SQLException {
    wire.lock();
    try {
      return s.readPending();
    } finally {
      wire.unlock();
    }
  }

  /**
   * Sends a status update every second while the reading thread is away from the connection, e.g. blocked
   * handing a change to a pipeline busy with a long commit: without replies PostgreSQL ends the stream
   * after {@code wal_sender_timeout} (60 s by default).
   */
  private Thread keepalive(PGReplicationStream s) {
    Thread thread = new Thread(() -> {
      while (!closed) {
        try {
          Thread.sleep(KEEPALIVE_MS);
        } catch (InterruptedException e) {
          return;
        }
        if (wire.tryLock()) {
          try {
            if (!closed && !s.isClosed()) {
              s.forceUpdateStatus();
            }
          } catch (SQLException e) {
            return; // the reading thread meets the same failure and reports it
          } finally {
            wire.unlock();
          }
        }
      }
    }, "changelake-pgoutput-keepalive-" + config.slotName());
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /**
   * Starts the replication stream, waiting up to {@code slot.busy.timeout} while the server process of a
   * previous reader (e.g. the one that created the slot) still holds the slot.
   */
  private PGReplicationStream start(Connection connection, long from) throws SQLException, InterruptedException {
    Instant deadline = Instant.now().plus(config.slotBusyTimeout());
    while (true) {
      try {
        return connection.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
            .withSlotName(config.slotName())
            .withStartPosition(LogSequenceNumber.valueOf(from))
            .withSlotOption("proto_version", 1)
            .withSlotOption("publication_names", PostgresCatalog.quoteIdent(config.publicationName()))
            .withSlotOption("binary", true)
            .withStatusInterval(10, TimeUnit.SECONDS)
            .withAutomaticFlush(false)
            .start();
      } catch (SQLException e) {
        if (!OBJECT_IN_USE.equals(e.getSQLState()) || Instant.now().isAfter(deadline) || closed) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  /** Sends the newest acknowledged LSN to the server when it has not been sent yet. */
  private void confirm(PGReplicationStream s) throws SQLException {
    long ack = acknowledged;
    if (ack != confirmed) {
      LogSequenceNumber lsn = LogSequenceNumber.valueOf(ack);
      wire.lock();
      try {
        s.setFlushedLSN(lsn);
        s.setAppliedLSN(lsn);
        s.forceUpdateStatus();
      } finally {
        wire.unlock();
      }
      confirmed = ack;
      confirmedAt = System.nanoTime();
    }
  }

  /**
   * The schema of a relation as the stream sent it: names, types and order from the stream, nullability
   * and primary key from the catalog (the key found at discovery when the catalog no longer has one).
   */
  private PgOutputDecoder.Described schemaOf(TableId table, List<PgOutputDecoder.RelationColumn> columns) {
    try (Connection c = catalog.connect()) {
      Set<Integer> unknown = columns.stream().map(PgOutputDecoder.RelationColumn::typeOid)
          .filter(oid -> !types.containsKey(oid)).collect(Collectors.toCollection(HashSet::new));
      if (!unknown.isEmpty()) {
        PgType.load(c, unknown, types);
      }
      TableSchema current = PostgresCatalog.readSchema(c, table);
      List<String> names = columns.stream().map(PgOutputDecoder.RelationColumn::name).toList();
      List<String> key = names.containsAll(current.primaryKey()) && current.hasPrimaryKey() ? current.primaryKey()
          : names.containsAll(keys.getOrDefault(table, List.of())) ? keys.getOrDefault(table, List.of()) : List.of();
      List<Column> built = new ArrayList<>(columns.size());
      List<PgType> columnTypes = new ArrayList<>(columns.size());
      for (PgOutputDecoder.RelationColumn column : columns) {
        PgType pgType = types.getOrDefault(column.typeOid(), PgType.base("unknown"));
        columnTypes.add(pgType);
        String type = pgType.name();
        boolean numeric = PostgresTypes.isNumeric(type);
        boolean nullable = current.column(column.name()).map(Column::nullable).orElse(true);
        built.add(PostgresTypes.column(column.name(), type,
            numeric ? PostgresTypes.numericPrecision(column.typmod()) : 0,
            numeric ? PostgresTypes.numericScale(column.typmod()) : 0, nullable, key.contains(column.name())));
      }
      TableSchema schema = new TableSchema(built, key);
      if (schema.equals(schemas.get(table))) {
        schema = schemas.get(table);
      }
      schemas.put(table, schema);
      return new PgOutputDecoder.Described(schema, columnTypes);
    } catch (SQLException e) {
      throw new SourceException("Reading the schema of " + table + " from " + catalog.where() + " failed: "
          + e.getMessage(), e);
    }
  }

  /** Stops streaming and waits up to 30 s; drops the slot when {@code debezium.slot.drop.on.stop} is set. */
  @Override
  public void close() {
    closed = true;
    try {
      thread.join(30_000);
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(5_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (config.dropSlotOnStop()) {
      try (Connection c = catalog.connect()) {
        catalog.dropSlot(c);
      } catch (SQLException | SourceException e) {
        LOG.warn("Could not drop replication slot '{}': {}", config.slotName(), e.getMessage());
      }
    }
  }
}
