package io.changelake.source.postgres;

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

/** Records what a source emits; waits for it in tests. */
class CollectingListener implements ChangeListener {
  final List<ChangeEvent> events = new CopyOnWriteArrayList<>();
  final List<SourcePosition> progress = new CopyOnWriteArrayList<>();
  /** Every position in emission order: events and progress. */
  final List<SourcePosition> positions = new CopyOnWriteArrayList<>();
  /** The position each copied table was copied at, and how many events came before that. */
  final Map<TableId, SourcePosition> copied = new ConcurrentHashMap<>();
  final Map<TableId, Integer> eventsBeforeCopied = new ConcurrentHashMap<>();
  volatile Throwable failure;

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

  List<ChangeEvent> awaitEvents(int count, Duration timeout) throws InterruptedException {
    return awaitEvents(e -> true, count, timeout);
  }

  List<ChangeEvent> awaitEvents(Predicate<ChangeEvent> which, int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<ChangeEvent> matching = new ArrayList<>(events.stream().filter(which).toList());
      if (matching.size() >= count) {
        return matching;
      }
      if (failure != null) {
        throw new AssertionError("Source failed", failure);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Expected " + count + " events, got " + matching.size() + ": " + matching);
      }
      Thread.sleep(50);
    }
  }

  SourcePosition awaitProgress(Predicate<SourcePosition> which, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (SourcePosition p : progress) {
        if (which.test(p)) {
          return p;
        }
      }
      if (failure != null) {
        throw new AssertionError("Source failed", failure);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("No matching progress; got " + progress);
      }
      Thread.sleep(50);
    }
  }
}
