package io.changelake.engine.pipeline;

import io.changelake.api.model.TableId;
import java.util.List;

/** Observes a running pipeline (progress bars, log lines, status files). Called from the loop thread. */
public interface PipelineListener {

  /** Snapshot rows written so far to {@code lake}, and the source's estimate of the total (-1 if unknown). */
  default void snapshotProgress(TableId lake, long rows, long estimatedRows) { }

  /** Every table's snapshot (or every table's copy, for tables copied alone) is committed; streaming goes on. */
  default void snapshotCompleted() { }

  /** A commit round finished. */
  default void committed(CommitReport report) { }

  /** The copy of a table copied alone is committed to the {@code format} table {@code lake}, replacing its rows. */
  default void tableCopied(TableId lake, String format) { }

  /** The {@code format} table {@code lake} stopped taking changes; {@code reason} says why and how to fix it. */
  default void suspended(TableId lake, String format, String reason) { }

  /** A listener that tells each of {@code listeners}, in order. */
  static PipelineListener all(PipelineListener... listeners) {
    List<PipelineListener> each = List.of(listeners);
    return new PipelineListener() {
      @Override
      public void snapshotProgress(TableId lake, long rows, long estimatedRows) {
        each.forEach(l -> l.snapshotProgress(lake, rows, estimatedRows));
      }

      @Override
      public void snapshotCompleted() {
        each.forEach(PipelineListener::snapshotCompleted);
      }

      @Override
      public void committed(CommitReport report) {
        each.forEach(l -> l.committed(report));
      }

      @Override
      public void tableCopied(TableId lake, String format) {
        each.forEach(l -> l.tableCopied(lake, format));
      }

      @Override
      public void suspended(TableId lake, String format, String reason) {
        each.forEach(l -> l.suspended(lake, format, reason));
      }
    };
  }
}
