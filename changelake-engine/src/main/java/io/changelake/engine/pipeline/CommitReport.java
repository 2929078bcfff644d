package io.changelake.engine.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What one commit round did.
 *
 * @param at when the round finished
 * @param tables every table's standing, touched or not
 * @param committedTables how many tables this round committed
 * @param committedChanges changes committed over all tables
 * @param acknowledged the source position acknowledged to the source, or null if none was
 * @param lag time from the source commit of the newest committed change to now, or null
 * @param lagBytes how far the committed position trails the source, in bytes; -1 when unknown
 */
public record CommitReport(
    Instant at,
    List<TableReport> tables,
    int committedTables,
    long committedChanges,
    String acknowledged,
    Duration lag,
    long lagBytes) {

  public CommitReport {
    tables = List.copyOf(tables);
  }
}
