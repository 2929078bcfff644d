package io.changelake.engine.pipeline;

/** Where a mirrored table stands. */
public enum TableState {
  /** Taking the initial snapshot; nothing committed yet. */
  SNAPSHOTTING,
  /** Following the source's changes. */
  STREAMING,
  /** Stopped by a problem that needs a person; the source keeps its changes until it is fixed. */
  SUSPENDED
}
