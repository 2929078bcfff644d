package io.changelake.cli;

import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.spi.CommitKind;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.RowScan;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableSink;
import io.changelake.api.spi.TableSnapshot;
import io.changelake.api.spi.TableWriter;
import io.changelake.testkit.PostgresServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/** What the tests of {@code changelake reset} do to lake tables, and the command itself. */
final class ResetFixtures {
  /** The lake table the tests damage and reset. */
  static final TableId DAMAGED = TableId.parse("lake.damaged");
  /** The lake table the tests leave to stream on. */
  static final TableId KEPT = TableId.parse("lake.kept");

  private ResetFixtures() { }

  /** The source tables {@code kept} and {@code damaged}, 200 rows each (ids 1 to 200), then {@code more}. */
  static String[] keptAndDamaged(String... more) {
    return Stream.concat(Stream.of(
        "CREATE TABLE kept (id bigint PRIMARY KEY, name text)",
        "CREATE TABLE damaged (id bigint PRIMARY KEY, name text)",
        "INSERT INTO kept SELECT i, 'kept ' || i FROM generate_series(1, 200) i",
        "INSERT INTO damaged SELECT i, 'damaged ' || i FROM generate_series(1, 200) i"), Stream.of(more))
        .toArray(String[]::new);
  }

  /**
   * Loses rows in every format of the lake tables in {@code warehouse}: ids 1 to 50 of {@link #DAMAGED}, id 7 of
   * {@link #KEPT} ({@link #deleteInLake}). Returns, by format, the version of {@link #DAMAGED} the loss made.
   */
  static Map<String, Long> damageBoth(Path warehouse) throws Exception {
    Map<String, Long> damagedAt = new TreeMap<>();
    forEachTable(warehouse, (format, sink) -> {
      damagedAt.put(format, deleteInLake(sink.find(DAMAGED).orElseThrow(), 1, 50));
      deleteInLake(sink.find(KEPT).orElseThrow(), 7, 7);
    });
    return damagedAt;
  }

  /** {@code changelake reset} of the sync of {@code options} into database {@code lake}, in every format. */
  static CommandResult reset(Map<String, String> options, Path warehouse, String... more) {
    List<String> args = new ArrayList<>(List.of("reset", "--warehouse", warehouse.toString(), "--database", "lake",
        "--format", String.join(",", RunningSync.ALL_FORMATS)));
    args.addAll(RunningSync.asFlags("--source-conf", options));
    args.addAll(List.of(more));
    return CommandResult.run(args.toArray(String[]::new));
  }

  /**
   * Deletes the rows with ids {@code from} to {@code to} straight from the lake table, in a commit that keeps the
   * table's position (changes lost on the way), and returns the version that commit made.
   */
  static long deleteInLake(SinkTable table, long from, long to) {
    CommitMetadata last = table.lastCommit().orElseThrow();
    try (TableWriter writer = table.newWriter()) {
      for (long id = from; id <= to; id++) {
        writer.delete(new RowKey(List.of(id)));
      }
      writer.commit(new CommitMetadata(last.position(), true, last.pipeline(), CommitKind.STREAM, null));
    }
    List<TableSnapshot> snapshots = table.snapshots();
    return snapshots.get(snapshots.size() - 1).id();
  }

  /** The ids of the rows of {@code table} at version {@code snapshot} (null: the latest). */
  static TreeSet<Long> ids(SinkTable table, Long snapshot) {
    TreeSet<Long> ids = new TreeSet<>();
    int id = table.schema().indexOf("id");
    try (RowScan scan = table.scan(snapshot)) {
      for (Row row : scan) {
        ids.add(((Number) row.get(id)).longValue());
      }
    }
    return ids;
  }

  /**
   * Waits until lake table {@code lake.kept} equals source table {@code kept} of {@code db} in every format of {@code
   * sync}, but for row 7, deleted from the lake alone: a table that resumed takes every streamed change and never
   * gets that row back (a copy of the table would).
   */
  static void awaitResumedWithoutLostRow(RunningSync sync, PostgresServer pg, String db) throws Exception {
    var source = TableComparison.source(pg, db, "kept", "id");
    source.remove("7|");
    for (String format : RunningSync.ALL_FORMATS) {
      sync.await(format + " kept to take every streamed change", () -> source.equals(TableComparison.project(
          TableComparison.lake(format, sync.location(format), "lake", "kept", "id"), source)));
    }
  }

  /** The ids {@code from} to {@code to}. */
  static TreeSet<Long> range(long from, long to) {
    TreeSet<Long> ids = new TreeSet<>();
    for (long id = from; id <= to; id++) {
      ids.add(id);
    }
    return ids;
  }

  interface SinkCheck {
    void accept(String format, TableSink sink) throws Exception;
  }

  /** Runs {@code check} on the sink of each format of {@code lake}'s warehouse. */
  static void forEachTable(Path lake, SinkCheck check) throws Exception {
    Map<String, TableSink> sinks = LakeFormats.openExisting(lake.toString(), RunningSync.ALL_FORMATS, Map.of());
    try {
      for (var entry : sinks.entrySet()) {
        check.accept(entry.getKey(), entry.getValue());
      }
    } finally {
      sinks.values().forEach(TableSink::close);
    }
  }
}
