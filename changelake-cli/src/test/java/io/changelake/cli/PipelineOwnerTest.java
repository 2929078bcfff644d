package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.spi.WriteMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second pipeline (another replication slot) pointed at a lake table that a first one writes, in each
 * format: it is refused before it writes anything, with a message naming the owner and how to take the
 * table over; the owner then goes on as before. Two pipelines started together on a table neither wrote yet:
 * one writes it, the other is refused alike.
 */
class PipelineOwnerTest {
  private static final String DB = "owner";

  @RegisterExtension
  static final PostgresExtension PG = new PostgresExtension();

  @TempDir
  Path dir;

  @BeforeAll
  static void tables() {
    PG.server().createDatabase(DB);
    PG.server().execute(DB, "CREATE TABLE items (id bigint PRIMARY KEY, name text)",
        "INSERT INTO items SELECT i, 'item ' || i FROM generate_series(1, 100) i",
        "CREATE TABLE raced (id bigint PRIMARY KEY, name text)",
        "INSERT INTO raced SELECT i, 'raced ' || i FROM generate_series(1, 2000) i");
  }

  @ParameterizedTest
  @ValueSource(strings = {"iceberg", "delta", "paimon"})
  void aSecondPipelineIsRefusedAndTheOwnerGoesOn(String format) throws Exception {
    String lake = dir.resolve("lake").toString();
    Map<String, String> owner = RunningSync.sourceOptions(PG.server(), DB, "owner_" + format, "items");
    try (RunningSync first = new RunningSync(RunningSync.request(owner, lake, WriteMode.UPSERT, List.of(),
        List.of(format)))) {
      first.awaitMirrored(PG.server(), DB, "items", "id");

      Map<String, String> intruder = RunningSync.sourceOptions(PG.server(), DB, "intruder_" + format, "items");
      try (RunningSync second = new RunningSync(RunningSync.request(intruder, lake, WriteMode.UPSERT, List.of(),
          List.of(format)))) {
        String message = second.awaitFailure().getMessage();
        assertTrue(message.contains(format + " table lake.items belongs to pipeline 'owner_" + format + "'"),
            message);
        assertTrue(message.contains("not to this pipeline 'intruder_" + format + "'"), message);
        assertTrue(message.contains("slot.name=owner_" + format), message);
      }

      PG.server().execute(DB, "UPDATE items SET name = 'changed' WHERE id <= 10", "DELETE FROM items WHERE id > 90");
      first.awaitMirrored(PG.server(), DB, "items", "id");
      assertEquals(0, first.stop());
    } finally {
      PG.server().execute(DB, "DELETE FROM items", "INSERT INTO items SELECT i, 'item ' || i FROM generate_series(1, 100) i");
    }
  }

  /**
   * Two pipelines started together on a source table no lake table mirrors yet, in each format: both may find the
   * lake table without an owner, yet only the first to commit writes it; the other ends with the owner error naming
   * both pipelines and the fix (whether its start found the table taken or its first commit was refused), and the
   * lake table equals the source row by row, then and after more changes.
   */
  @ParameterizedTest
  @ValueSource(strings = {"iceberg", "delta", "paimon"})
  void ofTwoPipelinesStartedTogetherOneWritesTheTable(String format) throws Exception {
    String lake = dir.resolve("lake").toString();
    List<String> names = List.of("racer_a_" + format, "racer_b_" + format);
    try (RunningSync a = new RunningSync(RunningSync.request(
            RunningSync.sourceOptions(PG.server(), DB, names.get(0), "raced"), lake, WriteMode.UPSERT, List.of(),
            List.of(format)));
        RunningSync b = new RunningSync(RunningSync.request(
            RunningSync.sourceOptions(PG.server(), DB, names.get(1), "raced"), lake, WriteMode.UPSERT, List.of(),
            List.of(format)))) {
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (!a.finished() && !b.finished() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      boolean aLost = a.finished();
      RunningSync winner = aLost ? b : a;
      String owner = names.get(aLost ? 1 : 0);
      String loser = names.get(aLost ? 0 : 1);
      String message = (aLost ? a : b).awaitFailure().getMessage();
      assertTrue(message.contains(format + " table lake.raced belongs to pipeline '" + owner + "'"), message);
      assertTrue(message.contains("not to this pipeline '" + loser + "'"), message);
      assertTrue(message.contains("slot.name=" + owner), message);

      winner.awaitMirrored(PG.server(), DB, "raced", "id");
      PG.server().execute(DB, "UPDATE raced SET name = 'changed' WHERE id <= 10", "DELETE FROM raced WHERE id > 1990");
      winner.awaitMirrored(PG.server(), DB, "raced", "id");
      assertEquals(0, winner.stop());
    } finally {
      PG.server().execute(DB, "DELETE FROM raced",
          "INSERT INTO raced SELECT i, 'raced ' || i FROM generate_series(1, 2000) i");
    }
  }
}
