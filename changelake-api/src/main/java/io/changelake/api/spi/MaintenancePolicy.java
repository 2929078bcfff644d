package io.changelake.api.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What {@link SinkTable#maintain} may remove: versions older than a retention, and files no version references.
 *
 * <p>A version is retained when it was committed at or after {@code now - snapshotRetention}, when it is one of
 * the {@code retainLast} newest, or when it is the newest pipeline commit (the one carrying {@link
 * CommitMetadata#POSITION}, which a restart resumes from) or newer. Retention is by age so that a reader
 * still reading an old version keeps its files for as long as the retention: set it above the longest query.
 *
 * @param snapshotRetention versions committed within this age of {@code now} are kept
 * @param retainLast the newest versions kept whatever their age; at least 1
 * @param orphanAge files that no version references are deleted only once they are at least this old, so that a
 *     commit still being written (its files not yet referenced) keeps them
 * @param now the time ages are measured from
 */
public record MaintenancePolicy(Duration snapshotRetention, int retainLast, Duration orphanAge, Instant now) {

  public MaintenancePolicy {
    Objects.requireNonNull(now, "now");
    if (snapshotRetention.isNegative() || orphanAge.isNegative()) {
      throw new IllegalArgumentException("Retention and orphan age cannot be negative: " + snapshotRetention
          + ", " + orphanAge);
    }
    if (retainLast < 1) {
      throw new IllegalArgumentException("At least the newest version must be retained, not " + retainLast);
    }
  }

  /** Versions committed before this are expired, unless retained otherwise. */
  public Instant expireBefore() {
    return now.minus(snapshotRetention);
  }

  /** Files no version references, last modified before this, are orphans. */
  public Instant orphansBefore() {
    return now.minus(orphanAge);
  }

  /**
   * The index in {@code versions} (oldest first, as {@link SinkTable#snapshots()}) of the oldest version to
   * keep: every version from there on is retained, every one before may be expired. 0 when all are kept.
   */
  public int oldestRetained(List<TableSnapshot> versions) {
    int oldest = Math.max(0, versions.size() - retainLast);
    Instant cutoff = expireBefore();
    while (oldest > 0 && !versions.get(oldest - 1).committedAt().isBefore(cutoff)) {
      oldest--;
    }
    for (int i = versions.size() - 1; i >= 0; i--) {
      if (versions.get(i).summary().containsKey(CommitMetadata.POSITION)) {
        return Math.min(oldest, i);  // the newest pipeline commit: a restart reads its position
      }
    }
    return oldest;
  }
}
