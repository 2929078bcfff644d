package io.changelake.source.postgres;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableId;
import io.changelake.api.spi.ChangeListener;
import io.changelake.api.spi.CheckResult;
import io.changelake.api.spi.ConsistentRead;
import io.changelake.api.spi.Source;
import io.changelake.api.spi.SourceAdvice;
import io.changelake.api.spi.SourceException;
import io.changelake.api.spi.SourceMetric;
import io.changelake.api.spi.SourceTable;
import io.changelake.api.spi.TableFilter;
import io.changelake.api.source.Preflight;
import io.changelake.api.source.SerialListener;
import io.changelake.api.source.SnapshotThread;
import io.changelake.api.source.TableCopy;
import io.changelake.api.source.TableSelection;
import io.changelake.source.debezium.EngineRunner;
import io.changelake.source.debezium.ResumeOffsetStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captures PostgreSQL tables through a logical replication slot (pgoutput).
 *
 * <p>{@link #discover()} checks every prerequisite with plain JDBC. {@link #start} creates or
 * extends the publication, then: with no position, an initial snapshot then streaming ({@code
 * scan.startup.mode=initial}) or streaming only ({@code latest-offset}); with a position, streaming
 * continues from it (a position inside an unfinished snapshot starts the snapshot again).
 *
 * <p>Two readers do the work. On PostgreSQL 14 or later, {@link SnapshotReader} copies the tables and
 * {@link PgOutputStream} streams them: one decode from the wire to rows, several times faster than
 * Debezium's pipeline of records and Connect structs, giving every type the lake type and value Debezium
 * gives it. Older servers and {@code debezium.*} options the own reader does not honour go through the
 * Debezium embedded engine (the snapshot still through {@link SnapshotReader} where Debezium decodes
 * every column alike). Positions carry Debezium's offset keys, so either reader resumes from the other's.
 *
 * <p>A table added to a running pipeline is copied alone ({@link #start(Optional, Set, ChangeListener)}) in
 * the snapshot of a temporary slot, {@code <slot.name>_copy}, while the slot streams every table: the copy
 * holds the table's transactions committed before the temporary slot's consistent point, the stream the
 * later ones ({@link TableCopy}). Only changelake's own readers copy tables alone; Debezium takes a new
 * initial snapshot of every table instead.
 *
 * <p>Exactly once: the slot's {@code confirmed_flush_lsn} advances only through {@link
 * #acknowledge}; Debezium's offsets live in memory ({@link ResumeOffsetStore}) and are never
 * persisted by this source.
 */
public final class PostgresSource implements Source {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresSource.class);
  static final String TOPIC_PREFIX = "changelake";
  static final String HEARTBEAT_TOPIC = "__debezium-heartbeat." + TOPIC_PREFIX;
  static final String NOTIFICATION_TOPIC = "__changelake_notifications";
  private static final SourceAdvice ADVICE = new PostgresAdvice();
  private static final String DUPLICATE_OBJECT = "42710";
  private static final String CONNECT_CHECK = "reachable, credentials accepted";

  private final PostgresSourceConfig config;
  private final TableSelection selection;
  private final PostgresCatalog catalog;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Object ackLock = new Object();
  private volatile List<SourceTable> tables;
  private volatile EngineRunner engine;
  private volatile PgOutputStream pgoutput;
  private int serverMajorVersion;
  /** The column types of the tables when changelake's readers read them; null when Debezium streams. */
  private volatile Map<TableId, List<PgType>> ownTypes;
  private final SnapshotThread snapshotThread = new SnapshotThread();
  private PostgresPosition acknowledged;
  /** Whether changelake's own readers read the discovered tables (else Debezium). */
  private volatile boolean ownReaders;

  /** Captures the tables of {@code schema-name} matching {@code table-name} (all when absent). */
  public PostgresSource(PostgresSourceConfig config) {
    this(config, TableFilter.ALL);
  }

  /**
   * Captures the tables of {@code schema-name} matching {@code table-name} (all when absent) that
   * {@code filter} also accepts (sync-database's include/exclude).
   */
  public PostgresSource(PostgresSourceConfig config, TableFilter filter) {
    this.config = Objects.requireNonNull(config, "config");
    this.selection = new TableSelection(config.tablePattern(), filter);
    this.catalog = new PostgresCatalog(config);
  }

  @Override
  public List<SourceTable> discover() {
    return discover(true);
  }

  /** {@link #discover()} without waiting for the slot a running sync reads. */
  @Override
  public List<SourceTable> discoverBesideSync() {
    return discover(false);
  }

  private List<SourceTable> discover(boolean slotFree) {
    try (Connection c = catalog.connect()) {
      List<SourceTable> found = catalog.discover(c, selection, selection.describe(), Preflight.failFast());
      if (slotFree) {
        catalog.checkSlot(c);
      }
      ownReaders = PgOutputStream.canStream(c.getMetaData().getDatabaseMajorVersion(), config)
          && SnapshotReader.unreadable(found, PostgresCatalog.columnTypes(c, found)).isEmpty();
      tables = found;
      return found;
    } catch (SQLException e) {
      throw new SourceException("Reading the catalog of " + catalog.where() + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a selected table as of the consistent point of a temporary slot ({@link PostgresConsistentRead}); needs
   * PostgreSQL 14 or later (pgoutput's binary values). Leaves the pipeline's slot alone: a running sync keeps it.
   */
  @Override
  public ConsistentRead readConsistent(String name) {
    try (Connection c = catalog.connect()) {
      List<SourceTable> selected = catalog.discover(c, selection, selection.describe(), Preflight.failFast());
      List<SourceTable> named = selected.stream()
          .filter(t -> t.id().toString().equals(name) || t.id().name().equals(name)).toList();
      if (named.size() != 1) {
        throw new SourceException((named.isEmpty() ? "No table " + name : "Several tables named " + name)
            + " among those selected in " + catalog.where() + " (" + selected.stream().map(t -> t.id().toString())
            .toList() + "). Fix: check table-name and schema-name in --source-conf, or name the table in full.");
      }
      SourceTable table = named.get(0);
      TableId id = table.id();
      int major = c.getMetaData().getDatabaseMajorVersion();
      if (!PgOutputStream.canStream(major, config)) {
        throw new SourceException("Comparing with the lake needs PostgreSQL " + PgOutputStream.BINARY_MAJOR_VERSION
            + " or later and changelake's own reader (" + catalog.where() + " runs " + major + ").");
      }
      Map<TableId, List<PgType>> types = PostgresCatalog.columnTypes(c, List.of(table));
      String unreadable = SnapshotReader.unreadable(List.of(table), types);
      if (!unreadable.isEmpty()) {
        throw new SourceException("Cannot compare " + id + ": changelake's reader cannot read " + unreadable);
      }
      return PostgresConsistentRead.open(catalog, config, table, types.get(id));
    } catch (SQLException e) {
      throw new SourceException("Reading " + name + " as of one position from " + catalog.where() + " failed: "
          + e.getMessage(), e);
    }
  }

  /**
   * The checks of {@link #discover()}, then whether {@code max_replication_slots} has room for the slot, the
   * slot is not lost and no other process reads it now.
   */
  @Override
  public List<CheckResult> checks() {
    Preflight preflight = Preflight.collecting();
    Connection c;
    try {
      c = catalog.connect();
    } catch (SourceException e) {
      return List.of(CheckResult.failed(CONNECT_CHECK, e.getMessage()));
    }
    preflight.add(CheckResult.passed(CONNECT_CHECK));
    try (c) {
      catalog.discover(c, selection, selection.describe(), preflight);
      catalog.checkSlotState(c, preflight);
    } catch (SQLException e) {
      preflight.add(CheckResult.failed("reading the catalog", catalog.where() + ": " + e.getMessage()));
    }
    return preflight.results();
  }

  /** The slot and the publication: whether they exist, and what the sync creates or adds. */
  @Override
  public List<String> capturePlan() {
    List<TableId> ids = (tables != null ? tables : discover()).stream().map(SourceTable::id).toList();
    try (Connection c = catalog.connect()) {
      return catalog.capturePlan(c, ids);
    } catch (SQLException e) {
      throw new SourceException("Reading the slots and publications of " + catalog.where() + " failed: "
          + e.getMessage(), e);
    }
  }

  @Override
  public List<String> created() {
    try (Connection c = catalog.connect()) {
      return catalog.created(c);
    } catch (SQLException e) {
      throw new SourceException("Reading the slots and publications of " + catalog.where() + " failed: "
          + e.getMessage(), e);
    }
  }

  @Override
  public List<String> dropCreated() {
    try (Connection c = catalog.connect()) {
      return catalog.dropCreated(c);
    } catch (SQLException e) {
      throw new SourceException("Dropping the slot and publication on " + catalog.where() + " failed: "
          + e.getMessage(), e);
    }
  }

  @Override
  public void start(Optional<SourcePosition> resumeFrom, ChangeListener listener) {
    start(resumeFrom, Set.of(), listener);
  }

  /**
   * True when changelake's own readers read the discovered tables (PostgreSQL 14+, every column type decoded)
   * and tables start with a copy ({@code scan.startup.mode=initial}).
   */
  @Override
  public boolean copiesTablesAlone() {
    return ownReaders && config.snapshotReplacesSlot();
  }

  @Override
  public void start(Optional<SourcePosition> resumeFrom, Set<TableId> copies, ChangeListener listener) {
    if (engine != null || pgoutput != null || snapshotThread.started()) {
      throw new IllegalStateException("Source already started");
    }
    List<SourceTable> selected = tables != null ? tables : discover();
    List<TableId> ids = selected.stream().map(SourceTable::id).toList();
    PostgresPosition resume = resumeFrom.map(p -> (PostgresPosition) p).orElse(null);
    boolean streamFromOffset = resume != null && !resume.inSnapshot();
    boolean fullSnapshot = !streamFromOffset && config.snapshotReplacesSlot();
    long slotConfirmed = 0;
    try (Connection c = catalog.connect()) {
      serverMajorVersion = c.getMetaData().getDatabaseMajorVersion();
      ownTypes = PgOutputStream.canStream(serverMajorVersion, config) ? ownTypes(c, selected) : null;
      if (streamFromOffset) {
        catalog.checkSlotHolds(c, resume.describe());
        slotConfirmed = catalog.confirmedFlushLsn(c).orElse(0);
      }
      catalog.ensurePublication(c, ids);
      if (fullSnapshot) {
        catalog.dropSlotForSnapshot(c);
      }
    } catch (SQLException e) {
      throw new SourceException("Preparing the publication and slot on " + catalog.where() + " failed: "
          + e.getMessage(), e);
    }
    if (!copies.isEmpty()) {
      if (ownTypes == null || !streamFromOffset) {
        throw new SourceException("Cannot copy " + copies + " alone: " + (ownTypes == null
            ? "Debezium reads the tables now (see the log)" : "there is no stream position to resume from")
            + ". Drop the lake tables of the sync and restart it: it takes a new initial snapshot of every table.");
      }
      streamWhileCopying(selected, resume, copies, listener);
      return;
    }
    Map<TableId, List<PgType>> snapshotTypes = ownTypes != null ? ownTypes
        : SnapshotReader.sameAsDebezium(selected) ? SnapshotReader.byName(selected) : null;
    if (fullSnapshot && snapshotTypes != null) {
      snapshotThread.start("changelake-snapshot-" + config.slotName(),
          () -> snapshotThenStream(selected, snapshotTypes, listener));
      return;
    }
    startStreaming(selected, streamFromOffset ? resume : null, slotConfirmed, listener);
  }

  /**
   * The column types of {@code selected}; null (Debezium reads) when a column has a type changelake's
   * readers do not decode: composite types, {@code reg*} and {@code tid}, extension types other than
   * hstore, citext and ltree (e.g. PostGIS), ranges over other subtypes.
   */
  private static Map<TableId, List<PgType>> ownTypes(Connection c, List<SourceTable> selected) throws SQLException {
    Map<TableId, List<PgType>> types = PostgresCatalog.columnTypes(c, selected);
    String unreadable = SnapshotReader.unreadable(selected, types);
    if (unreadable.isEmpty()) {
      return types;
    }
    LOG.info("Debezium reads the tables because changelake's readers do not decode column(s) {}", unreadable);
    return null;
  }

  /**
   * Creates the slot with an exported snapshot, reads every table as of it with {@link
   * SnapshotReader}, then streams from the slot's consistent point.
   */
  private void snapshotThenStream(List<SourceTable> selected, Map<TableId, List<PgType>> types,
      ChangeListener listener) {
    long started = System.nanoTime();
    SnapshotReader reader = new SnapshotReader(catalog, config, selected, types);
    snapshotThread.reading(reader::cancel);
    PostgresPosition done;
    try (ExportedSnapshot snapshot = ExportedSnapshot.create(catalog, config.slotName())) {
      long rows = reader.read(snapshot, listener, System.currentTimeMillis());
      long lsn = snapshot.consistentLsn();
      done = PostgresPosition.snapshotDone(lsn, PostgresPosition.PARTITION,
          Map.of("lsn", lsn, "ts_usec", System.currentTimeMillis() * 1000));
      LOG.info("Initial snapshot read: {} rows in {} ms; streaming from {}", rows,
          (System.nanoTime() - started) / 1_000_000, done.describe());
      listener.onProgress(done);
    } catch (SQLException | RuntimeException e) {
      if (!closed.get()) {
        listener.onFailure(new SourceException("Reading the initial snapshot from " + catalog.where() + " failed: "
            + e.getMessage(), e));
      }
      return;
    } catch (InterruptedException e) {
      return;
    }
    synchronized (this) {
      if (!closed.get()) {
        try {
          startStreaming(selected, done, 0, listener);
        } catch (RuntimeException e) {
          listener.onFailure(e);
        }
      }
    }
  }

  /**
   * Streams every table from {@code resume} while {@code copies} are copied alone, in the snapshot of a
   * temporary slot created first, on their own thread.
   */
  private void streamWhileCopying(List<SourceTable> selected, PostgresPosition resume, Set<TableId> copies,
      ChangeListener listener) {
    ChangeListener serial = new SerialListener(listener);
    ExportedSnapshot snapshot = createCopySlot(copies);
    TableCopy<Long> copy = new TableCopy<>(copies, snapshot.consistentLsn(), serial);
    LOG.info("Copying {} alone as of {} while slot '{}' streams every table from {}", copies,
        PostgresPosition.formatLsn(copy.point()), config.slotName(), resume.describe());
    synchronized (ackLock) {
      acknowledged = resume;
    }
    List<SourceTable> copied = selected.stream().filter(t -> copies.contains(t.id())).toList();
    try {
      pgoutput = new PgOutputStream(catalog, config, selected, Optional.of(resume), serial, copy);
    } catch (RuntimeException e) {
      closeQuietly(snapshot);
      throw e;
    }
    snapshotThread.start("changelake-copy-" + config.slotName(), () -> copy(snapshot, copied, copy, serial));
  }

  /**
   * Creates the temporary slot whose snapshot the tables are copied in, waiting up to {@code
   * slot.busy.timeout} while the server process of an earlier run that died still holds one of that name.
   */
  private ExportedSnapshot createCopySlot(Set<TableId> copies) {
    String slot = copySlotName();
    Instant deadline = Instant.now().plus(config.slotBusyTimeout());
    while (true) {
      try {
        return ExportedSnapshot.createTemporary(catalog, slot);
      } catch (SQLException e) {
        boolean exists = DUPLICATE_OBJECT.equals(e.getSQLState());
        if (!exists || Instant.now().isAfter(deadline)) {
          throw new SourceException("Creating temporary slot '" + slot + "' on " + catalog.where() + " to copy "
              + copies + " failed: " + e.getMessage() + (exists ? ". An earlier run's server process still holds"
              + " it; stop that run, or end the process holding it (pg_replication_slots.active_pid)" : ""), e);
        }
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SourceException("Interrupted while waiting for temporary slot '" + slot + "'", e);
      }
    }
  }

  /** {@code <slot.name>_copy}, within PostgreSQL's 63 characters. */
  private String copySlotName() {
    String slot = config.slotName();
    return slot.substring(0, Math.min(slot.length(), 58)) + "_copy";
  }

  /** On the copy's thread: emits the rows of {@code tables} as of {@code snapshot}, then releases it. */
  private void copy(ExportedSnapshot snapshot, List<SourceTable> tables, TableCopy<Long> copy,
      ChangeListener listener) {
    SnapshotReader reader = new SnapshotReader(catalog, config, tables, ownTypes);
    snapshotThread.reading(reader::cancel);
    copy.run(() -> {
      try (snapshot) {
        return reader.read(snapshot, listener, System.currentTimeMillis());
      }
    }, catalog.where(), closed::get);
  }

  private static void closeQuietly(ExportedSnapshot snapshot) {
    try {
      snapshot.close();
    } catch (SQLException e) {
      LOG.debug("Releasing the copy's snapshot failed: {}", e.toString());
    }
  }

  /**
   * Streams from {@code resume}, or as configured when null: with changelake's pgoutput reader when it
   * reads the tables ({@link #ownTypes}), else with Debezium; {@code slotConfirmed} is the slot's confirmed LSN as
   * the stream starts (0 when not read).
   */
  private void startStreaming(List<SourceTable> selected, PostgresPosition resume, long slotConfirmed,
      ChangeListener listener) {
    if (ownTypes != null) {
      if (resume != null) {
        synchronized (ackLock) {
          acknowledged = resume;
        }
      }
      pgoutput = new PgOutputStream(catalog, config, selected, Optional.ofNullable(resume), listener, null);
      return;
    }
    LOG.info("Streaming through Debezium: {}", serverMajorVersion < PgOutputStream.BINARY_MAJOR_VERSION
        ? "PostgreSQL " + serverMajorVersion + " predates pgoutput's binary values (14)"
        : PgOutputStream.canStream(serverMajorVersion, config) ? "a column has a type changelake does not decode"
        : "debezium.* options are set");
    startEngine(selected, resume, slotConfirmed, listener);
  }

  /** Starts Debezium: streaming from {@code resume}'s offset, or as configured when null. */
  private void startEngine(List<SourceTable> selected, PostgresPosition resume, long slotConfirmed,
      ChangeListener listener) {
    List<TableId> ids = selected.stream().map(SourceTable::id).toList();
    String engineName = "changelake-" + UUID.randomUUID();
    Properties props = engineProperties(engineName, ids);
    if (resume != null) {
      ResumeOffsetStore.seed(engineName, resume.partition(), resume.offset());
      synchronized (ackLock) {
        acknowledged = resume;
      }
    }
    Map<TableId, List<String>> keys = new HashMap<>();
    selected.forEach(t -> keys.put(t.id(), t.schema().primaryKey()));
    // PostgreSQL starts the slot at its confirmed LSN when asked for an older one (a quiet table's old position):
    // no transaction it then sends follows a commit before that LSN, which Debezium flushed as a last commit LSN.
    PostgresRecordDecoder decoder = new PostgresRecordDecoder(keys, System.currentTimeMillis(),
        resume != null ? Math.max(resume.floor(), slotConfirmed) : 0);
    Emitter emitter = new Emitter(decoder, listener, resume, resume == null);
    LOG.info("Capturing {} table(s) of {}/{} through slot '{}' from {}", ids.size(), catalog.where(),
        config.database(), config.slotName(),
        resume == null ? (config.snapshotFirst() ? "an initial snapshot" : "the current end of the WAL")
            : resume.describe());
    try {
      engine = new EngineRunner("changelake-postgres-" + config.slotName(), props, emitter::handle, error -> {
        ResumeOffsetStore.forget(engineName);
        if (error != null && !closed.get()) {
          listener.onFailure(error instanceof SourceException ? error
              : new SourceException("PostgreSQL capture from " + catalog.where() + " stopped: " + rootMessage(error),
                  error));
        }
      });
    } catch (RuntimeException e) {
      ResumeOffsetStore.forget(engineName);
      throw e;
    }
  }

  private static String rootMessage(Throwable error) {
    Throwable t = error;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == error ? String.valueOf(error.getMessage()) : error.getMessage() + " (cause: " + t + ")";
  }

  Properties engineProperties(String engineName, List<TableId> ids) {
    Properties p = new Properties();
    p.put("heartbeat.interval.ms", "10000");
    p.put("poll.interval.ms", "100");
    p.put("include.unknown.datatypes", "true");
    p.put("snapshot.mode", config.snapshotFirst() ? "initial" : "no_data");
    p.put("slot.drop.on.stop", "false");
    p.putAll(config.debeziumProperties());
    p.put("name", engineName);
    p.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    p.put("topic.prefix", TOPIC_PREFIX);
    p.put("offset.storage", ResumeOffsetStore.class.getName());
    p.put("offset.flush.interval.ms", "0");
    p.put("database.hostname", config.hostname());
    p.put("database.port", String.valueOf(config.port()));
    p.put("database.user", config.username());
    p.put("database.password", config.password());
    p.put("database.dbname", config.database());
    p.put("plugin.name", "pgoutput");
    p.put("slot.name", config.slotName());
    p.put("publication.name", config.publicationName());
    p.put("publication.autocreate.mode", "disabled");
    p.put("table.include.list", ids.stream()
        .map(id -> Pattern.quote(id.namespace()) + "\\." + Pattern.quote(id.name()))
        .collect(Collectors.joining(",")));
    p.put("decimal.handling.mode", "string");
    p.put("time.precision.mode", "adaptive_time_microseconds");
    p.put("interval.handling.mode", "string");
    p.put("binary.handling.mode", "bytes");
    p.put("hstore.handling.mode", "json");
    p.put("column.propagate.source.type", ".*");
    p.put("tombstones.on.delete", "false");
    p.put("skipped.operations", "none");
    p.put("unavailable.value.placeholder", PostgresRecordDecoder.PLACEHOLDER);
    p.put("notification.enabled.channels", "sink");
    p.put("notification.sink.topic.name", NOTIFICATION_TOPIC);
    // A retry inside Debezium would re-read from the last acknowledged offset and emit changes
    // again out of order; the pipeline restarts the source instead.
    p.put("errors.max.retries", "0");
    return p;
  }

  /** Turns batches of Debezium records into listener calls, in order, on the engine's thread. */
  private static final class Emitter {
    private final PostgresRecordDecoder decoder;
    private final ChangeListener listener;
    private final boolean snapshotPossible;
    private PostgresPosition last;

    Emitter(PostgresRecordDecoder decoder, ChangeListener listener, PostgresPosition resume, boolean snapshotPossible) {
      this.decoder = decoder;
      this.listener = listener;
      this.last = resume;
      this.snapshotPossible = snapshotPossible;
    }

    void handle(List<SourceRecord> records) throws InterruptedException {
      for (int i = 0; i < records.size(); i++) {
        SourceRecord record = records.get(i);
        String topic = record.topic();
        if (PostgresRecordDecoder.isChange(record)) {
          ChangeEvent event = decoder.decode(record, sharesLsnWithNext(records, i));
          PostgresPosition position = (PostgresPosition) event.position();
          if (last != null && position.compareTo(last) <= 0 && !position.inSnapshot()) {
            LOG.debug("Change at {} not after {}: already emitted", position, last);
          }
          last = position;
          listener.onChange(event);
        } else if (HEARTBEAT_TOPIC.equals(topic)) {
          progress(decoder.heartbeat(record));
        } else if (NOTIFICATION_TOPIC.equals(topic) && snapshotPossible && snapshotCompleted(record)) {
          progress(decoder.snapshotDone(record));
        }
      }
    }

    private void progress(PostgresPosition position) throws InterruptedException {
      if (position != null && (last == null || position.compareTo(last) > 0)) {
        last = position;
        listener.onProgress(position);
      }
    }

    private static boolean snapshotCompleted(SourceRecord record) {
      return record.value() instanceof Struct value
          && "Initial Snapshot".equals(value.getString("aggregate_type"))
          && "COMPLETED".equals(value.getString("type"));
    }

    private static boolean sharesLsnWithNext(List<SourceRecord> records, int i) {
      if (i + 1 >= records.size() || !PostgresRecordDecoder.isChange(records.get(i + 1))) {
        return false;
      }
      Map<String, ?> a = records.get(i).sourceOffset();
      Map<String, ?> b = records.get(i + 1).sourceOffset();
      return !PostgresRecordDecoder.isSnapshotOffset(a) && Objects.equals(a.get("lsn"), b.get("lsn"))
          && Objects.equals(a.get("lsn_commit"), b.get("lsn_commit"));
    }
  }

  /**
   * Confirms {@code position} to the slot: PostgreSQL may then recycle WAL up to its commit LSN.
   * Positions inside the snapshot and positions not after the last acknowledged one are ignored.
   */
  @Override
  public void acknowledge(SourcePosition position) {
    PostgresPosition p = (PostgresPosition) position;
    if (p.inSnapshot()) {
      return;
    }
    EngineRunner running = engine;
    PgOutputStream streaming = pgoutput;
    synchronized (ackLock) {
      if (acknowledged != null && p.compareTo(acknowledged) <= 0 || running == null && streaming == null) {
        return;
      }
      acknowledged = p;
      if (streaming != null) {
        streaming.acknowledge(p.commitLsn());
      } else {
        running.commit(p.offset());
      }
    }
  }

  /** Whether changelake's own pgoutput reader streams, rather than Debezium. */
  boolean streamsWithOwnReader() {
    return pgoutput != null;
  }

  /** PostgreSQL's fixes: {@code ALTER TABLE ... REPLICA IDENTITY FULL}. */
  @Override
  public SourceAdvice advice() {
    return ADVICE;
  }

  /**
   * True unless {@link #start} chose changelake's pgoutput reader, which sends a key change as one
   * UPDATE; Debezium sends it as a DELETE and an INSERT.
   */
  @Override
  public boolean splitsKeyChanges() {
    return ownTypes == null;
  }

  @Override
  public SourcePosition parsePosition(String serialized) {
    return PostgresPosition.parse(serialized);
  }

  /** {@code pg_current_wal_lsn()} minus the position's commit LSN, in bytes; -1 when unknown. */
  @Override
  public long lagBytes(SourcePosition position) {
    long lsn = ((PostgresPosition) position).commitLsn();
    try (Connection c = catalog.connect();
        PreparedStatement ps = c.prepareStatement("SELECT pg_current_wal_lsn() - ?::pg_lsn")) {
      ps.setString(1, PostgresPosition.formatLsn(lsn));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Math.max(0, rs.getLong(1)) : -1;
      }
    } catch (SQLException | SourceException e) {
      LOG.debug("Could not measure lag: {}", e.toString());
      return -1;
    }
  }

  /**
   * The replication slot's figures: {@code retained_bytes}, the WAL it retains
   * ({@code pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)}); {@code confirmed_flush_lag_bytes}, the WAL
   * after the position the pipeline last acknowledged; and, while the sync reads the slot, {@code
   * flush_lag_seconds} (PostgreSQL's {@code pg_stat_replication.flush_lag}: from a WAL record's flush to the
   * pipeline's acknowledgement of it, zero once the pipeline has acknowledged everything and the server is idle).
   * Empty while the slot does not exist or the server cannot be asked.
   */
  @Override
  public List<SourceMetric> metrics() {
    try (Connection c = catalog.connect();
        PreparedStatement ps = c.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), s.restart_lsn),"
            + " pg_wal_lsn_diff(pg_current_wal_lsn(), s.confirmed_flush_lsn), r.pid IS NOT NULL,"
            + " EXTRACT(EPOCH FROM r.flush_lag) FROM pg_replication_slots s"
            + " LEFT JOIN pg_stat_replication r ON r.pid = s.active_pid WHERE s.slot_name = ?")) {
      ps.setString(1, config.slotName());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return List.of();
        }
        List<SourceMetric> metrics = new ArrayList<>();
        String slot = "slot '" + config.slotName() + "'";
        if (rs.getObject(1) != null) {
          metrics.add(new SourceMetric(SourceMetric.RETAINED_BYTES, "WAL the replication " + slot + " retains",
              rs.getDouble(1)));
        }
        if (rs.getObject(2) != null) {
          metrics.add(new SourceMetric("confirmed_flush_lag_bytes", "WAL after the position acknowledged to the "
              + slot, Math.max(0, rs.getDouble(2))));
        }
        if (rs.getBoolean(3)) {
          metrics.add(new SourceMetric("flush_lag_seconds", "from a WAL record's flush to its acknowledgement to the "
              + slot + "; 0 when everything is acknowledged", rs.getObject(4) == null ? 0 : rs.getDouble(4)));
        }
        return metrics;
      }
    } catch (SQLException | SourceException e) {
      LOG.debug("Could not read the slot's figures: {}", e.toString());
      return List.of();
    }
  }

  /** Stops the snapshot or the engine; the slot stays unless {@code debezium.slot.drop.on.stop=true}. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      snapshotThread.stop();
      EngineRunner running;
      PgOutputStream streaming;
      synchronized (this) {
        running = engine;
        streaming = pgoutput;
      }
      if (running != null) {
        running.close();
      }
      if (streaming != null) {
        streaming.close();
      }
    }
  }

  @Override
  public String toString() {
    return "PostgresSource[" + config + "]";
  }
}
