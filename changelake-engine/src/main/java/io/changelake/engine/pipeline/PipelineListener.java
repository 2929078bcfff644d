package io.changelake.engine.pipeline;

import io.changelake.api.model.TableId;

/** Observes a running pipeline (progress bars, log lines, status files). Called from the loop thread. */
public interface PipelineListener {

  /** Snapshot rows written so far to {@code lake}, and the source's estimate of the total (-1 if unknown). */
  default void snapshotProgress(TableId lake, long rows, long estimatedRows) { }

  /** Every table's snapshot (or every table's copy, for tables copied alone) is committed; streaming goes on. */
  default void snapshotCompleted() { }

  /** A commit round finished. */
  default void committed(CommitReport report) { }

  /** The {@code format} table {@code lake} stopped taking changes; {@code reason} says why and how to fix it. */
  default void suspended(TableId lake, String format, String reason) { }
}
