package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.spi.SourceException;
import io.changelake.api.spi.WriteMode;
import io.changelake.testkit.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slot the lake tables' positions need that is gone (dropped) or invalidated (past {@code
 * max_slot_wal_keep_size}): the sync refuses to start, naming the slot and the fix, and creates no new slot
 * (which would silently skip the changes in between).
 */
class LostSlotTest {
  @RegisterExtension
  static final PostgresExtension PG = new PostgresExtension();

  private PostgresServer pg;

  @TempDir
  Path warehouse;

  @BeforeEach
  void server() {
    pg = PG.server();
  }

  @Test
  void droppedSlotStopsTheSyncWithTheFix() throws Exception {
    Map<String, String> options = mirrorThenStop("dropped", "dropped_slot");
    pg.execute("dropped", "SELECT pg_drop_replication_slot('dropped_slot')",
        "INSERT INTO items VALUES (3, 'lost while no slot existed')");

    Throwable failure = startAndFail(options);

    assertTrue(failure.getMessage().contains("Replication slot 'dropped_slot'")
        && failure.getMessage().contains("does not exist") && failure.getMessage().contains("take a new snapshot"),
        failure.getMessage());
    assertEquals(Optional.empty(), walStatus("dropped", "dropped_slot"), "a new slot was created");
  }

  @Test
  void invalidatedSlotStopsTheSyncWithTheFix() throws Exception {
    Map<String, String> options = mirrorThenStop("invalid", "invalid_slot");
    pg.execute("invalid", "ALTER SYSTEM SET max_slot_wal_keep_size = '1MB'", "SELECT pg_reload_conf()");
    try {
      for (int i = 0; i < 4 && !Optional.of("lost").equals(walStatus("invalid", "invalid_slot")); i++) {
        pg.execute("invalid", "INSERT INTO items SELECT g, repeat('x', 200) FROM generate_series(100 + " + i
            + " * 20000, 100 + " + i + " * 20000 + 19999) g", "SELECT pg_switch_wal()", "CHECKPOINT");
      }
      assertEquals(Optional.of("lost"), walStatus("invalid", "invalid_slot"), "the slot was not invalidated");

      Throwable failure = startAndFail(options);

      assertTrue(failure.getMessage().contains("Replication slot 'invalid_slot'")
          && failure.getMessage().contains("invalidated") && failure.getMessage().contains("take a new snapshot"),
          failure.getMessage());
      assertEquals(Optional.of("lost"), walStatus("invalid", "invalid_slot"), "the lost slot was replaced");
    } finally {
      pg.execute("invalid", "ALTER SYSTEM RESET max_slot_wal_keep_size", "SELECT pg_reload_conf()");
    }
  }

  /** Mirrors a table of database {@code db} through {@code slot}, stops the sync, and returns its source options. */
  private Map<String, String> mirrorThenStop(String db, String slot) throws Exception {
    pg.createDatabase(db);
    pg.execute(db, "CREATE TABLE items (id bigint PRIMARY KEY, name text)", "INSERT INTO items VALUES (1, 'one')");
    Map<String, String> options = RunningSync.sourceOptions(pg, db, slot, "items");
    try (RunningSync sync = new RunningSync(request(options))) {
      sync.awaitMirrored(pg, db, "items", "id");
      pg.execute(db, "INSERT INTO items VALUES (2, 'streamed')");
      sync.awaitMirrored(pg, db, "items", "id");
      assertEquals(0, sync.stop());
    }
    return options;
  }

  private Throwable startAndFail(Map<String, String> options) throws Exception {
    try (RunningSync sync = new RunningSync(request(options))) {
      Throwable failure = sync.awaitFailure();
      assertInstanceOf(SourceException.class, failure, () -> String.valueOf(failure));
      assertEquals(ExitCode.SOURCE, ErrorHandler.exitCode(failure));
      return failure;
    }
  }

  private SyncRequest request(Map<String, String> options) {
    return RunningSync.request(options, warehouse.resolve("lake").toString(), WriteMode.UPSERT, List.of());
  }

  private Optional<String> walStatus(String db, String slot) throws Exception {
    try (Connection c = pg.connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT wal_status FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
      return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
    }
  }
}
