package io.changelake.api.spi;

import java.time.Instant;
import java.util.Map;

/**
 * One committed version of a lake table.
 *
 * @param id the format's snapshot (or version) id
 * @param committedAt when it was committed
 * @param operation the format's name for what the commit did (append, overwrite, delete, ...)
 * @param summary the commit's properties, including {@link CommitMetadata} keys for pipeline commits
 */
public record TableSnapshot(long id, Instant committedAt, String operation, Map<String, String> summary) {
  public TableSnapshot {
    summary = Map.copyOf(summary);
  }
}
