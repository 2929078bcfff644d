package io.changelake.api.spi;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a pipeline commit records in the table commit itself (Iceberg snapshot summary, Paimon
 * commit properties, Delta commit info), so that data and position are durable together.
 *
 * @param position the serialized source position up to which the table holds every change
 * @param snapshotComplete whether the table's initial snapshot is complete at this commit
 * @param pipeline the pipeline that wrote (its replication slot name, for PostgreSQL)
 * @param kind what the commit did; {@link CommitKind#UNKNOWN} when read back from a commit that recorded none
 * @param committedAt when the commit was made (filled by the sink when reading back)
 */
public record CommitMetadata(String position, boolean snapshotComplete, String pipeline, CommitKind kind,
    Instant committedAt) {

  public static final String POSITION = "changelake.position";
  public static final String SNAPSHOT_COMPLETE = "changelake.snapshot-complete";
  public static final String PIPELINE = "changelake.pipeline";
  public static final String KIND = "changelake.kind";

  public CommitMetadata {
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(pipeline, "pipeline");
    Objects.requireNonNull(kind, "kind");
  }

  /** The keys and values a commit records (all but {@link #committedAt}, which is the commit's own time). */
  public Map<String, String> properties() {
    return Map.of(POSITION, position, SNAPSHOT_COMPLETE, String.valueOf(snapshotComplete), PIPELINE, pipeline,
        KIND, kind.label());
  }

  /**
   * The metadata recorded as {@code properties} (see {@link #properties()}) by a commit made at {@code committedAt}.
   * A key a commit did not record reads as its default: an empty position or pipeline, an incomplete snapshot,
   * {@link CommitKind#UNKNOWN}.
   */
  public static CommitMetadata fromProperties(Map<String, String> properties, Instant committedAt) {
    return new CommitMetadata(properties.getOrDefault(POSITION, ""),
        Boolean.parseBoolean(properties.get(SNAPSHOT_COMPLETE)), properties.getOrDefault(PIPELINE, ""),
        CommitKind.ofLabel(properties.get(KIND)), committedAt);
  }
}
