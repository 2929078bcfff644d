package io.changelake.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitLogTest {
  @TempDir
  Path dir;

  @Test
  void rateRunsFromThePipelineStartToTheCommitReachingTheTotal() throws Exception {
    Path log = dir.resolve("sync.log");
    Files.write(log, List.of(
        "20:52:40.000 INFO SyncRunner - Starting pipeline bench: postgres {...}",
        "20:52:41.000 INFO SyncRunner - Mirroring public.orders -> iceberg lakehouse.orders (resuming)",
        "20:52:41.250 INFO PgOutputStream - Streaming slot 'bench' from 0/1 with changelake's pgoutput reader",
        "20:52:45.000 INFO changelake - Committed 1 table(s), 10,000 change(s); lag 23.8 s, 1 bytes; source acknowledged up to 0/2",
        "20:52:47.000 INFO changelake - Committed 1 table(s), 60,000 change(s); lag 1.0 s, 1 bytes; source acknowledged up to 0/3",
        "20:52:49.000 INFO changelake - Committed 1 table(s), 30,000 change(s); lag 1.0 s, 1 bytes; source acknowledged up to 0/4",
        "20:52:59.000 INFO changelake - Committed 1 table(s), 1 change(s); lag 0.3 s, 0 bytes; source acknowledged up to 0/5"));
    assertEquals(100_000 / 8.0, CommitLog.changesPerSecondFromPipelineStart(log, 100_000), 1e-9);
    assertTrue(Double.isNaN(CommitLog.changesPerSecondFromPipelineStart(log, 500_000)), "never reached");
  }

  @Test
  void aLogWithoutTheStartLineHasNoRate() throws Exception {
    Path log = dir.resolve("sync.log");
    Files.write(log, List.of(
        "20:52:45.000 INFO changelake - Committed 1 table(s), 10,000 change(s); lag 23.8 s, 1 bytes; source acknowledged up to 0/2"));
    assertTrue(Double.isNaN(CommitLog.changesPerSecondFromPipelineStart(log, 10_000)));
  }
}
