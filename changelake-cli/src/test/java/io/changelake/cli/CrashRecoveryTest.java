package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the sync process at random moments, during the snapshot and during streaming, while
 * the source keeps changing, with every table written in Iceberg, Delta and Paimon: after a final
 * clean run every table of every format equals the source exactly and holds no duplicate key (no
 * format is left behind or ahead of the others), and no Iceberg table's history ever went back in time.
 * {@code KillNineSoakTest} repeats this 50 times, comparing after each round.
 */
class CrashRecoveryTest {
  @RegisterExtension
  static final PostgresExtension PG = new PostgresExtension();

  @TempDir
  Path warehouse;

  @Test
  void killNineAtRandomMomentsLosesAndDuplicatesNothing() throws Exception {
    KillNineRig rig = new KillNineRig(PG.server(), "crash", warehouse);
    rig.createTables();
    rig.startWriting();
    Random random = new Random(42);
    try {
      for (int round = 0; round < 6; round++) {
        SyncProcess sync = rig.startSync();
        if (round == 0) {
          // die inside the initial snapshot
          assertEquals(false, sync.waitFor(3000 + random.nextInt(1500)),
              () -> "the sync died on its own:\n" + sync.log());
          sync.kill();
        } else {
          // die while streaming: after this process committed at least once, at a random moment
          rig.killWhileStreaming(sync, random, "round " + round);
        }
      }
    } finally {
      rig.stopWriting();
    }
    SyncProcess last = rig.startSync();
    int exit;
    try {
      rig.awaitMirrored(120);
    } finally {
      exit = last.stop();
    }
    assertEquals(0, exit, () -> "SIGTERM must commit what is in flight and exit 0:\n" + last.log());
    rig.assertIcebergNeverWentBack();
  }
}
