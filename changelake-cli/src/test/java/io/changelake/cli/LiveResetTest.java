package io.changelake.cli;

import static io.changelake.cli.ResetFixtures.DAMAGED;
import static io.changelake.cli.ResetFixtures.damageBoth;
import static io.changelake.cli.ResetFixtures.deleteInLake;
import static io.changelake.cli.ResetFixtures.forEachTable;
import static io.changelake.cli.ResetFixtures.ids;
import static io.changelake.cli.ResetFixtures.range;
import static io.changelake.cli.ResetFixtures.reset;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.TableId;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableSnapshot;
import io.changelake.api.spi.WriteMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code changelake reset} beside a running sync, against a real PostgreSQL, in every format at once: the sync picks
 * the request up by itself and copies the table alone while changes keep arriving on both tables; the copy lands as
 * one commit per format (every version written after the damage holds the old rows or the whole copy, never an
 * empty or half table), the other table keeps committing from where it was (never copied), the status stays
 * RUNNING throughout, and at the end both tables equal the source row by row. A SIGTERM while the copy is in flight
 * stops cleanly and leaves the request, and the next start finishes it.
 */
class LiveResetTest {
  private static final String DB = "live_resets";

  @RegisterExtension
  static final PostgresExtension PG = PostgresExtension.withDatabase(DB, ResetFixtures.keptAndDamaged(
      "CREATE TABLE other (id bigint PRIMARY KEY, name text)",
      "CREATE TABLE slow (id bigint PRIMARY KEY, name text)",
      "INSERT INTO other SELECT i, 'other ' || i FROM generate_series(1, 200) i",
      "INSERT INTO slow SELECT i, 'slow ' || i FROM generate_series(1, 200) i",
      // once row security is on, a role that does not bypass it reads a row of slow every 50 ms
      "CREATE FUNCTION slow_row() RETURNS boolean LANGUAGE sql VOLATILE AS 'SELECT true FROM pg_sleep(0.05)'",
      "CREATE POLICY slow_reads ON slow FOR SELECT USING (slow_row())",
      "CREATE PUBLICATION term_slot_pub FOR TABLE other, slow"));

  @TempDir
  Path dir;

  @Test
  void aRunningSyncCopiesTheTableAloneWhileBothTablesTakeChanges() throws Exception {
    Map<String, String> options = RunningSync.sourceOptions(PG.server(), DB, "live_slot", "kept|damaged");
    Path lake = dir.resolve("lake");
    SyncRequest request = RunningSync.request(options, lake.toString(), WriteMode.UPSERT, List.of(),
        RunningSync.ALL_FORMATS);
    Path requestFile = lake.resolve(".changelake/reset/live_slot/lake.damaged");
    Map<String, Long> damagedAt = new TreeMap<>();
    Set<String> notRunning = ConcurrentHashMap.newKeySet();
    AtomicBoolean writing = new AtomicBoolean(true);
    ExecutorService executor = Executors.newSingleThreadExecutor();
    Instant resetAt;
    try (RunningSync sync = new RunningSync(request)) {
      sync.awaitMirrored(PG.server(), DB, "kept", "id");
      sync.awaitMirrored(PG.server(), DB, "damaged", "id");
      // rows lost in both lake tables, while no change arrives (so no commit of the sync's meets these)
      damagedAt.putAll(damageBoth(lake));
      // changes keep arriving on both tables (never on the rows lost, so every version's ids tell what it holds),
      // and the status file is read all along
      Future<?> writer = executor.submit(() -> {
        for (int i = 0; writing.get(); i++) {
          PG.server().execute(DB, "UPDATE kept SET name = 'change " + i + "' WHERE id = " + (8 + i % 190),
              "INSERT INTO kept VALUES (" + (1000 + i) + ", 'insert " + i + "')",
              "UPDATE damaged SET name = 'change " + i + "' WHERE id = " + (51 + i % 150));
          StatusFile.readAll(lake.toString()).stream().filter(s -> !s.state().equals("RUNNING"))
              .forEach(s -> notRunning.add(s.state() + ": " + s.error()));
          Thread.sleep(50);
        }
        return null;
      });
      sync.await("kept to take changes", () -> PipelineCommits.of("iceberg", sync.location("iceberg"), "kept").size()
          > 3);

      resetAt = Instant.now();
      CommandResult recorded = reset(options, lake, "--yes", "lake.damaged");
      assertEquals(0, recorded.code(), recorded::toString);
      long pid = ProcessHandle.current().pid();
      assertEquals("Pipeline live_slot: lake table lake.damaged (iceberg, delta, paimon) will be copied again from"
          + " source table public.damaged by the running sync (pid " + pid + ") within 2 seconds, once it committed"
          + " what is in flight, alone, while the other tables stream on. The copy replaces its rows in one commit"
          + " per format; readers see the old rows until then.\n"
          + "Recorded the reset of lake.damaged.\n"
          + "The sync deletes the request once the copy is committed in every format; if it stops before then, its"
          + " next start copies the table.\n", recorded.out());
      sync.await("the running sync to copy lake.damaged and clear the request", () -> !Files.exists(requestFile));
      System.out.println("Live reset: request to copy committed in every format in "
          + Duration.between(resetAt, Instant.now()).toMillis() + " ms");
      int keptCommits = PipelineCommits.of("iceberg", sync.location("iceberg"), "kept").size();
      sync.await("kept to go on committing after the copy", () -> PipelineCommits.of("iceberg",
          sync.location("iceberg"), "kept").size() > keptCommits + 3);
      writing.set(false);
      writer.get(30, TimeUnit.SECONDS);

      sync.awaitMirrored(PG.server(), DB, "damaged", "id");
      // kept was not copied: the row lost in the lake alone stays missing
      ResetFixtures.awaitResumedWithoutLostRow(sync, PG.server(), DB);
      assertEquals(0, sync.stop());
    } finally {
      writing.set(false);
      executor.shutdownNow();
    }
    assertEquals(Set.of(), notRunning, "the status file left RUNNING while the sync ran");
    assertEquals("STOPPED", StatusFile.readAll(lake.toString()).get(0).state());

    TreeSet<Long> all = range(1, 200);
    TreeSet<Long> damaged = range(51, 200);
    forEachTable(lake, (format, sink) -> {
      SinkTable table = sink.find(DAMAGED).orElseThrow();
      List<TableSnapshot> snapshots = table.snapshots();
      int damagedIndex = snapshots.stream().map(TableSnapshot::id).toList().indexOf(damagedAt.get(format));
      int copies = 0;
      TreeSet<Long> previous = damaged;
      for (TableSnapshot snapshot : snapshots.subList(damagedIndex + 1, snapshots.size())) {
        TreeSet<Long> ids = ids(table, snapshot.id());
        assertTrue(ids.equals(damaged) || ids.equals(all), format + " version " + snapshot.id() + " ("
            + snapshot.operation() + ") holds neither the old rows nor the whole copy: a reader saw it half or"
            + " empty (" + ids.size() + " rows)");
        if (previous.equals(damaged) && ids.equals(all)) {
          copies++;
        }
        previous = ids;
      }
      assertEquals(1, copies, format + ": the versions that turn the table whole");
      assertEquals(all, previous, format + ": the last version");
    });
    for (String format : RunningSync.ALL_FORMATS) {
      List<TableSnapshot> kept = PipelineCommits.of(format, LakeFormats.location(lake.toString(), format, true),
          "kept");
      long longestPause = 0;
      Set<String> positionsSinceReset = new HashSet<>();
      for (int i = 1; i < kept.size(); i++) {
        String before = kept.get(i - 1).summary().get(CommitMetadata.POSITION);
        String after = kept.get(i).summary().get(CommitMetadata.POSITION);
        assertTrue(PositionOrder.compare(before, after) <= 0, format + " kept went back from " + before + " to "
            + after);
        if (!kept.get(i).committedAt().isBefore(resetAt)) {
          positionsSinceReset.add(after);
          longestPause = Math.max(longestPause,
              Duration.between(kept.get(i - 1).committedAt(), kept.get(i).committedAt()).toMillis());
        }
      }
      assertTrue(positionsSinceReset.size() > 3, format + " kept committed " + positionsSinceReset.size()
          + " positions since the reset");
      System.out.println("Live reset: longest pause between two " + format + " commits of kept since the reset: "
          + longestPause + " ms");
    }
  }

  @Test
  void aStopWhileTheCopyIsInFlightLeavesTheRequestForTheNextStart() throws Exception {
    // the sync reads as a role that row security applies to (not a superuser), so the copy reads slowly
    PG.server().createRole(DB, "syncer", "syncer-pw-3");
    PG.server().execute(DB, "ALTER ROLE syncer WITH REPLICATION");
    Map<String, String> options = RunningSync.sourceOptions(PG.server(), DB, "term_slot", "other|slow");
    options.put("username", "syncer");
    options.put("password", "syncer-pw-3");
    Path lake = dir.resolve("lake");
    Path requestFile = lake.resolve(".changelake/reset/term_slot/lake.slow");
    TableId slow = TableId.parse("lake.slow");
    SyncProcess first = SyncProcess.startSyncTable(lake, options);
    try {
      awaitMirrored(first, lake, "slow");
      awaitMirrored(first, lake, "other");
      forEachTable(lake, (format, sink) -> deleteInLake(sink.find(slow).orElseThrow(), 1, 50));
      PG.server().execute(DB, "ALTER TABLE slow ENABLE ROW LEVEL SECURITY");
      CommandResult recorded = reset(options, lake, "--yes", "lake.slow");
      assertEquals(0, recorded.code(), recorded::toString);
      assertTrue(first.awaitLog("Copying \\[public\\.slow\\] alone as of", 30_000), first::log);
      PG.server().execute(DB, "UPDATE other SET name = 'while the copy reads' WHERE id = 1");
    } finally {
      assertEquals(0, first.stop(), first::log);
    }
    assertFalse(first.fullLog().contains("Copied public.slow alone into"), first::log);
    assertTrue(Files.exists(requestFile), "the request of a copy that did not land is kept");
    forEachTable(lake, (format, sink) -> assertEquals(range(51, 200), ids(sink.find(slow).orElseThrow(), null),
        format + ": the old rows"));
    assertEquals("STOPPED", StatusFile.readAll(lake.toString()).get(0).state());

    PG.server().execute(DB, "ALTER TABLE slow DISABLE ROW LEVEL SECURITY");
    SyncProcess second = SyncProcess.startSyncTable(lake, options);
    try {
      await(second, "the request to be cleared", () -> !Files.exists(requestFile));
      awaitMirrored(second, lake, "slow");
      awaitMirrored(second, lake, "other");
    } finally {
      assertEquals(0, second.stop(), second::log);
    }
  }

  /** Waits until lake table {@code table} equals the source in every format, while {@code sync} runs. */
  private static void awaitMirrored(SyncProcess sync, Path lake, String table) throws Exception {
    for (String format : RunningSync.ALL_FORMATS) {
      String location = LakeFormats.location(lake.toString(), format, true);
      await(sync, format + " " + table + " to equal the source",
          () -> TableComparison.same(PG.server(), DB, table, format, location, "lake", table, "id"));
    }
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void await(SyncProcess sync, String what, Condition condition) throws Exception {
    Instant deadline = Instant.now().plusSeconds(90);
    while (Instant.now().isBefore(deadline)) {
      assertTrue(sync.isAlive(), () -> "The sync ended while waiting for " + what + ":\n" + sync.log());
      if (condition.holds()) {
        return;
      }
      Thread.sleep(300);
    }
    throw new AssertionError("Timed out waiting for " + what + ":\n" + sync.log());
  }
}
