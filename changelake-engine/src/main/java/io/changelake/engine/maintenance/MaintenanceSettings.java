package io.changelake.engine.maintenance;

import io.changelake.api.spi.MaintenancePolicy;
import java.time.Duration;
import java.time.Instant;

/** Parsed {@link MaintenanceConfig}: see its options for each field. */
public record MaintenanceSettings(boolean enabled, Duration interval, Duration snapshotRetention, int retainLast,
    Duration orphanAge, int compactDeletePercent, int compactFiles) {

  /** The policy of a round at {@code now}. */
  public MaintenancePolicy policy(Instant now) {
    return new MaintenancePolicy(snapshotRetention, retainLast, orphanAge, now);
  }
}
