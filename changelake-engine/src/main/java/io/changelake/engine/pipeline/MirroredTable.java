package io.changelake.engine.pipeline;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.schema.SchemaChange;
import io.changelake.api.schema.SchemaEvolution;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.Source;
import io.changelake.api.spi.SourceAdvice;
import io.changelake.api.spi.TableWriter;
import io.changelake.api.spi.WriteMode;
import io.changelake.engine.transform.ColumnTransforms;
import io.changelake.engine.transform.ComputedColumnException;
import io.changelake.engine.transform.RowTransform;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One source table mirrored into one lake table: skips what the lake table already holds, follows
 * schema changes, gathers changes (snapshot rows and append-mode rows stream into an open writer,
 * upsert-mode changes fold by key) and commits them with a source position.
 */
final class MirroredTable {
  private final TableId source;
  private final String format;
  private final SinkTable lake;
  private final List<String> keyOverride;
  private final String pipeline;
  private final ColumnTransforms transforms;
  private final Source origin;
  private final SourceAdvice advice;

  private SourcePosition committed;
  private boolean snapshotComplete;
  /**
   * The next commit replaces the lake table's rows: it holds rows from an earlier initial snapshot that
   * the current one replaces, or the source table was truncated.
   */
  private boolean replaceOnCommit;
  private String suspendedReason;

  private TableSchema lastSourceSchema;
  private RowTransform transform;
  /** The bound transforms by their output schema (by identity), to refill rows of any schema seen. */
  private final Map<TableSchema, RowTransform> transformsByOutput = new IdentityHashMap<>();
  private TableSchema lastEventSchema;
  private TableSchema lastTargetSchema;
  /** The lake table's schema as of the last schema followed, read on the loop's thread only. */
  private TableSchema lakeSchema;
  private RowProjection lastProjection;

  private TableWriter writer;
  private KeyedFold fold;
  private long pendingChanges;
  private Instant newestSourceTime;
  private long totalChanges;
  private Instant lastCommit;

  /**
   * @param origin the source the table's changes come from: how it reports key changes, its fix-it texts
   * @param committed the position the pipeline resumes this table from, or null when the source
   *     starts with an initial snapshot: then rows the lake table already holds are replaced by it
   */
  MirroredTable(TableId source, Source origin, String format, SinkTable lake, PipelineSettings settings,
      SourcePosition committed) {
    this.source = source;
    this.origin = origin;
    this.advice = origin.advice();
    this.format = format;
    this.lake = lake;
    this.keyOverride = settings.primaryKeys();
    this.pipeline = settings.name();
    this.transforms = settings.transforms();
    this.committed = committed;
    var last = lake.lastCommit();
    this.snapshotComplete = committed != null && last.map(CommitMetadata::snapshotComplete).orElse(false);
    this.replaceOnCommit = committed == null && last.isPresent();
    this.lastCommit = last.map(CommitMetadata::committedAt).orElse(null);
  }

  TableId source() {
    return source;
  }

  String format() {
    return format;
  }

  TableId lakeId() {
    return lake.id();
  }

  SourcePosition committed() {
    return committed;
  }

  boolean snapshotComplete() {
    return snapshotComplete;
  }

  boolean suspended() {
    return suspendedReason != null;
  }

  /** Why this table is suspended, or null when it is not. */
  String suspendedReason() {
    return suspendedReason;
  }

  long pendingChanges() {
    return pendingChanges;
  }

  Instant newestSourceTime() {
    return newestSourceTime;
  }

  /** Whether this event is already in the lake table (so it must be skipped). */
  boolean alreadyHolds(ChangeEvent event) {
    if (event.position().inSnapshot()) {
      return snapshotComplete;
    }
    return committed != null && event.position().compareTo(committed) <= 0;
  }

  /**
   * Takes one change. Problems a person must fix (incompatible schema, missing key) suspend the table
   * by throwing {@link SuspendException}.
   */
  void accept(ChangeEvent event) {
    if (lake.mode() == WriteMode.APPEND && movesKey(event)) {
      // recorded as a source that splits key changes sends it: the old key deleted, the new one inserted
      accept(new ChangeEvent(event.table(), Operation.DELETE, event.schema(), sentValues(event.before()), null,
          event.position(), event.sourceTime()));
      accept(new ChangeEvent(event.table(), Operation.INSERT, event.schema(), null, event.after(),
          event.position(), event.sourceTime()));
      return;
    }
    if (event.schema() != lastSourceSchema) {
      if (!transforms.isNone()) {
        transform = transforms.bind(event.schema());
        transformsByOutput.put(transform.outputSchema(), transform);
      }
      lastSourceSchema = event.schema();
    }
    if (!transforms.isNone()) {
      try {
        event = transform.apply(event);
      } catch (ComputedColumnException e) {
        throw new SuspendException(e.getMessage() + " (table " + source + ", key " + event.keyRow() + "). Fix the"
            + " expression or the data, then restart.");
      }
    }
    followSchema(event.schema());
    newestSourceTime = event.sourceTime();
    pendingChanges++;
    if (lake.mode() == WriteMode.APPEND) {
      openWriter().insert(lastProjection.apply(ChangeLog.rowFor(event)));
    } else if (event.operation() == Operation.SNAPSHOT) {
      openWriter().insert(lastProjection.apply(event.after()));
    } else if (event.operation() == Operation.TRUNCATE) {
      truncate();
    } else {
      if (fold == null) {
        fold = new KeyedFold(lakeSchema, origin.splitsKeyChanges(), this::refill);
      }
      try {
        fold.add(event);
      } catch (KeyedFold.MissingKeyException e) {
        throw new SuspendException(e.getMessage() + " of " + source + " (" + event.operation() + "). The source"
            + " sends no key for this table's updates and deletes. Fix: give the table a primary key, or "
            + advice.sendOldRow(source) + ", then restart.");
      }
    }
  }

  /** Whether {@code event} is an UPDATE that moved its row to another key of the source table. */
  private static boolean movesKey(ChangeEvent event) {
    if (event.operation() != Operation.UPDATE || event.before() == null) {
      return false;
    }
    for (String column : event.schema().primaryKey()) {
      int position = event.schema().indexOf(column);
      if (!Objects.equals(event.before().get(position), event.after().get(position))) {
        return true;
      }
    }
    return false;
  }

  /** {@code row} with the values the source did not send as null, as a delete's before-image holds them. */
  private static Row sentValues(Row row) {
    Object[] values = row.copyValues();
    for (int i = 0; i < values.length; i++) {
      values[i] = values[i] == Row.UNAVAILABLE ? null : values[i];
    }
    return Row.of(values);
  }

  /**
   * Empties an upsert-mode table: what is pending is dropped, and the next commit replaces the table's
   * rows by the changes that follow the truncation.
   */
  private void truncate() {
    dropPending();
    replaceOnCommit = true;
  }

  /** Forgets the rows and changes gathered for the next commit. */
  private void dropPending() {
    if (writer != null) {
      writer.abort();
      writer.close();
      writer = null;
    }
    fold = null;
  }

  private TableWriter openWriter() {
    if (writer == null) {
      writer = newWriter(replaceOnCommit);
    }
    return writer;
  }

  private TableWriter newWriter(boolean overwrite) {
    TableWriter opened = lake.newWriter();
    if (overwrite) {
      opened.overwrite();
    }
    return opened;
  }

  private void followSchema(TableSchema eventSchema) {
    if (eventSchema == lastEventSchema) {
      return;
    }
    TableSchema target = lake.mode() == WriteMode.APPEND
        ? ChangeLog.schemaFor(eventSchema)
        : keyOverride.isEmpty() ? eventSchema : eventSchema.withPrimaryKey(keyOverride);
    if (!target.equals(lastTargetSchema)) {
      List<SchemaChange> changes;
      try {
        changes = SchemaEvolution.plan(source, lake.schema(), target);
      } catch (io.changelake.api.schema.IncompatibleSchemaChangeException e) {
        throw new SuspendException(e.getMessage());
      }
      if (!changes.isEmpty()) {
        if (writer != null) {
          throw new FlushFirstException();
        }
        lake.evolve(changes);
      }
      lastTargetSchema = target;
    }
    lastEventSchema = eventSchema;
    lakeSchema = lake.schema();
    lastProjection = new RowProjection(
        lake.mode() == WriteMode.APPEND ? ChangeLog.rowSchemaFor(eventSchema) : eventSchema, lakeSchema);
  }

  /** Whether a commit has anything to write for this table. */
  private boolean hasPending() {
    return writer != null || (fold != null && !fold.isEmpty()) || replaceOnCommit;
  }

  /** Writes what is pending, if anything, and commits it with {@code position}, on this thread. */
  void commitPending(SourcePosition position) {
    Staged staged = stage(position, false);
    if (staged != null) {
      write(staged);
      committed(staged);
    }
  }

  /**
   * Takes what is pending out of the table, to be committed with {@code position} by {@link #write}
   * while the table gathers the next changes. A table with nothing pending is staged only when {@code
   * always} (to record its first position).
   *
   * @return the staged commit, or null when there is nothing to commit
   */
  Staged stage(SourcePosition position, boolean always) {
    if (!hasPending() && !always) {
      return null;
    }
    Staged staged = new Staged(position, writer, fold, pendingChanges, replaceOnCommit);
    writer = null;
    fold = null;
    pendingChanges = 0;
    replaceOnCommit = false;
    return staged;
  }

  /**
   * Writes a staged commit and commits it. Touches only the staged changes, the lake table and the bound
   * transforms (to refill rows), so it may run on another thread while this table takes changes, provided
   * none of those change meanwhile (see {@link #touchesLake}) and commits run in the order they were
   * staged.
   */
  void write(Staged staged) {
    TableWriter out = staged.writer() != null ? staged.writer() : newWriter(staged.overwrite());
    try {
      if (staged.fold() != null) {
        writeFold(out, staged.fold(), staged.overwrite());
      }
      out.commit(new CommitMetadata(staged.position().serialize(), true, pipeline, null));
    } finally {
      out.close();
    }
  }

  /** Records that a staged commit landed. */
  void committed(Staged staged) {
    committed = staged.position();
    snapshotComplete = true;
    totalChanges += staged.changes();
    lastCommit = Instant.now();
  }

  /**
   * Whether taking this event may change the lake table's schema or open a writer, which must not
   * happen while a staged commit of this table is being written.
   */
  boolean touchesLake(ChangeEvent event) {
    return event.schema() != lastSourceSchema
        || (writer == null && (lake.mode() == WriteMode.APPEND || event.operation() == Operation.SNAPSHOT));
  }

  /**
   * Writes each key's final state. After a truncation ({@code emptied}) no key existed before the fold:
   * deletes have nothing to remove and updates are inserts.
   */
  private void writeFold(TableWriter out, KeyedFold fold, boolean emptied) {
    TableSchema lakeSchema = lake.schema();
    List<KeyedFold.Entry> unresolved = new ArrayList<>();
    for (KeyedFold.Entry entry : fold.entries()) {
      if (entry.row() != null && entry.row().hasUnavailable()) {
        unresolved.add(entry);
      }
    }
    if (!unresolved.isEmpty()) {
      resolveFromTable(unresolved);
    }
    RowProjection projection = null;
    TableSchema projectionSource = null;
    for (KeyedFold.Entry entry : fold.entries()) {
      Row row = entry.row();
      boolean existed = entry.existedBefore() && !emptied;
      if (row == null) {
        if (existed) {
          out.delete(entry.key());
        }
        continue;
      }
      if (entry.schema() != projectionSource) {
        projectionSource = entry.schema();
        projection = new RowProjection(projectionSource, lakeSchema);
      }
      Row projected = projection.apply(row);
      if (existed) {
        out.upsert(projected);
      } else {
        out.insert(projected);
      }
    }
  }

  private void resolveFromTable(List<KeyedFold.Entry> entries) {
    List<RowKey> keys = new ArrayList<>(entries.size());
    entries.forEach(e -> keys.add(e.storedUnder()));
    Map<RowKey, Row> stored = lake.lookup(keys);
    for (KeyedFold.Entry entry : entries) {
      Row current = stored.get(entry.storedUnder());
      if (current == null) {
        throw new SuspendException("An update of " + source + " key " + entry.key()
            + (entry.storedUnder().equals(entry.key()) ? "" : " (formerly key " + entry.storedUnder() + ")")
            + " left an unchanged value out, but the lake table holds no row for that key to take it"
            + " from. Fix: " + advice.sendUnchangedValues(source) + ", then drop the lake table "
            + lake.id() + " and restart the sync.");
      }
      entry.resolve(refill(KeyedFold.fillFrom(entry.row(), entry.schema(), current, lake.schema()), entry.schema()),
          entry.schema());
    }
  }

  /**
   * {@code row} with its computed columns evaluated again now that the values it left out are filled
   * in (a stored computed value is stale when the expression also reads changed columns).
   */
  private Row refill(Row row, TableSchema schema) {
    RowTransform bound = transformsByOutput.get(schema);
    if (bound == null) {
      return row;
    }
    try {
      return bound.recompute(row);
    } catch (ComputedColumnException e) {
      throw new SuspendException(e.getMessage() + " (table " + source + "). Fix the expression or the data,"
          + " then restart.");
    }
  }

  /** Stops this table; what it had pending is discarded (the source will send it again). */
  void suspend(String reason) {
    suspendedReason = reason;
    dropPending();
    pendingChanges = 0;
  }

  TableReport report(long committedNow) {
    TableState state = suspended() ? TableState.SUSPENDED
        : snapshotComplete ? TableState.STREAMING : TableState.SNAPSHOTTING;
    return new TableReport(source, lake.id(), format, state, Math.max(committedNow, 0), totalChanges, lastCommit,
        committed == null ? null : committed.describe(), suspendedReason);
  }

  /**
   * One commit of a table, taken out of it: the writer rows streamed into (snapshot, append mode), the
   * fold of upsert-mode changes, or neither (a commit that records a position only).
   */
  record Staged(SourcePosition position, TableWriter writer, KeyedFold fold, long changes, boolean overwrite) { }

  /** A problem that stops this table only. */
  static final class SuspendException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SuspendException(String message) {
      super(message);
    }
  }

  /** The schema changed while rows of the old schema are in an open writer: commit them first. */
  static final class FlushFirstException extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }
}
