package io.changelake.api.sink;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Batches of one writer handed from the thread that gathers them to threads that each write files of their
 * own, so that encoding and compressing a large write (an initial snapshot) takes more than one core while the
 * gathering thread goes on.
 *
 * <p>One thread starts with the first batch; another starts, up to {@code maxThreads}, only once the batches
 * wait for the threads running and at least {@value #BATCHES_PER_THREAD} batches per running thread were handed
 * over, so a small write stays one thread and one file. At most two batches per thread wait, so memory stays at a
 * few batches. The first failure of a thread ends every thread (each closes what it wrote) and fails the next
 * {@link #put} and {@link #finish}. One thread feeds: {@link #put}, {@link #finish} and {@link #abort} are not
 * thread-safe.
 *
 * @param <B> a batch
 */
public final class WriterThreads<B> {
  /** Batches handed over per running thread before another thread may start. */
  static final int BATCHES_PER_THREAD = 16;
  private static final Object END = new Object();
  private static final long POLL_MILLIS = 100;

  /** Writes every batch of {@code batches} into files of its own; returns once they are exhausted. */
  @FunctionalInterface
  public interface Body<B> {
    void write(Iterator<B> batches) throws Exception;
  }

  private final String name;
  private final int maxThreads;
  private final Body<B> body;
  private final BlockingQueue<Object> queue;
  private final List<Thread> threads = new ArrayList<>();
  private long batches;
  private volatile boolean stopping;
  private volatile Throwable failure;

  /**
   * @param name the threads' name, followed by their number
   * @param maxThreads the most threads writing at once, at least 1
   * @param body what each thread runs over the batches it takes
   */
  public WriterThreads(String name, int maxThreads, Body<B> body) {
    if (maxThreads < 1) {
      throw new IllegalArgumentException("maxThreads must be at least 1, got " + maxThreads);
    }
    this.name = name;
    this.maxThreads = maxThreads;
    this.body = body;
    this.queue = new ArrayBlockingQueue<>(2 * maxThreads);
  }

  /** Hands {@code batch} to the threads; blocks while they are behind. */
  public void put(B batch) {
    checkNotFailed();
    if (threads.isEmpty() || (threads.size() < maxThreads && queue.remainingCapacity() == 0
        && batches >= (long) BATCHES_PER_THREAD * threads.size())) {
      startThread();
    }
    offer(batch);
    batches++;
  }

  /** The threads started so far. */
  public int threads() {
    return threads.size();
  }

  /**
   * Lets the threads write what was handed over and waits for them.
   *
   * @throws IllegalStateException when a thread failed
   */
  public void finish() {
    for (int i = 0; i < threads.size() && failure == null; i++) {
      offer(END);
    }
    join();
    checkNotFailed();
  }

  /** Drops the batches not taken yet and waits for the threads, which close what they wrote; never throws. */
  public void abort() {
    stopping = true;
    queue.clear();
    join();
  }

  private void startThread() {
    Thread thread = new Thread(this::run, name + "-" + threads.size());
    thread.setDaemon(true);
    threads.add(thread);
    thread.start();
  }

  private void run() {
    try {
      body.write(new Batches());
    } catch (Throwable e) {
      failed(e);
    }
  }

  private synchronized void failed(Throwable e) {
    if (failure == null) {
      failure = e;
    }
  }

  private void offer(Object item) {
    try {
      while (!queue.offer(item, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        checkNotFailed();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abort();
      throw new IllegalStateException("Interrupted while writing " + name, e);
    }
  }

  private void join() {
    boolean interrupted = false;
    for (Thread thread : threads) {
      while (thread.isAlive()) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          interrupted = true;
          stopping = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void checkNotFailed() {
    Throwable failed = failure;
    if (failed != null) {
      throw new IllegalStateException("Writing " + name + " failed: " + failed.getMessage(), failed);
    }
  }

  /** The batches one thread takes, until an end marker, a failure of any thread or an abort. */
  private final class Batches implements Iterator<B> {
    private Object next;

    @Override
    public boolean hasNext() {
      while (next == null) {
        if (stopping || failure != null) {
          return false;
        }
        try {
          next = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          failed(e);  // the batches were not all written
          return false;
        }
      }
      return next != END;
    }

    @Override
    @SuppressWarnings("unchecked")
    public B next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      B batch = (B) next;
      next = null;
      return batch;
    }
  }
}
