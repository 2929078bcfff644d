package io.changelake.engine.mirror;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.schema.SchemaChange;
import io.changelake.api.schema.SchemaEvolution;
import io.changelake.api.spi.CommitKind;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.Source;
import io.changelake.api.spi.SourceAdvice;
import io.changelake.api.spi.TableWriter;
import io.changelake.api.spi.WriteMode;
import io.changelake.engine.transform.ColumnTransforms;
import io.changelake.engine.transform.ComputedColumnException;
import io.changelake.engine.transform.RowTransform;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One source table mirrored into one lake table: skips what the lake table already holds, follows
 * schema changes, gathers changes (snapshot rows and append-mode rows stream into an open writer,
 * upsert-mode changes fold by key, values an update left out filled from the lake row), shapes rows
 * by the lake table's columns and the transforms, and commits them with the source position inside
 * the table commit.
 *
 * <p>A mirror knows no threads, no schedule and no other table; a runtime drives it. The commit loop
 * of the command is one driver; a Kafka Connect sink task or a Flink operator would be another:
 * <ol>
 *   <li>open the lake table and create the mirror with the position its last commit holds
 *       ({@code lake.lastCommit()}, parsed by the source), or null for a table taking an initial snapshot;
 *   <li>for each change of the table, skip it when {@link #alreadyHolds} (a change re-sent after a
 *       restart), else {@link #accept} it;
 *   <li>at a checkpoint (a Connect {@code flush}/{@code preCommit}, a Flink checkpoint barrier), when
 *       every change up to position P has been accepted, {@link #commit commit(P)}: the lake table
 *       then holds every change up to P, and P is in its commit. Only after that may the runtime tell
 *       the source (or Kafka, or the checkpoint) that P is done. A runtime that writes while it
 *       gathers the next changes uses {@link #stage}, {@link #write} (on any one thread) and
 *       {@link #committed} instead, one commit at a time, in order;
 *   <li>a {@link MirrorException} stops this table only: {@link #suspend} it and keep its position
 *       unacknowledged until a person fixes the cause; any other exception from {@link #write} is the
 *       sink's, and a {@link io.changelake.api.spi.CommitStateUnknownException} means the runtime
 *       must acknowledge nothing and restart from what the table holds.
 * </ol>
 * After a restart the mirror resumes from the position in the lake table's last commit, so the source
 * (or the topic) must be replayed from at most that position; re-sent changes are skipped, none is
 * applied twice. A table the source copies alone takes its copied rows and its streamed changes alike,
 * and is committed first with {@link #copied} once the source says at which position the copy holds.
 *
 * <p>Not thread-safe: one thread at a time, except {@link #write}, see there.
 */
public final class TableMirror {
  private final TableId source;
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
  /** Rows written into {@link #writer} since it opened. */
  private long writerRows;
  private Instant newestSourceTime;
  /** When the source committed the oldest change taken and not yet staged, or null. */
  private Instant oldestPendingSourceTime;
  private long totalChanges;
  private long commits;
  private long rowsWritten;
  private Duration commitLag;
  private Instant lastCommit;
  /** The position of the last change taken, where pending rows are committed before a schema change. */
  private SourcePosition lastTaken;
  /** The table was truncated after the point its copy is consistent with: the copy's further rows are void. */
  private boolean copyVoid;
  /** The open writer holds snapshot rows. */
  private boolean snapshotRowsPending;

  /**
   * @param source the source table mirrored
   * @param origin the source the table's changes come from: how it reports key changes, its fix-it texts
   * @param lake the lake table written; its mode says whether changes fold by key or append as rows
   * @param committed the position the runtime resumes this table from, or null when the source
   *     starts with an initial snapshot: then rows the lake table already holds are replaced by it
   */
  public TableMirror(TableId source, Source origin, SinkTable lake, MirrorSettings settings,
      SourcePosition committed) {
    this.source = source;
    this.origin = origin;
    this.advice = origin.advice();
    this.lake = lake;
    this.keyOverride = settings.primaryKeys();
    this.pipeline = settings.pipeline();
    this.transforms = settings.transforms();
    this.committed = committed;
    var last = lake.lastCommit();
    this.snapshotComplete = committed != null && last.map(CommitMetadata::snapshotComplete).orElse(false);
    this.replaceOnCommit = committed == null && last.isPresent();
    this.lastCommit = last.map(CommitMetadata::committedAt).orElse(null);
  }

  public TableId source() {
    return source;
  }

  /** The lake table, for maintenance between commits (from the thread that commits it). */
  public SinkTable lake() {
    return lake;
  }

  public TableId lakeId() {
    return lake.id();
  }

  /** The position the lake table holds every change up to, or null before its first commit. */
  public SourcePosition committed() {
    return committed;
  }

  /** Whether the table's initial snapshot is committed. */
  public boolean snapshotComplete() {
    return snapshotComplete;
  }

  public boolean suspended() {
    return suspendedReason != null;
  }

  /** Why this table is suspended, or null when it is not. */
  public String suspendedReason() {
    return suspendedReason;
  }

  /** Changes taken since the last {@link #stage}. */
  public long pendingChanges() {
    return pendingChanges;
  }

  /** Changes committed since this mirror was created. */
  public long totalChanges() {
    return totalChanges;
  }

  /** When the table was last committed, or null when never. */
  public Instant lastCommit() {
    return lastCommit;
  }

  /** Lake commits since this mirror was created. */
  public long commits() {
    return commits;
  }

  /** Rows written to the lake table since this mirror was created: inserted, replaced or deleted, after folding. */
  public long rowsWritten() {
    return rowsWritten;
  }

  /**
   * At the last commit that held changes: from the source's commit of the newest change in it to the lake
   * commit (zero when the clocks disagree); null before the first.
   */
  public Duration commitLag() {
    return commitLag;
  }

  /**
   * When the source committed the oldest change this table took that is not committed yet (staged changes of
   * a commit being written count as committed); null when it holds every change it took.
   */
  public Instant pendingSince() {
    return oldestPendingSourceTime;
  }

  /** Whether this event is already in the lake table (so it must be skipped). */
  public boolean alreadyHolds(ChangeEvent event) {
    return holds(event.position());
  }

  /** Whether the lake table already holds the change at {@code position}. */
  public boolean holds(SourcePosition position) {
    if (position.inSnapshot()) {
      return snapshotComplete;
    }
    return committed != null && position.compareTo(committed) <= 0;
  }

  /**
   * Takes one change of this table that it does not already hold. A schema change while rows of the
   * old schema are in an open writer commits those first, at the position of the change taken before.
   *
   * @throws MirrorException when the table cannot take the change (incompatible schema, missing key,
   *     failing computed column): suspend it
   */
  public void accept(ChangeEvent event) {
    try {
      take(event);
    } catch (FlushFirstException e) {
      if (snapshotRowsPending && !event.position().inSnapshot()) {
        throw new MirrorException("The columns of " + source + " changed while the table was being copied. Restart"
            + " the sync: it copies the table again, with its new columns.");
      }
      commit(lastTaken);
      take(event);
    }
    lastTaken = event.position();
  }

  private void take(ChangeEvent event) {
    if (lake.mode() == WriteMode.APPEND && movesKey(event)) {
      // recorded as a source that splits key changes sends it: the old key deleted, the new one inserted
      take(new ChangeEvent(event.table(), Operation.DELETE, event.schema(), sentValues(event.before()), null,
          event.position(), event.sourceTime()));
      take(new ChangeEvent(event.table(), Operation.INSERT, event.schema(), null, event.after(),
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
        throw new MirrorException(e.getMessage() + " (table " + source + ", key " + event.keyRow() + "). Fix the"
            + " expression or the data, then restart.");
      }
    }
    if (copyVoid && event.operation() == Operation.SNAPSHOT) {
      return;
    }
    followSchema(event.schema());
    newestSourceTime = event.sourceTime();
    if (oldestPendingSourceTime == null) {
      oldestPendingSourceTime = event.sourceTime();
    }
    pendingChanges++;
    snapshotRowsPending |= event.operation() == Operation.SNAPSHOT;
    if (lake.mode() == WriteMode.APPEND) {
      openWriter().insert(lastProjection.apply(ChangeLog.rowFor(event)));
      writerRows++;
    } else if (event.operation() == Operation.SNAPSHOT) {
      openWriter().insert(lastProjection.apply(event.after()));
      writerRows++;
    } else if (event.operation() == Operation.TRUNCATE) {
      truncate();
    } else {
      if (fold == null) {
        fold = new KeyedFold(lakeSchema, origin.splitsKeyChanges(), this::refill);
      }
      try {
        fold.add(event);
      } catch (KeyedFold.MissingKeyException e) {
        throw new MirrorException(e.getMessage() + " of " + source + " (" + event.operation() + "). The source"
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
    copyVoid = !snapshotComplete;
  }

  /** Forgets the rows and changes gathered for the next commit. */
  private void dropPending() {
    if (writer != null) {
      writer.abort();
      writer.close();
      writer = null;
    }
    writerRows = 0;
    fold = null;
    oldestPendingSourceTime = null;
    snapshotRowsPending = false;
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
        throw new MirrorException(e.getMessage());
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

  /**
   * Writes what is pending, if anything, and commits it with {@code position}, on this thread: the
   * lake table then holds every change up to {@code position}. Call only once every change of the
   * table up to {@code position} has been taken.
   *
   * @throws io.changelake.api.spi.CommitStateUnknownException when the commit may or may not have landed
   */
  public void commit(SourcePosition position) {
    MirrorCommit staged = stage(position, false);
    if (staged != null) {
      write(staged);
      committed(staged);
    }
  }

  /**
   * Commits the rows of the table's copy (its SNAPSHOT changes) at {@code position}, the stream position
   * the copy is consistent with ({@link io.changelake.api.spi.ChangeListener#onTableCopied}), on this
   * thread. The streamed changes taken meanwhile, all after {@code position}, stay pending for the next
   * commit; until this call the driver must not {@link #stage} the table, nor acknowledge a position at or
   * after the first of those changes.
   *
   * @throws io.changelake.api.spi.CommitStateUnknownException when the commit may or may not have landed
   */
  public void copied(SourcePosition position) {
    long streamed = fold == null ? 0 : fold.changes();
    MirrorCommit copy = new MirrorCommit(position, pendingChanges - streamed, writerRows, newestSourceTime, writer,
        null, replaceOnCommit, replaceOnCommit ? CommitKind.RESET : CommitKind.SNAPSHOT);
    writer = null;
    writerRows = 0;
    replaceOnCommit = false;
    copyVoid = false;
    snapshotRowsPending = false;
    pendingChanges = streamed;
    write(copy);
    committed(copy);
  }

  /**
   * Takes what is pending out of the table, to be committed with {@code position} by {@link #write}
   * while the table gathers the next changes. A table with nothing pending is staged only when {@code
   * always} (to record its first position).
   *
   * @return the staged commit, or null when there is nothing to commit
   */
  public MirrorCommit stage(SourcePosition position, boolean always) {
    if (!hasPending() && !always) {
      return null;
    }
    MirrorCommit staged = new MirrorCommit(position, pendingChanges, writerRows, newestSourceTime, writer, fold,
        replaceOnCommit, pendingKind());
    writer = null;
    writerRows = 0;
    oldestPendingSourceTime = null;
    fold = null;
    pendingChanges = 0;
    replaceOnCommit = false;
    snapshotRowsPending = false;
    return staged;
  }

  /**
   * What a commit of what is pending does: it copies the table when it holds rows of the table's copy, or when it
   * replaces the table's rows before the table's copy is committed (a copy with no rows, or a first commit that
   * replaces what an earlier pipeline run wrote); a copy that replaces rows is a reset. Anything else, a truncation
   * included, is a streamed round.
   */
  private CommitKind pendingKind() {
    if (!snapshotRowsPending && (snapshotComplete || !replaceOnCommit)) {
      return CommitKind.STREAM;
    }
    return replaceOnCommit ? CommitKind.RESET : CommitKind.SNAPSHOT;
  }

  /**
   * Writes a staged commit and commits it. Touches only the staged changes, the lake table and the bound
   * transforms (to refill rows), so it may run on another thread while this table takes changes, provided
   * none of those change meanwhile (see {@link #touchesLake}) and commits run in the order they were
   * staged.
   */
  public void write(MirrorCommit staged) {
    TableWriter out = staged.writer() != null ? staged.writer() : newWriter(staged.overwrite());
    try {
      if (staged.fold() != null) {
        writeFold(out, staged.fold(), staged.overwrite());
      }
      out.commit(new CommitMetadata(staged.position().serialize(), true, pipeline, staged.kind(), null));
    } finally {
      out.close();
    }
  }

  /** Records that a staged commit landed. */
  public void committed(MirrorCommit staged) {
    committed = staged.position();
    snapshotComplete = true;
    totalChanges += staged.changes();
    rowsWritten += staged.rows();
    commits++;
    lastCommit = Instant.now();
    if (staged.newestSourceTime() != null) {
      Duration lag = Duration.between(staged.newestSourceTime(), lastCommit);
      commitLag = lag.isNegative() ? Duration.ZERO : lag;
    }
  }

  /**
   * Whether taking this event may change the lake table's schema or open a writer, which must not
   * happen while a staged commit of this table is being written.
   */
  public boolean touchesLake(ChangeEvent event) {
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
        throw new MirrorException("An update of " + source + " key " + entry.key()
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
      throw new MirrorException(e.getMessage() + " (table " + source + "). Fix the expression or the data,"
          + " then restart.");
    }
  }

  /** Stops this table; what it had pending is discarded (the source will send it again). */
  public void suspend(String reason) {
    suspendedReason = reason;
    dropPending();
    pendingChanges = 0;
  }

  /** The schema changed while rows of the old schema are in an open writer: commit them first. */
  private static final class FlushFirstException extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }
}
