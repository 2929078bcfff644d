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

  /**
   * The source cannot read a change of {@code table} at {@code position} and chose to stop only that table
   * (a failure strategy such as {@code on-error=suspend}); {@code reason} names the change and the fix, and
   * holds no secret. The listener suspends the table: it keeps every change of it emitted before and none from
   * {@code position} on, and the position it holds never passes {@code position}, so a restart meets the
   * change again. The other tables go on, and the source goes on emitting; changes of the suspended table
   * are ignored. A listener that cannot suspend one table ends the stream instead: the default reports
   * {@code reason} through {@link #onFailure} as a {@link SourceException}.
   */
  default void onUnreadable(TableId table, SourcePosition position, String reason) throws InterruptedException {
    onFailure(new SourceException(reason));
  }

  /** The source stopped because of {@code error}; nothing more will be emitted. */
  void onFailure(Throwable error);
}
