package io.changelake.api.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * What a pipeline commit records in the table commit itself (Iceberg snapshot summary, Paimon
 * commit properties, Delta commit info), so that data and position are durable together.
 *
 * @param position the serialized source position up to which the table holds every change
 * @param snapshotComplete whether the table's initial snapshot is complete at this commit
 * @param pipeline the pipeline that wrote (its replication slot name, for PostgreSQL)
 * @param committedAt when the commit was made (filled by the sink when reading back)
 */
public record CommitMetadata(String position, boolean snapshotComplete, String pipeline, Instant committedAt) {

  public static final String POSITION = "changelake.position";
  public static final String SNAPSHOT_COMPLETE = "changelake.snapshot-complete";
  public static final String PIPELINE = "changelake.pipeline";

  public CommitMetadata {
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(pipeline, "pipeline");
  }
}
