package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak test, outside the default suite ({@code mvn -Psoak verify}): {@code soak.rounds} rounds (50 by
 * default; {@code -Dsoak.rounds=3} for a short run) of a sync process killed with kill -9 at a random
 * moment while it streams and the source keeps changing, each followed by a new process that must bring
 * both tables of Iceberg, Delta and Paimon to equal the source row by row, without a duplicate key, and
 * leave no Iceberg history going back in time. That process is the one the next round kills.
 */
@Tag("soak")
class KillNineSoakTest {
  @RegisterExtension
  static final PostgresExtension PG = new PostgresExtension();

  @TempDir
  Path warehouse;

  @Test
  void everyRoundOfKillNineEndsWithTheLakeEqualToTheSource() throws Exception {
    int rounds = Integer.getInteger("soak.rounds", 50);
    KillNineRig rig = new KillNineRig(PG.server(), "soak", warehouse);
    rig.createTables();
    SyncProcess sync = rig.startSync();
    rig.awaitMirrored(180);
    Random random = new Random(Long.getLong("soak.seed", 4242));
    for (int round = 1; round <= rounds; round++) {
      rig.startWriting();
      try {
        rig.killWhileStreaming(sync, random, "round " + round + "/" + rounds);
      } finally {
        rig.stopWriting();
      }
      sync = rig.startSync();
      try {
        rig.awaitMirrored(180);
      } catch (AssertionError | RuntimeException e) {
        SyncProcess failed = sync;
        failed.kill();
        throw new AssertionError("Round " + round + "/" + rounds + ": " + e.getMessage() + "\n" + failed.log(), e);
      }
    }
    SyncProcess last = sync;
    assertEquals(0, last.stop(), () -> "SIGTERM must commit what is in flight and exit 0:\n" + last.log());
  }
}
