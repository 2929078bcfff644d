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
 * table over; the owner then goes on as before.
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
        "INSERT INTO items SELECT i, 'item ' || i FROM generate_series(1, 100) i");
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
}
