package io.changelake.cli;

import io.changelake.api.model.TableId;
import io.changelake.engine.pipeline.PipelineListener;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The reset requests ({@link ResetRequests}) one run of a pipeline answers with the copies it makes: deletes each
 * request once its table's copy is committed in every format, and tells which pending requests the run does not
 * answer (made after it started, or made again after its copy was committed). Thread-safe.
 */
final class ResetCopies implements PipelineListener {
  private final ResetRequests requests;
  private final int formats;
  /** The lake tables being copied for a request, until their copy is committed in every format. */
  private final Set<TableId> copying;
  private final Map<TableId, Integer> copied = new HashMap<>();

  /** The copies of the lake tables {@code copying}, each committed in {@code formats} formats, answering requests. */
  ResetCopies(ResetRequests requests, Set<TableId> copying, int formats) {
    this.requests = requests;
    this.copying = new HashSet<>(copying);
    this.formats = formats;
  }

  @Override
  public synchronized void tableCopied(TableId lake, String format) {
    if (copying.contains(lake) && copied.merge(lake, 1, Integer::sum) == formats) {
      requests.clear(lake);
      copying.remove(lake);
    }
  }

  /** The pending requests that no copy of this run answers. */
  synchronized Set<TableId> unanswered() {
    Set<TableId> pending = requests.pending();
    pending.removeAll(copying);
    return pending;
  }
}
