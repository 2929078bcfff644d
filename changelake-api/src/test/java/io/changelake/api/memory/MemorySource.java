package io.changelake.api.memory;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.ChangeListener;
import io.changelake.api.spi.Source;
import io.changelake.api.spi.SourceTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A source whose changes a test emits by hand, for unit tests of what drives sources. After
 * {@link #start} each {@code emit} call hands one change to the listener on the caller's thread, at
 * the next position ({@link MemoryPosition}s numbered from 1, snapshot reads inside the snapshot);
 * acknowledgements are recorded.
 */
public final class MemorySource implements Source {
  private final List<SourceTable> tables;
  private final boolean splitsKeyChanges;
  private final boolean copiesTablesAlone;
  private final boolean startsTablesAlone;
  private volatile Set<TableId> copies = Set.of();
  private volatile Set<TableId> starts = Set.of();
  private final List<SourcePosition> acknowledged = new CopyOnWriteArrayList<>();
  private volatile ChangeListener listener;
  private volatile Optional<SourcePosition> resumedFrom;
  private long next = 1;

  /** A source of {@code tables} that reports a key change as one UPDATE. */
  public MemorySource(List<SourceTable> tables) {
    this(tables, false);
  }

  public MemorySource(List<SourceTable> tables, boolean splitsKeyChanges) {
    this(tables, splitsKeyChanges, false);
  }

  /** @param copiesTablesAlone whether the source may be started with tables to copy alone */
  public MemorySource(List<SourceTable> tables, boolean splitsKeyChanges, boolean copiesTablesAlone) {
    this(tables, splitsKeyChanges, copiesTablesAlone, false);
  }

  /**
   * @param copiesTablesAlone whether the source may be started with tables to copy alone
   * @param startsTablesAlone whether the source may be started with tables to start alone
   */
  public MemorySource(List<SourceTable> tables, boolean splitsKeyChanges, boolean copiesTablesAlone,
      boolean startsTablesAlone) {
    this.tables = List.copyOf(tables);
    this.splitsKeyChanges = splitsKeyChanges;
    this.copiesTablesAlone = copiesTablesAlone;
    this.startsTablesAlone = startsTablesAlone;
  }

  @Override
  public List<SourceTable> discover() {
    return tables;
  }

  @Override
  public void start(Optional<SourcePosition> resumeFrom, ChangeListener listener) {
    start(resumeFrom, Set.of(), listener);
  }

  @Override
  public boolean copiesTablesAlone() {
    return copiesTablesAlone;
  }

  /** Records the tables to copy; the test emits their rows as SNAPSHOT changes, then {@link #copied}. */
  @Override
  public void start(Optional<SourcePosition> resumeFrom, Set<TableId> copies, ChangeListener listener) {
    if (!copies.isEmpty() && !copiesTablesAlone) {
      throw new UnsupportedOperationException("This memory source does not copy tables alone");
    }
    this.copies = Set.copyOf(copies);
    this.listener = listener;
    this.resumedFrom = resumeFrom;
  }

  @Override
  public boolean startsTablesAlone() {
    return startsTablesAlone;
  }

  /** Records the tables to start alone; the test emits their changes from where it likes (see {@link #rewindTo}). */
  @Override
  public void start(Optional<SourcePosition> resumeFrom, Set<TableId> copies, Set<TableId> starts,
      ChangeListener listener) {
    if (!starts.isEmpty() && !startsTablesAlone) {
      throw new UnsupportedOperationException("This memory source does not start tables alone");
    }
    this.starts = Set.copyOf(starts);
    start(resumeFrom, copies, listener);
  }

  /** The tables {@link #start} was asked to start alone. */
  public Set<TableId> starts() {
    return starts;
  }

  /** The tables {@link #start} was asked to copy alone. */
  public Set<TableId> copies() {
    return copies;
  }

  /** Says that every row of {@code table}'s copy was emitted, the copy being consistent with {@code position}. */
  public void copied(TableId table, SourcePosition position) throws InterruptedException {
    started().onTableCopied(table, position);
  }

  /** Where {@link #start} was asked to resume from; null before it was called and after {@link #close}. */
  public Optional<SourcePosition> resumedFrom() {
    return resumedFrom;
  }

  /** Moves the next position to {@code offset}, as a source restarted at an older position re-sends. */
  public void rewindTo(long offset) {
    next = offset;
  }

  /** The next change's position. */
  public MemoryPosition nextPosition(Operation operation) {
    return new MemoryPosition(next, operation == Operation.SNAPSHOT);
  }

  /** Builds the next change of {@code table} (not emitted). */
  public ChangeEvent change(TableId table, Operation operation, TableSchema schema, Row before, Row after) {
    return new ChangeEvent(table, operation, schema, before, after, new MemoryPosition(next++,
        operation == Operation.SNAPSHOT), Instant.now());
  }

  /** Builds the next change of {@code table} in its discovered schema (not emitted). */
  public ChangeEvent change(TableId table, Operation operation, Row before, Row after) {
    return change(table, operation, schemaOf(table), before, after);
  }

  /** Emits the next change of {@code table} in its discovered schema; returns it. */
  public ChangeEvent emit(TableId table, Operation operation, Row before, Row after) throws InterruptedException {
    ChangeEvent event = change(table, operation, before, after);
    started().onChange(event);
    return event;
  }

  /** Emits {@code event} as it is. */
  public void emit(ChangeEvent event) throws InterruptedException {
    started().onChange(event);
  }

  /** Reports that everything up to the last position handed out was emitted (e.g. the snapshot ended). */
  public MemoryPosition progress() throws InterruptedException {
    MemoryPosition position = MemoryPosition.at(next++);
    started().onProgress(position);
    return position;
  }

  /** Reports that the next change, one of {@code table}, cannot be read; returns its position. */
  public MemoryPosition unreadable(TableId table, String reason) throws InterruptedException {
    MemoryPosition position = new MemoryPosition(next++, false);
    started().onUnreadable(table, position, reason);
    return position;
  }

  /** Stops the source with {@code error}. */
  public void fail(Throwable error) {
    started().onFailure(error);
  }

  private ChangeListener started() {
    if (listener == null) {
      throw new IllegalStateException("start() was not called");
    }
    return listener;
  }

  private TableSchema schemaOf(TableId table) {
    return tables.stream().filter(t -> t.id().equals(table)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("No table " + table)).schema();
  }

  @Override
  public void acknowledge(SourcePosition position) {
    acknowledged.add(position);
  }

  /** Every acknowledged position, in order. */
  public List<SourcePosition> acknowledged() {
    return new ArrayList<>(acknowledged);
  }

  @Override
  public SourcePosition parsePosition(String serialized) {
    return MemoryPosition.parse(serialized);
  }

  @Override
  public boolean splitsKeyChanges() {
    return splitsKeyChanges;
  }

  /** Stops emitting; a later {@link #start} plays a restart. */
  @Override
  public void close() {
    listener = null;
    resumedFrom = null;
  }
}
