package io.changelake.api.spi;

import io.changelake.api.model.TableId;
import java.util.Objects;

/**
 * A pipeline commit refused because another pipeline writes the table: its newest pipeline commit was made by
 * {@link #owner()}, after the table was opened by the committing pipeline {@link #pipeline()} (see {@link
 * TableWriter#commit}). Nothing of the refused commit is in the table.
 */
public final class OwnerConflictException extends SinkException {
  private static final long serialVersionUID = 1L;

  private final TableId table;
  private final String owner;
  private final String pipeline;

  public OwnerConflictException(TableId table, String owner, String pipeline) {
    super("Table " + table + " was committed to by pipeline '" + owner + "' after pipeline '" + pipeline
        + "' opened it, so the commit of '" + pipeline + "' was refused: two pipelines writing one table would"
        + " interleave their changes. Leave the table to '" + owner + "', or stop '" + owner + "' and restart '"
        + pipeline + "' to take it over.");
    this.table = Objects.requireNonNull(table, "table");
    this.owner = Objects.requireNonNull(owner, "owner");
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
  }

  public TableId table() {
    return table;
  }

  /** The pipeline whose commit the table holds. */
  public String owner() {
    return owner;
  }

  /** The pipeline whose commit was refused. */
  public String pipeline() {
    return pipeline;
  }
}
