package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.spi.WriteMode;
import io.changelake.testkit.PostgresServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stopped and started again (same data directory, same port) while the sync streams into
 * Iceberg, Delta and Paimon at once: the stream reconnects and goes on, and every table equals the
 * source row by row, with changes made before the stop, in large transactions up to it (one is likely
 * broken off while streamed, and resent whole by the server), and after the start. That the decoder
 * hands over exactly what it had not yet, with the same positions, is {@code PgOutputDecoderTest}'s.
 *
 * <p>The server is stopped with an immediate shutdown: a fast one waits for the sync to confirm the end
 * of the WAL, which it does only after a commit.
 */
class PostgresRestartTest {
  private static final String DB = "restart";

  @RegisterExtension
  static final PostgresExtension PG = new PostgresExtension();

  @TempDir
  Path warehouse;

  @Test
  void theSyncReconnectsAfterARestartAndLosesAndRepeatsNothing() throws Exception {
    PostgresServer pg = PG.server();
    pg.createDatabase(DB);
    pg.execute(DB, "CREATE TABLE ledger (id bigint PRIMARY KEY, note text)",
        "INSERT INTO ledger SELECT i, 'before start ' || i FROM generate_series(1, 1000) i");
    Map<String, String> options = new java.util.LinkedHashMap<>(
        RunningSync.sourceOptions(pg, DB, "restart_slot", "ledger"));
    options.put("reconnect.backoff", "300ms");
    try (RunningSync sync = new RunningSync(RunningSync.request(options, warehouse.toString(), WriteMode.UPSERT,
        List.of("id"), RunningSync.ALL_FORMATS))) {
      sync.awaitMirrored(pg, DB, "ledger", "id");
      AtomicLong nextId = new AtomicLong(1001);
      AtomicBoolean writing = new AtomicBoolean(true);
      // large transactions right up to the stop, so that one is likely broken off while streamed
      Thread writer = new Thread(() -> {
        while (writing.get()) {
          long from = nextId.get();
          try {
            pg.execute(DB, "BEGIN; INSERT INTO ledger SELECT i, 'during ' || i FROM generate_series(" + from
                + ", " + (from + 1999) + ") i; UPDATE ledger SET note = 'updated' WHERE id % 7 = 0 AND id < "
                + from + "; DELETE FROM ledger WHERE id = " + (from - 3) + "; COMMIT");
            nextId.addAndGet(2000);
          } catch (IllegalStateException serverDown) {
            return; // not committed: the server stopped
          }
        }
      }, "ledger-writer");
      writer.start();
      Thread.sleep(1500);
      pg.restart(Duration.ofSeconds(2));
      writing.set(false);
      writer.join();
      long from = nextId.get();
      pg.execute(DB, "INSERT INTO ledger SELECT i, 'after ' || i FROM generate_series(" + from + ", "
          + (from + 999) + ") i", "UPDATE ledger SET note = 'after' WHERE id % 5 = 0",
          "DELETE FROM ledger WHERE id % 11 = 0");
      sync.awaitMirrored(pg, DB, "ledger", "id");
      assertTrue(from > 3000, "the writer committed during the run: " + from);
      assertEquals(0, sync.stop(), sync.output::toString);
    }
  }
}
