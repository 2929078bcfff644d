package io.changelake.api.spi;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableId;

/** Receives what a started {@link Source} emits. Called from one thread at a time, in order. */
public interface ChangeListener {

  /** A change. May block to apply back-pressure. */
  void onChange(ChangeEvent event) throws InterruptedException;

  /**
   * Every change up to and including {@code position} has been emitted, though there may have
   * been none for the captured tables (e.g. a heartbeat, the end of the initial snapshot).
   */
  void onProgress(SourcePosition position) throws InterruptedException;

  /**
   * Every row of {@code table}'s copy was emitted (see {@link Source#start(java.util.Optional, java.util.Set,
   * ChangeListener)}): the copy holds exactly the table's changes up to and including {@code position}, a
   * position of the stream. Only sources started with copies call it; the default refuses.
   */
  default void onTableCopied(TableId table, SourcePosition position) throws InterruptedException {
    throw new UnsupportedOperationException("This listener does not take tables copied alone");
  }

  /** The source stopped because of {@code error}; nothing more will be emitted. */
  void onFailure(Throwable error);
}
