package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.changelake.engine.pipeline.CommitReport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusFileTest {
  @TempDir
  Path warehouse;

  @Test
  void aRoundThatOnlyAcknowledgesKeepsTheLagItHadEvenWhenItHadNone() throws Exception {
    StatusFile status = StatusFile.forWarehouse(warehouse.toString(), "p1");

    // a resumed sync's first round may only move the acknowledged position: no change, so no lag
    status.committed(new CommitReport(Instant.now(), List.of(), 0, 0, "0/16B3748", null, 0));
    StatusFile.Status first = StatusFile.readAll(warehouse.toString()).get(0);
    assertNull(first.lagSeconds());
    assertEquals("0/16B3748", first.acknowledged());

    status.committed(new CommitReport(Instant.now(), List.of(), 1, 5, "0/16B3800", Duration.ofMillis(1500), 0));
    status.committed(new CommitReport(Instant.now(), List.of(), 0, 0, "0/16B3900", null, 0));
    StatusFile.Status last = StatusFile.readAll(warehouse.toString()).get(0);
    assertEquals(1.5, last.lagSeconds());
    assertEquals("0/16B3900", last.acknowledged());
  }
}
