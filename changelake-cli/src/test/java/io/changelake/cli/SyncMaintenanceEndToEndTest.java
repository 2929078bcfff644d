package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.TableId;
import io.changelake.api.spi.TableSink;
import io.changelake.api.spi.TableSnapshot;
import io.changelake.testkit.PostgresServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sync with {@code --maintenance-conf}: while changes stream, its maintenance rounds expire the old versions of the
 * Delta and Paimon tables it writes (their oldest retained version moves on), and the tables still equal the source
 * row by row, read with each format's own reader.
 */
class SyncMaintenanceEndToEndTest {
  @RegisterExtension
  static final PostgresExtension POSTGRES = new PostgresExtension();

  private final PostgresServer pg = POSTGRES.server();

  @TempDir
  Path warehouse;

  @Test
  void maintenanceRoundsExpireOldVersionsWhileTheSyncRuns() throws Exception {
    String db = "maintained";
    pg.createDatabase(db);
    pg.execute(db, "CREATE TABLE items (id int PRIMARY KEY, v text)", "INSERT INTO items VALUES (1, 'one')");
    List<String> args = new ArrayList<>(List.of("sync-table", "--warehouse", warehouse.toString(), "--database", "lake",
        "--format", "delta,paimon", "--commit-interval", "300ms", "--maintenance-conf", "interval=2s",
        "--maintenance-conf", "snapshot-retention=0s", "--maintenance-conf", "retain-last=2"));
    args.addAll(RunningSync.asFlags("--source-conf", RunningSync.sourceOptions(pg, db, "maintained_slot", "items")));
    try (RunningSync sync = RunningSync.ofCommandLine(args.toArray(String[]::new))) {
      sync.awaitMirrored(pg, db, "items", "id");
      long deltaFirst = oldest(sync, "delta");
      long paimonFirst = oldest(sync, "paimon");
      AtomicInteger key = new AtomicInteger(1);
      // each check changes a row too, so that commits (and with them maintenance rounds) keep landing
      sync.await("a maintenance round expiring old versions of both tables", () -> {
        pg.execute(db, "INSERT INTO items VALUES (" + key.incrementAndGet() + ", 'more')");
        return oldest(sync, "delta") > deltaFirst && oldest(sync, "paimon") > paimonFirst;
      });
      sync.awaitMirrored(pg, db, "items", "id");
      assertTrue(key.get() > 2, "commits landed between the rounds");
    }
  }

  /** The oldest version the {@code format} table of {@code items} retains. */
  private static long oldest(RunningSync sync, String format) {
    try (TableSink sink = Providers.sink(format).open(sync.location(format), Map.of(), Map.of())) {
      List<TableSnapshot> versions = sink.find(new TableId("lake", "items")).orElseThrow().snapshots();
      return versions.get(0).id();
    }
  }
}
