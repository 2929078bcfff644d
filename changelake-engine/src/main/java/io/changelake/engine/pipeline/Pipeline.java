package io.changelake.engine.pipeline;

import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.Source;
import io.changelake.api.spi.SourceAdvice;
import io.changelake.api.spi.SourceTable;
import io.changelake.api.spi.TableSink;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.WriteMode;
import io.changelake.engine.mirror.ChangeLog;
import io.changelake.engine.mirror.TableMirror;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source mirrored into lake tables: {@link #prepare} checks the source and opens (or creates)
 * every lake table before anything is captured; {@link #run} captures until {@link #stop}.
 */
public final class Pipeline {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  private final CommitLoop loop;
  private final Optional<SourcePosition> resumeFrom;
  private final List<TableMapping> tables;

  /** A source table and the lake table it is mirrored to. */
  public record TableMapping(TableId source, TableId lake, String format, TableSchema lakeSchema, boolean resumed) { }

  private Pipeline(CommitLoop loop, Optional<SourcePosition> resumeFrom, List<TableMapping> tables) {
    this.loop = loop;
    this.resumeFrom = resumeFrom;
    this.tables = List.copyOf(tables);
  }

  /**
   * Discovers the source's tables, checks each can be mirrored in the chosen mode, and opens or
   * creates its lake table in every sink (one per format), named by {@code naming}. Writes no data.
   *
   * @throws PipelineException when a table cannot be mirrored as asked, naming the fix
   */
  public static Pipeline prepare(
      Source source,
      List<TableSink> sinks,
      PipelineSettings settings,
      Function<TableId, TableId> naming,
      PipelineListener listener) {
    return prepare(source, sinks, settings, naming, listener, owner -> false);
  }

  /**
   * As {@link #prepare(Source, List, PipelineSettings, Function, PipelineListener)}, taking over a lake table whose
   * last commit another pipeline made when {@code stopped} says that pipeline is known to have stopped (a warning
   * names it); otherwise such a table is refused.
   */
  public static Pipeline prepare(
      Source source,
      List<TableSink> sinks,
      PipelineSettings settings,
      Function<TableId, TableId> naming,
      PipelineListener listener,
      Predicate<String> stopped) {
    return prepare(source, sinks, settings, naming, listener, stopped, Set.of());
  }

  /**
   * As {@link #prepare(Source, List, PipelineSettings, Function, PipelineListener, Predicate)}, copying the lake
   * tables named in {@code resets} again (a reset): each is copied alone while the other tables stream, and the
   * copy replaces its rows in one commit per format, so readers see the old rows until then. A name the pipeline
   * does not mirror is ignored with a warning.
   *
   * @throws PipelineException when a reset cannot be done so ({@link #checkReset})
   */
  public static Pipeline prepare(
      Source source,
      List<TableSink> sinks,
      PipelineSettings settings,
      Function<TableId, TableId> naming,
      PipelineListener listener,
      Predicate<String> stopped,
      Set<TableId> resets) {
    List<SourceTable> discovered = source.discover();
    for (SourceTable table : discovered) {
      checkKey(table, settings, source.advice());
    }
    Map<TableId, TableId> lakeIds = lakeIds(discovered, naming);
    Set<TableId> reset = new LinkedHashSet<>();
    for (TableId lakeId : resets) {
      Optional<TableId> sourceId = lakeIds.entrySet().stream().filter(e -> e.getValue().equals(lakeId))
          .map(Map.Entry::getKey).findFirst();
      sourceId.ifPresentOrElse(reset::add, () -> LOG.warn("A reset was asked for lake table {}, which this pipeline"
          + " does not mirror: ignored", lakeId));
    }
    try {
      checkReset(source, discovered, settings, reset);
    } catch (PipelineException e) {
      throw new PipelineException(e.getMessage() + " The reset was asked before this start: to give it up, delete"
          + " its request (the log names where it is kept).", null);
    }
    List<LakeTable> lakeTables = new ArrayList<>();
    for (SourceTable table : discovered) {
      TableSchema schema = lakeSchema(table, settings);
      for (TableSink sink : sinks) {
        SinkTable lake = sink.open(lakeIds.get(table.id()), schema, modeOf(table, settings));
        checkOwner(lake, sink.format(), settings.name(), stopped, source.advice());
        SourcePosition position = reset.contains(table.id()) ? null
            : lake.lastCommit().map(c -> source.parsePosition(c.position())).orElse(null);
        lakeTables.add(new LakeTable(table, sink.format(), lake, position));
      }
    }
    // Resume when every table holds a position. When only some do (a table added to the pipeline, or a
    // format), a source that copies tables alone copies the others while it streams; a source that starts tables
    // alone reads the others from its beginning for them while the rest resume (a lake table of theirs that holds
    // a position keeps it and skips what it holds); otherwise the source starts over with an initial snapshot,
    // which replaces what any table already holds (a table left at an older snapshot would miss the changes
    // between the two). A table the source owns that holds no position yet (say, an errors table just asked for)
    // holds nothing to replace: it starts where the others resume.
    Set<TableId> unheld = new LinkedHashSet<>();
    lakeTables.stream().filter(t -> t.committed() == null && !t.source().sourceOwned())
        .forEach(t -> unheld.add(t.source().id()));
    long mirroredTables = discovered.stream().filter(t -> !t.sourceOwned()).count();
    boolean copyAlone = !unheld.isEmpty() && unheld.size() < mirroredTables
        && settings.mode() == WriteMode.UPSERT && source.copiesTablesAlone();
    boolean startAlone = !unheld.isEmpty() && !copyAlone && source.startsTablesAlone();
    boolean resuming = unheld.isEmpty() || copyAlone || startAlone;
    Set<TableId> copies = copyAlone ? unheld : Set.of();
    Set<TableId> starts = startAlone ? unheld : Set.of();
    Optional<SourcePosition> resume = resuming
        ? lakeTables.stream().filter(t -> !copies.contains(t.source().id())).map(LakeTable::committed)
            .filter(Objects::nonNull).min(Comparator.naturalOrder())
        : Optional.empty();
    resume.ifPresent(p -> LOG.info("Resuming from {}: every table holds the changes up to there", p.describe()));
    if (!reset.isEmpty()) {
      LOG.info("Resetting {}: copying {} again, alone, while the other tables stream", reset,
          reset.size() == 1 ? "it" : "them");
    }
    if (!copies.isEmpty() && !reset.containsAll(copies)) {
      LOG.info("Copying {} alone while the other tables stream: not every lake table of {} holds a commit yet",
          copies, copies.size() == 1 ? "it" : "them");
    }
    if (!starts.isEmpty() && resume.isPresent()) {
      LOG.info("Reading {} from the source's start for {} while the other tables resume: not every lake table of {}"
          + " holds a commit yet", starts, starts.size() == 1 ? "it" : "them", starts.size() == 1 ? "it" : "them");
    }
    Map<TableId, List<TableMirror>> mirrored = new LinkedHashMap<>();
    Map<TableMirror, String> formats = new IdentityHashMap<>();
    Map<TableId, Long> estimates = new LinkedHashMap<>();
    List<TableMapping> mappings = new ArrayList<>();
    for (LakeTable t : lakeTables) {
      boolean copied = copies.contains(t.source().id());
      if (!resuming && t.committed() != null) {
        LOG.info("{} table {} will be replaced by a new initial snapshot: not every table of the pipeline has"
            + " been committed yet", t.format(), t.lake().id());
      }
      TableMirror mirror = new TableMirror(t.source().id(), source, t.lake(),
          t.source().sourceOwned() ? settings.unshaped() : settings.mirror(), resuming && !copied ? t.committed() : null);
      mirrored.computeIfAbsent(t.source().id(), k -> new ArrayList<>()).add(mirror);
      formats.put(mirror, t.format());
      estimates.put(t.source().id(), t.source().estimatedRows());
      mappings.add(new TableMapping(t.source().id(), t.lake().id(), t.format(), t.lake().schema(),
          resuming && !copied && !starts.contains(t.source().id())));
    }
    return new Pipeline(new CommitLoop(source, mirrored, formats, copies, starts, estimates, settings, listener),
        resume, mappings);
  }

  /**
   * Refuses a lake table whose last commit another pipeline made: two pipelines writing one table would
   * interleave their changes, each resuming from the other's positions. A table committed by no named
   * pipeline (an empty name), or by one that {@code stopped} knows to have stopped (a MySQL or Kafka pipeline
   * whose derived name changed with its selection, say), is taken. Two pipelines that both pass this check (both
   * start before either commits) are told apart by the sinks: the commit of the second is refused (an {@link
   * io.changelake.api.spi.OwnerConflictException}, which ends that pipeline with this same error).
   *
   * @throws PipelineException naming the owner and how to take the table over deliberately
   */
  static void checkOwner(SinkTable lake, String format, String pipeline, Predicate<String> stopped,
      SourceAdvice advice) {
    String owner = lake.lastCommit().map(CommitMetadata::pipeline).orElse("");
    if (owner.isEmpty() || owner.equals(pipeline)) {
      return;
    }
    if (stopped.test(owner)) {
      LOG.warn("Taking over {} table {} from pipeline '{}', which has stopped; from now on pipeline '{}' writes it.",
          format, lake.id(), owner, pipeline);
    } else {
      throw ownedByAnother(format, lake.id(), owner, pipeline, "its last commit was made by it, and it is running or"
          + " nothing says it stopped", advice, null);
    }
  }

  /**
   * The error of a pipeline that finds lake table {@code lake} written by pipeline {@code owner}, for the reason
   * {@code why}: what to do to leave the table to its owner or to take it over (how to run as the owner in the
   * source's terms, from {@code advice}).
   */
  static PipelineException ownedByAnother(String format, TableId lake, String owner, String pipeline, String why,
      SourceAdvice advice, Throwable cause) {
    return new PipelineException(format + " table " + lake + " belongs to pipeline '" + owner + "' (" + why
        + "), not to this pipeline '" + pipeline + "'; two pipelines writing one table would"
        + " interleave their changes. If '" + owner + "' should go on, leave the table to it (write this pipeline"
        + " into another --database). To take the table over deliberately, stop '" + owner + "' and either "
        + advice.runAs(owner) + ", or drop the lake table so that this pipeline copies it anew; then remove '"
        + owner + "' with changelake destroy.", cause);
  }

  /**
   * Checks that the source tables {@code reset} can be copied again alone while the pipeline's other tables
   * stream: the copy then replaces each one's rows in one commit. That needs a source that copies tables alone,
   * upsert mode (an append-mode table is a log of changes, which a copy cannot rebuild), tables the pipeline
   * mirrors (not ones the source owns), and at least one other table to stream.
   *
   * @throws PipelineException naming what stands in the way and what to do instead
   */
  public static void checkReset(Source source, List<SourceTable> discovered, PipelineSettings settings,
      Set<TableId> reset) {
    if (reset.isEmpty()) {
      return;
    }
    String what = "A reset of " + String.join(", ", reset.stream().map(TableId::toString).toList());
    for (SourceTable table : discovered) {
      if (reset.contains(table.id()) && table.sourceOwned()) {
        throw new PipelineException(what + " is refused: " + table.id() + " is a table the source writes itself,"
            + " not a copy of a source table, so there is nothing to copy again.", null);
      }
    }
    if (settings.mode() != WriteMode.UPSERT) {
      throw new PipelineException(what + " is refused: the pipeline writes in append mode, where a lake table is"
          + " the log of every change, which a copy of the source table cannot rebuild. Keep the log, or drop the"
          + " lake table and start a new pipeline for it.", null);
    }
    if (!source.copiesTablesAlone()) {
      throw new PipelineException(what + " is refused: this source cannot copy one table while it streams the"
          + " others (a stream of records, such as a topic, can only be read again from an earlier offset, which"
          + " replays changes rather than copying the table). To rebuild the table, stop the sync, drop the lake"
          + " table in every format and start the sync again: a table that holds no commit is mirrored anew, which"
          + (source.startsTablesAlone() ? " with this source reads that table again from the source's start while"
              + " the other tables resume." : " with this source starts every table of the pipeline over."), null);
    }
    long others = discovered.stream().filter(t -> !t.sourceOwned() && !reset.contains(t.id())).count();
    if (others == 0) {
      throw new PipelineException(what + " is refused: it would copy every table of the pipeline again, and a"
          + " reset copies a table alone while the others stream from where they are. Reset fewer tables at a"
          + " time; a pipeline of this one table has nothing else to stream: stop the sync, drop the lake table in"
          + " every format and start the sync again to mirror it anew.", null);
    }
  }

  /** A source table's lake table in one format, and the position it holds. */
  private record LakeTable(SourceTable source, String format, SinkTable lake, SourcePosition committed) { }

  /**
   * Each source table's lake table, named by {@code naming}, in discovery order. A table the source owns keeps its
   * name, in the namespace {@code naming} gives.
   *
   * @throws PipelineException when two source tables would be mirrored to the same lake table
   */
  public static Map<TableId, TableId> lakeIds(List<SourceTable> tables, Function<TableId, TableId> naming) {
    Map<TableId, TableId> lakeIds = new LinkedHashMap<>();
    for (SourceTable table : tables) {
      TableId lakeId = table.sourceOwned() ? new TableId(naming.apply(table.id()).namespace(), table.id().name())
          : naming.apply(table.id());
      lakeIds.entrySet().stream().filter(e -> e.getValue().equals(lakeId)).findFirst().ifPresent(e -> {
        throw new PipelineException("Source tables " + e.getKey() + " and " + table.id() + " would both be"
            + " mirrored to lake table " + lakeId + ". Select one source table, or let each keep its own name.", null);
      });
      lakeIds.put(table.id(), lakeId);
    }
    return lakeIds;
  }

  /**
   * Checks that {@code table} can take {@code settings}' mode: in upsert mode it has a primary key, or
   * {@code --primary-keys} names columns it has. A table the source owns has its own mode and is not checked.
   *
   * @throws PipelineException naming the problem and the options
   */
  public static void checkKey(SourceTable table, PipelineSettings settings, SourceAdvice advice) {
    if (table.sourceOwned() || settings.mode() != WriteMode.UPSERT) {
      return;
    }
    if (!settings.primaryKeys().isEmpty()) {
      for (String column : settings.primaryKeys()) {
        if (table.schema().indexOf(column) < 0) {
          throw new PipelineException("--primary-keys names column '" + column + "', which " + table.id()
              + " does not have. Its columns: " + String.join(", ", table.schema().columnNames()), null);
        }
      }
      return;
    }
    if (!table.schema().hasPrimaryKey()) {
      throw new PipelineException("Table " + table.id() + " has no primary key, so upsert mode cannot tell which"
          + " row a change replaces. Options: (1) --primary-keys <columns> naming a unique key, and "
          + advice.sendKeyColumns(table.id()) + ";"
          + " (2) --mode append to record every change as a row; (3) add a primary key to the table.", null);
    }
  }

  /** The mode {@code table} is written in: its own if the source owns it, else the pipeline's. */
  public static WriteMode modeOf(SourceTable table, PipelineSettings settings) {
    return table.sourceOwned() ? table.ownMode() : settings.mode();
  }

  /**
   * The schema of the lake table that mirrors {@code table} with {@code settings}: the transforms' output (type
   * mapping, computed and metadata columns), the change columns in append mode, the key of {@code --primary-keys}
   * in upsert mode. A table the source owns takes none of the pipeline's shaping. What {@link #prepare} creates a
   * new lake table from.
   */
  public static TableSchema lakeSchema(SourceTable table, PipelineSettings settings) {
    if (table.sourceOwned()) {
      return table.ownMode() == WriteMode.APPEND ? ChangeLog.schemaFor(table.schema()) : table.schema();
    }
    TableSchema source = settings.transforms().outputSchema(table.schema());
    if (settings.mode() == WriteMode.APPEND) {
      return ChangeLog.schemaFor(source);
    }
    return settings.primaryKeys().isEmpty() ? source : source.withPrimaryKey(settings.primaryKeys());
  }

  public List<TableMapping> tables() {
    return tables;
  }

  /** Whether the pipeline continues from positions its tables already hold (no initial snapshot). */
  public boolean resuming() {
    return resumeFrom.isPresent();
  }

  /**
   * Captures and commits until {@link #stop()}; then commits what is in flight and returns.
   *
   * @throws PipelineException when the source fails or a commit's outcome is unknown
   */
  public void run() {
    loop.run(resumeFrom);
  }

  /** Requests a clean stop; thread-safe. */
  public void stop() {
    loop.stop();
  }
}
