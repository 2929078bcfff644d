package io.changelake.source.mysql;

import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.ChangeListener;
import io.changelake.api.spi.CheckResult;
import io.changelake.api.spi.Source;
import io.changelake.api.spi.SourceAdvice;
import io.changelake.api.spi.SourceException;
import io.changelake.api.spi.SourceTable;
import io.changelake.api.spi.TableFilter;
import io.changelake.api.source.Preflight;
import io.changelake.api.source.SerialListener;
import io.changelake.api.source.SnapshotThread;
import io.changelake.api.source.TableCopy;
import io.changelake.api.source.TableSelection;
import java.nio.charset.Charset;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captures the tables of one MySQL or MariaDB database: a consistent, chunked, parallel snapshot over
 * JDBC ({@link SnapshotReader}), then the binlog from the snapshot's position ({@link BinlogReader}).
 *
 * <p>{@link #discover()} runs the preflight checks ({@link MysqlCatalog#preflight}). With no position,
 * {@link #start} snapshots then streams ({@code scan.startup.mode=initial}) or streams from the server's
 * current position ({@code latest-offset}); with a position inside an unfinished snapshot it snapshots
 * again; otherwise it streams from the start of the event group the position lies in, by GTID where the
 * position has a set (a position stored without one is given one on MariaDB, {@code BINLOG_GTID_POS}; on
 * MySQL with {@code gtid_mode=ON} sets start at the next binlog file). Positions carry GTID sets whenever the
 * server writes them, whatever {@code gtid.required} says ({@link MysqlPosition}). Tables added to a
 * running sync are copied alone while the binlog streams the others ({@link #start(Optional, Set,
 * ChangeListener)}). The server keeps binlogs by its own retention, not by what a reader has read, so {@link
 * #acknowledge} has nothing to do.
 */
public final class MysqlSource implements Source {
  private static final Logger LOG = LoggerFactory.getLogger(MysqlSource.class);
  private static final SourceAdvice ADVICE = new MysqlAdvice();
  private static final String CONNECT_CHECK = "reachable, credentials accepted";

  private final MysqlSourceConfig config;
  private final TableSelection selection;
  private final MysqlCatalog catalog;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Map<TableId, List<MysqlColumn>> columns = new HashMap<>();
  private volatile List<SourceTable> tables;
  private final SnapshotThread snapshotThread = new SnapshotThread();
  private volatile BinlogReader binlog;
  private volatile boolean mariaDb;
  private volatile boolean writesGtids;

  /** Captures the tables of {@code database-name} matching {@code table-name} that {@code filter} accepts. */
  public MysqlSource(MysqlSourceConfig config, TableFilter filter) {
    this.config = Objects.requireNonNull(config, "config");
    this.selection = new TableSelection(config.tablePattern(), filter);
    this.catalog = new MysqlCatalog(config);
  }

  @Override
  public List<SourceTable> discover() {
    try (Connection c = catalog.connect()) {
      catalog.preflight(c, config.serverId(), Preflight.failFast());
      Map<TableId, List<MysqlColumn>> found = new HashMap<>();
      List<SourceTable> selected = catalog.discover(c, selection, selection.describe(), found);
      synchronized (columns) {
        columns.clear();
        columns.putAll(found);
      }
      tables = selected;
      return selected;
    } catch (SQLException e) {
      throw new SourceException("Reading the catalog of " + catalog.where() + " failed: " + e.getMessage(), e);
    }
  }

  /** The checks of {@link #discover()}: connection, binlog settings, server-id, retention, privileges, tables. */
  @Override
  public List<CheckResult> checks() {
    Connection c;
    try {
      c = catalog.connect();
    } catch (SourceException e) {
      return List.of(CheckResult.failed(CONNECT_CHECK, e.getMessage()));
    }
    Preflight preflight = Preflight.collecting();
    preflight.add(CheckResult.passed(CONNECT_CHECK));
    try (c) {
      catalog.preflight(c, config.serverId(), preflight);
      preflight.check("tables selected and readable (" + selection.describe().strip() + ")",
          () -> catalog.discover(c, selection, selection.describe(), new HashMap<>()));
    } catch (SQLException e) {
      preflight.add(CheckResult.failed("reading the catalog", catalog.where() + ": " + e.getMessage()));
    }
    return preflight.results();
  }

  /** Nothing is created in the server; the line names the binlog position the server writes now. */
  @Override
  public List<String> capturePlan() {
    try (Connection c = catalog.connect()) {
      return List.of("nothing created in the server (no slot: the binlog is read as a replica reads it); binlog now at "
          + MysqlCatalog.currentPosition(c).describe());
    } catch (SQLException e) {
      throw new SourceException("Reading the binlog position of " + catalog.where() + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void start(Optional<SourcePosition> resumeFrom, ChangeListener listener) {
    start(resumeFrom, Set.of(), listener);
  }

  /** True with {@code scan.startup.mode=initial}: a table starts with a copy, alone when added later. */
  @Override
  public boolean copiesTablesAlone() {
    return config.snapshotFirst();
  }

  @Override
  public void start(Optional<SourcePosition> resumeFrom, Set<TableId> copies, ChangeListener listener) {
    if (snapshotThread.started() || binlog != null) {
      throw new IllegalStateException("Source already started");
    }
    List<SourceTable> selected = tables != null ? tables : discover();
    MysqlPosition resume = resumeFrom.map(p -> (MysqlPosition) p).orElse(null);
    Map<Integer, Charset> collations;
    MysqlPosition streamFrom;
    try (Connection c = catalog.connect()) {
      collations = MysqlCatalog.collations(c);
      mariaDb = MysqlCatalog.isMariaDb(c);
      writesGtids = MysqlCatalog.writesGtids(c);
      if (resume != null && !resume.inSnapshot()) {
        boolean held = resume.gtids() != null ? MysqlCatalog.holdsAfter(c, resume.gtids())
            : MysqlCatalog.hasBinlog(c, resume.file());
        if (!held) {
          throw new SourceException("The lake tables continue from binlog " + resume.describe() + ", but the server "
              + catalog.where() + " no longer holds " + (resume.gtids() != null ? "the transactions after it"
              : resume.file()) + " (purged). Fix: drop the lake tables so they are snapshotted again, and keep"
              + " binlogs longer (binlog_expire_logs_seconds).");
        }
        streamFrom = MysqlCatalog.withGtids(c, resume);
      } else {
        streamFrom = resume == null && !config.snapshotFirst() ? MysqlCatalog.currentPosition(c) : null;
      }
    } catch (SQLException e) {
      throw new SourceException("Reading the binlog state of " + catalog.where() + " failed: " + e.getMessage(), e);
    }
    Map<TableId, TableSchema> schemas = new LinkedHashMap<>();
    selected.forEach(t -> schemas.put(t.id(), t.schema()));
    if (!copies.isEmpty()) {
      if (streamFrom == null || resume == null) {
        throw new SourceException("Cannot copy " + copies + " alone: there is no binlog position to resume from. Drop"
            + " the lake tables of the sync and restart it: it takes a new initial snapshot of every table.");
      }
      streamWhileCopying(selected, schemas, collations, resume, copies, listener);
      return;
    }
    if (streamFrom != null) {
      LOG.info("Capturing {} table(s) of {}/{} from binlog {}", selected.size(), catalog.where(), config.database(),
          streamFrom.describe());
      stream(schemas, collations, streamFrom, listener, resume == null);
      return;
    }
    snapshotThread.start("changelake-mysql-snapshot",
        () -> snapshotThenStream(selected, snapshotColumns(), schemas, collations, listener));
  }

  private Map<TableId, List<MysqlColumn>> snapshotColumns() {
    synchronized (columns) {
      return Map.copyOf(columns);
    }
  }

  /**
   * Streams every table from {@code resume} while {@code copies} are copied alone: the copy's snapshot opens
   * first, at a binlog position (MariaDB: the one its transaction sees, no lock), and the binlog drops the copied
   * tables' changes before that position ({@link CopyPointFilter}); the rows are read on the snapshot thread.
   */
  private void streamWhileCopying(List<SourceTable> selected, Map<TableId, TableSchema> schemas,
      Map<Integer, Charset> collations, MysqlPosition resume, Set<TableId> copies, ChangeListener listener) {
    SnapshotReader reader = new SnapshotReader(catalog, config,
        selected.stream().filter(t -> copies.contains(t.id())).toList(), snapshotColumns());
    snapshotThread.reading(reader::cancel);
    MysqlPosition at;
    try {
      at = reader.open();
    } catch (SQLException e) {
      throw new SourceException("Opening a snapshot on " + catalog.where() + " to copy " + copies + " failed: "
          + e.getMessage(), e);
    }
    ChangeListener serial = new SerialListener(listener);
    TableCopy<MysqlPosition> copy = new TableCopy<>(copies, MysqlPosition.between(at.file(), at.offset()), serial);
    LOG.info("Copying {} alone as of binlog {} while the binlog streams every table from {}", copies, at.describe(),
        resume.describe());
    try {
      stream(schemas, collations, resume, new CopyPointFilter(copy, resume, serial), false);
    } catch (InterruptedException | RuntimeException e) {
      reader.cancel();
      if (e instanceof RuntimeException failed) {
        throw failed;
      }
      Thread.currentThread().interrupt();
      return;
    }
    snapshotThread.start("changelake-mysql-copy", () -> copy.run(() -> reader.read(serial, System.currentTimeMillis()),
        catalog.where(), closed::get));
  }

  private void snapshotThenStream(List<SourceTable> selected, Map<TableId, List<MysqlColumn>> snapshotColumns,
      Map<TableId, TableSchema> schemas, Map<Integer, Charset> collations, ChangeListener listener) {
    long started = System.nanoTime();
    SnapshotReader reader = new SnapshotReader(catalog, config, selected, snapshotColumns);
    snapshotThread.reading(reader::cancel);
    MysqlPosition done;
    try {
      MysqlPosition at = reader.open();
      long rows = reader.read(listener, System.currentTimeMillis());
      try (Connection c = catalog.connect()) {
        done = MysqlCatalog.withGtids(c, at).snapshotDone();
      }
      LOG.info("Initial snapshot read: {} rows in {} ms; streaming from {}", rows,
          (System.nanoTime() - started) / 1_000_000, done.describe());
      listener.onProgress(done);
    } catch (SQLException | RuntimeException e) {
      if (!closed.get()) {
        listener.onFailure(e instanceof SourceException ? e : new SourceException("Reading the initial snapshot from "
            + catalog.where() + " failed: " + e.getMessage(), e));
      }
      return;
    } catch (InterruptedException e) {
      return;
    }
    stream(schemas, collations, done, listener, false);
  }

  private void stream(Map<TableId, TableSchema> schemas, Map<Integer, Charset> collations, MysqlPosition from,
      ChangeListener listener, boolean announce) {
    synchronized (this) {
      if (closed.get()) {
        return;
      }
      binlog = new BinlogReader(catalog, config, schemas, collations, mariaDb, writesGtids, from, listener);
    }
    if (announce) {
      try {
        listener.onProgress(from);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    binlog.start();
  }

  /** Nothing to release: the server keeps binlogs by its retention settings, not by readers' progress. */
  @Override
  public void acknowledge(SourcePosition position) {
    // positions need no confirmation on MySQL
  }

  @Override
  public SourcePosition parsePosition(String serialized) {
    return MysqlPosition.parse(serialized);
  }

  /** The binlog bytes written after {@code position} (SHOW BINARY LOGS); -1 when unknown. */
  @Override
  public long lagBytes(SourcePosition position) {
    MysqlPosition p = (MysqlPosition) position;
    try (Connection c = catalog.connect()) {
      return MysqlCatalog.bytesAfter(c, p.file(), p.offset());
    } catch (SQLException | SourceException e) {
      LOG.debug("Could not measure lag: {}", e.toString());
      return -1;
    }
  }

  /** MySQL's fixes: {@code binlog_row_image=FULL}. */
  @Override
  public SourceAdvice advice() {
    return ADVICE;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    snapshotThread.stop();
    BinlogReader streaming;
    synchronized (this) {
      streaming = binlog;
    }
    if (streaming != null) {
      streaming.close();
    }
  }

  @Override
  public String toString() {
    return "MysqlSource[" + config + "]";
  }
}
