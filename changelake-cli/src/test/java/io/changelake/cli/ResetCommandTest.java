package io.changelake.cli;

import static io.changelake.cli.ResetFixtures.DAMAGED;
import static io.changelake.cli.ResetFixtures.damageBoth;
import static io.changelake.cli.ResetFixtures.forEachTable;
import static io.changelake.cli.ResetFixtures.ids;
import static io.changelake.cli.ResetFixtures.range;
import static io.changelake.cli.ResetFixtures.reset;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableSnapshot;
import io.changelake.api.spi.WriteMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code changelake reset} against a real PostgreSQL, in every format at once, with the sync stopped ({@link
 * LiveResetTest}: while it runs): a lake table that lost rows is copied again when the sync starts, replacing its
 * rows in one commit per format (no version of it in between is empty or partial), while the pipeline's other table
 * streams on and is not copied; the request is cleared once the copy is committed. Refusals: an unknown table, a
 * source that cannot copy a table alone, a pipeline's only table, no confirmation.
 */
class ResetCommandTest {
  private static final String DB = "resets";

  @RegisterExtension
  static final PostgresExtension PG = PostgresExtension.withDatabase(DB, ResetFixtures.keptAndDamaged());

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
      assertEquals(0, first.stop());
    }
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
    Map<String, Long> damagedAt = damageBoth(lake);
    PG.server().execute(DB, "UPDATE damaged SET name = 'changed while stopped' WHERE id = 100");

    try (RunningSync second = new RunningSync(request)) {
      PG.server().execute(DB, "UPDATE kept SET name = 'streamed' WHERE id BETWEEN 8 AND 20", "INSERT INTO kept VALUES (201, 'new')",
          "DELETE FROM kept WHERE id = 200");
      second.awaitMirrored(PG.server(), DB, "damaged", "id");
      // kept resumed: it takes the streamed changes, and the row deleted in the lake alone stays missing
      ResetFixtures.awaitResumedWithoutLostRow(second, PG.server(), DB);
      second.await("the request to be cleared", () -> !Files.exists(requestFile));
      assertEquals(0, second.stop());
    }

    TreeSet<Long> all = range(1, 200);
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
}
