package io.changelake.api.spi;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.SourcePosition;

/** Receives what a started {@link Source} emits. Called from one thread at a time, in order. */
public interface ChangeListener {

  /** A change. May block to apply back-pressure. */
  void onChange(ChangeEvent event) throws InterruptedException;

  /**
   * Every change up to and including {@code position} has been emitted, though there may have
   * been none for the captured tables (e.g. a heartbeat, the end of the initial snapshot).
   */
  void onProgress(SourcePosition position) throws InterruptedException;

  /** The source stopped because of {@code error}; nothing more will be emitted. */
  void onFailure(Throwable error);
}
