package io.changelake.api.source;

/**
 * The background thread on which a source reads its initial snapshot (or a table copy), and what cancels
 * that thread's reads when the source closes. Thread-safe; serves one source.
 */
public final class SnapshotThread {
  private static final long JOIN_MILLIS = 30_000;

  private volatile Thread thread;
  private volatile Runnable cancel;

  /** Runs {@code body} on a new daemon thread named {@code name}. */
  public synchronized void start(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  /** Whether {@link #start} was called. */
  public boolean started() {
    return thread != null;
  }

  /** Sets what {@link #stop} runs to make the current reads fail promptly, e.g. closing their connections. */
  public void reading(Runnable cancel) {
    this.cancel = cancel;
  }

  /** Cancels the current reads, interrupts the thread and waits up to 30 s for it to end. */
  public void stop() {
    Runnable reads = cancel;
    if (reads != null) {
      reads.run();
    }
    Thread t = thread;
    if (t != null) {
      t.interrupt();
      try {
        t.join(JOIN_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
