package io.changelake.cli;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs a task on a daemon thread of its own, every so often, until closed. */
final class Ticker implements AutoCloseable {
  private final ScheduledExecutorService timer;

  /** Runs {@code task} after {@code first}, then {@code every} after each run ends, on a thread named {@code name}. */
  Ticker(String name, Duration first, Duration every, Runnable task) {
    timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    });
    timer.scheduleWithFixedDelay(task, first.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stops running the task, waiting (up to 10 s) for a run under way. */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
