package io.changelake.api.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommitMetadataTest {
  private static final Instant AT = Instant.parse("2026-12-06T10:00:00Z");

  @Test
  void readsBackWhatItRecords() {
    for (CommitKind kind : CommitKind.values()) {
      CommitMetadata metadata = new CommitMetadata("lsn:1", true, "slot", kind, AT);
      assertEquals(metadata, CommitMetadata.fromProperties(metadata.properties(), AT));
    }
  }

  @Test
  void aCommitMadeBeforeKindsWereRecordedReadsAsBeforeWithAnUnknownKind() {
    Map<String, String> old = Map.of(CommitMetadata.POSITION, "lsn:1", CommitMetadata.SNAPSHOT_COMPLETE, "true",
        CommitMetadata.PIPELINE, "slot");
    assertEquals(new CommitMetadata("lsn:1", true, "slot", CommitKind.UNKNOWN, AT),
        CommitMetadata.fromProperties(old, AT));
    assertEquals(CommitKind.UNKNOWN, CommitKind.ofLabel("a-kind-of-a-later-version"));
  }

  @Test
  void labelsAreTheLowerCaseNames() {
    assertEquals("stream", CommitKind.STREAM.label());
    assertEquals(CommitKind.REPAIR, CommitKind.ofLabel("repair"));
    assertEquals(CommitKind.RESET, CommitKind.ofLabel(CommitKind.RESET.label()));
  }
}
