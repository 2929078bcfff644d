package io.changelake.api.testing;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableId;
import io.changelake.api.spi.ChangeListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Records what a source emits, for source tests, and waits for it. The lists and maps it returns are live and
 * safe to read while the source emits; a wait fails at once when the source reported a failure.
 */
public class CollectingListener implements ChangeListener {
  private final List<ChangeEvent> events = new CopyOnWriteArrayList<>();
  private final List<SourcePosition> progress = new CopyOnWriteArrayList<>();
  private final List<SourcePosition> positions = new CopyOnWriteArrayList<>();
  private final Map<TableId, SourcePosition> copied = new ConcurrentHashMap<>();
  private final Map<TableId, Integer> eventsBeforeCopied = new ConcurrentHashMap<>();
  private volatile Throwable failure;

  @Override
  public void onChange(ChangeEvent event) {
    events.add(event);
    positions.add(event.position());
  }

  @Override
  public void onProgress(SourcePosition position) {
    progress.add(position);
    positions.add(position);
  }

  @Override
  public void onTableCopied(TableId table, SourcePosition position) {
    eventsBeforeCopied.put(table, events.size());
    copied.put(table, position);
  }

  @Override
  public void onFailure(Throwable error) {
    failure = error;
  }

  /** The changes, in emission order. */
  public List<ChangeEvent> events() {
    return events;
  }

  /** The progress positions, in emission order. */
  public List<SourcePosition> progress() {
    return progress;
  }

  /** Every position in emission order: those of the changes and of progress. */
  public List<SourcePosition> positions() {
    return positions;
  }

  /** The position each table copied alone was copied at. */
  public Map<TableId, SourcePosition> copied() {
    return copied;
  }

  /** How many changes came before each table copied alone was reported copied. */
  public Map<TableId, Integer> eventsBeforeCopied() {
    return eventsBeforeCopied;
  }

  /** What the source failed with; null while it has not. */
  public Throwable failure() {
    return failure;
  }

  /** Waits until at least {@code count} changes came; returns them all. */
  public List<ChangeEvent> awaitEvents(int count, Duration timeout) throws InterruptedException {
    return awaitEvents(e -> true, count, timeout);
  }

  /** Waits until at least {@code count} changes matching {@code which} came; returns those that match. */
  public List<ChangeEvent> awaitEvents(Predicate<ChangeEvent> which, int count, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<ChangeEvent> matching = new ArrayList<>(events.stream().filter(which).toList());
      if (matching.size() >= count) {
        return matching;
      }
      failIfFailed();
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Expected " + count + " events, got " + matching.size() + ": " + matching);
      }
      Thread.sleep(20);
    }
  }

  /** Waits for the first progress position matching {@code which}, and returns it. */
  public SourcePosition awaitProgress(Predicate<SourcePosition> which, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (SourcePosition p : progress) {
        if (which.test(p)) {
          return p;
        }
      }
      failIfFailed();
      if (System.nanoTime() > deadline) {
        throw new AssertionError("No matching progress; got " + progress);
      }
      Thread.sleep(20);
    }
  }

  private void failIfFailed() {
    if (failure != null) {
      throw new AssertionError("Source failed", failure);
    }
  }
}
