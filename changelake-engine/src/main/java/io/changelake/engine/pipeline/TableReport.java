package io.changelake.engine.pipeline;

import io.changelake.api.model.TableId;
import java.time.Duration;
import java.time.Instant;

/**
 * One table's standing after a commit: what the status file, the log and the metrics endpoint all show.
 *
 * @param source the source table
 * @param lake the lake table
 * @param format the lake table's format
 * @param state where it stands
 * @param committedChanges changes committed to it by this commit (0 when it was not touched)
 * @param totalChanges changes committed to it since the pipeline started (snapshot rows included)
 * @param commits lake commits of it since the pipeline started
 * @param rowsWritten rows written to it since the pipeline started: inserted, replaced or deleted, after
 *     changes were folded by key
 * @param lastCommit when it was last committed, or null
 * @param commitLag at its last commit that held changes, from the source's commit of the newest of them to
 *     the lake commit; null before the first
 * @param pendingSince when the source committed the oldest change it took that is not committed yet; null
 *     when it holds every change read from the source
 * @param lagBytes how far the position it holds everything up to trails the source's newest change, in
 *     bytes; -1 when the source cannot tell
 * @param position the source position it holds everything up to, or null
 * @param reason why it is suspended, or null
 */
public record TableReport(
    TableId source,
    TableId lake,
    String format,
    TableState state,
    long committedChanges,
    long totalChanges,
    long commits,
    long rowsWritten,
    Instant lastCommit,
    Duration commitLag,
    Instant pendingSince,
    long lagBytes,
    String position,
    String reason) {

  /**
   * How far the table trails the source at {@code now}: the age of the oldest change it took and has not
   * committed. Idle-aware: a table that holds every change read is not lagging (zero), however long ago the
   * source last changed. Changes not read from the source yet show in {@link #lagBytes()} instead.
   */
  public Duration lag(Instant now) {
    if (pendingSince == null || !pendingSince.isBefore(now)) {
      return Duration.ZERO;
    }
    return Duration.between(pendingSince, now);
  }

  /** This report with the table suspended for {@code why}. */
  public TableReport suspended(String why) {
    return new TableReport(source, lake, format, TableState.SUSPENDED, 0, totalChanges, commits, rowsWritten,
        lastCommit, commitLag, null, lagBytes, position, why);
  }
}
