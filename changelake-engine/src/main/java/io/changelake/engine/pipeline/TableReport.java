package io.changelake.engine.pipeline;

import io.changelake.api.model.TableId;
import java.time.Instant;

/**
 * One table's standing after a commit.
 *
 * @param source the source table
 * @param lake the lake table
 * @param format the lake table's format
 * @param state where it stands
 * @param committedChanges changes committed to it by this commit (0 when it was not touched)
 * @param totalChanges changes committed to it since the pipeline started
 * @param lastCommit when it was last committed, or null
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
    Instant lastCommit,
    String position,
    String reason) { }
