package io.changelake.api.source;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableId;
import io.changelake.api.spi.ChangeListener;

/** A listener that several threads (the stream, a table copy) emit to, one call at a time. */
public final class SerialListener implements ChangeListener {
  private final ChangeListener listener;

  public SerialListener(ChangeListener listener) {
    this.listener = listener;
  }

  @Override
  public synchronized void onChange(ChangeEvent event) throws InterruptedException {
    listener.onChange(event);
  }

  @Override
  public synchronized void onProgress(SourcePosition position) throws InterruptedException {
    listener.onProgress(position);
  }

  @Override
  public synchronized void onTableCopied(TableId table, SourcePosition position) throws InterruptedException {
    listener.onTableCopied(table, position);
  }

  @Override
  public synchronized void onUnreadable(TableId table, SourcePosition position, String reason)
      throws InterruptedException {
    listener.onUnreadable(table, position, reason);
  }

  @Override
  public synchronized void onFailure(Throwable error) {
    listener.onFailure(error);
  }
}
