package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.changelake.api.spi.WriteMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code changelake reset} against a real PostgreSQL, in every format at once: a lake table that lost rows is
 * copied again when the sync restarts, replacing its rows in one commit per format (no version of it in between
 * is empty or partial), while the pipeline's other table streams on and is not copied; the request is cleared
 * once the copy is committed. Refusals: an unknown table, a source that cannot copy a table alone, a pipeline's
 * only table, no confirmation.
 */
class ResetCommandTest {
  private static final String DB = "resets";
  private static final TableId DAMAGED = TableId.parse("lake.damaged");
  private static final TableId KEPT = TableId.parse("lake.kept");

  @RegisterExtension
  static final PostgresExtension PG = PostgresExtension.withDatabase(DB,
      "CREATE TABLE kept (id bigint PRIMARY KEY, name text)",
      "CREATE TABLE damaged (id bigint PRIMARY KEY, name text)",
      "INSERT INTO kept SELECT i, 'kept ' || i FROM generate_series(1, 200) i",
      "INSERT INTO damaged SELECT i, 'damaged ' || i FROM generate_series(1, 200) i");

  @TempDir
  Path dir;

  @Test
  void copiesTheTableAgainInOneCommitWhileTheOtherStreams() throws Exception {
    Map<String, String> options = RunningSync.sourceOptions(PG.server(), DB, "reset_slot", "kept|damaged");
    Path lake = dir.resolve("lake");
    SyncRequest request = RunningSync.request(options, lake.toString(), WriteMode.UPSERT, List.of(),
        RunningSync.ALL_FORMATS);
    Path requestFile = lake.resolve(".changelake/reset/reset_slot/lake.damaged");
    try (RunningSync first = new RunningSync(request)) {
      first.awaitMirrored(PG.server(), DB, "kept", "id");
      first.awaitMirrored(PG.server(), DB, "damaged", "id");

      CommandResult running = reset(options, lake, "--yes", "lake.damaged");
      assertEquals(ExitCode.SOURCE, running.code(), running::toString);
      assertTrue(running.err().contains("The sync of pipeline reset_slot runs (pid " + ProcessHandle.current().pid()
          + "). Stop it first"), running.err());
      assertEquals(0, first.stop());
    }
    assertFalse(Files.exists(requestFile), "recorded while the sync runs");
    CommandResult unconfirmed = reset(options, lake, "lake.damaged");
    assertEquals(ExitCode.USAGE, unconfirmed.code(), unconfirmed::toString);
    assertTrue(unconfirmed.err().contains("stdin is not a terminal. Add --yes"), unconfirmed.err());
    assertFalse(Files.exists(requestFile), "recorded without confirmation");

    CommandResult recorded = reset(options, lake, "--yes", "lake.damaged");
    assertEquals(0, recorded.code(), recorded::toString);
    assertEquals("Pipeline reset_slot: lake table lake.damaged (iceberg, delta, paimon) will be copied again from"
        + " source table public.damaged when the sync starts next, alone, while the other tables stream on. The"
        + " copy replaces its rows in one commit per format; readers see the old rows until then.\n"
        + "Recorded the reset of lake.damaged.\n"
        + "Start the sync of pipeline reset_slot with the same flags to copy the table.\n", recorded.out());
    assertTrue(Files.exists(requestFile), "the request is recorded");
    Map<String, Long> damagedAt = new TreeMap<>();
    forEachTable(lake, (format, sink) -> {
      damagedAt.put(format, deleteInLake(sink.find(DAMAGED).orElseThrow(), 1, 50));
      deleteInLake(sink.find(KEPT).orElseThrow(), 7, 7);
    });
    PG.server().execute(DB, "UPDATE damaged SET name = 'changed while stopped' WHERE id = 100");

    try (RunningSync second = new RunningSync(request)) {
      PG.server().execute(DB, "UPDATE kept SET name = 'streamed' WHERE id <= 20", "INSERT INTO kept VALUES (201, 'new')",
          "DELETE FROM kept WHERE id = 200");
      second.awaitMirrored(PG.server(), DB, "damaged", "id");
      // kept resumed: it takes the streamed changes, and the row deleted in the lake alone stays missing (a copy
      // would have brought it back)
      var keptSource = TableComparison.source(PG.server(), DB, "kept", "id");
      keptSource.remove("7");
      for (String format : RunningSync.ALL_FORMATS) {
        second.await(format + " kept to take the streamed changes", () -> keptSource.equals(
            TableComparison.project(TableComparison.lake(format, second.location(format), "lake", "kept", "id"),
                keptSource)));
      }
      second.await("the request to be cleared", () -> !Files.exists(requestFile));
      assertEquals(0, second.stop());
    }

    TreeSet<Long> all = new TreeSet<>();
    for (long id = 1; id <= 200; id++) {
      all.add(id);
    }
    forEachTable(lake, (format, sink) -> {
      SinkTable table = sink.find(DAMAGED).orElseThrow();
      List<TableSnapshot> snapshots = table.snapshots();
      int damagedIndex = snapshots.stream().map(TableSnapshot::id).toList().indexOf(damagedAt.get(format));
      List<TableSnapshot> after = snapshots.subList(damagedIndex + 1, snapshots.size());
      assertFalse(after.isEmpty(), format + ": no commit after the damage");
      assertEquals(all.tailSet(51L), ids(table, damagedAt.get(format)), format + ": the damaged version");
      for (TableSnapshot snapshot : after) {
        assertEquals(all, ids(table, snapshot.id()), format + " version " + snapshot.id() + " (" + snapshot.operation()
            + ") is not the whole table: a reader saw it half or empty");
      }
    });
  }

  @Test
  void refusesAnUnknownTableASourceThatCannotCopyAloneAndAPipelinesOnlyTable() {
    Path lake = dir.resolve("lake");
    Map<String, String> options = RunningSync.sourceOptions(PG.server(), DB, "refused_slot", "kept|damaged");

    CommandResult unknown = reset(options, lake, "--yes", "lake.missing");
    assertEquals(ExitCode.TABLE, unknown.code(), unknown::toString);
    assertTrue(unknown.err().contains("Pipeline refused_slot mirrors no lake table lake.missing: its tables are"
        + " lake.damaged, lake.kept. Name one of them"), unknown.err());

    options.put("scan.startup.mode", "latest-offset");
    CommandResult cannotCopy = reset(options, lake, "--yes", "lake.damaged");
    assertEquals(ExitCode.TABLE, cannotCopy.code(), cannotCopy::toString);
    assertTrue(cannotCopy.err().contains("A reset of public.damaged is refused: this source cannot copy one table"
        + " while it streams the others"), cannotCopy.err());
    assertTrue(cannotCopy.err().contains("Nothing was recorded."), cannotCopy.err());

    Map<String, String> single = RunningSync.sourceOptions(PG.server(), DB, "single_slot", "kept");
    CommandResult only = reset(single, lake, "--yes", "lake.kept");
    assertEquals(ExitCode.TABLE, only.code(), only::toString);
    assertTrue(only.err().contains("A reset of public.kept is refused: it would copy every table of the pipeline"
        + " again"), only.err());
    assertFalse(Files.exists(lake.resolve(".changelake/reset")), "a refused reset recorded something");
  }

  private static CommandResult reset(Map<String, String> options, Path warehouse, String... more) {
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
  private static long deleteInLake(SinkTable table, long from, long to) {
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

  /** The ids of the rows of {@code table} at version {@code snapshot}. */
  private static TreeSet<Long> ids(SinkTable table, long snapshot) {
    TreeSet<Long> ids = new TreeSet<>();
    int id = table.schema().indexOf("id");
    try (RowScan scan = table.scan(snapshot)) {
      for (Row row : scan) {
        ids.add(((Number) row.get(id)).longValue());
      }
    }
    return ids;
  }

  private interface SinkCheck {
    void accept(String format, TableSink sink) throws Exception;
  }

  private static void forEachTable(Path lake, SinkCheck check) throws Exception {
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
