package io.changelake.api.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WriterThreadsTest {

  @Test
  void aLargeWriteSpreadsOverThreadsAndWritesEveryBatchOnce() {
    List<Integer> written = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger bodies = new AtomicInteger();
    WriterThreads<Integer> threads = new WriterThreads<>("test", 3, batches -> {
      bodies.incrementAndGet();
      while (batches.hasNext()) {
        written.add(batches.next());
        Thread.sleep(1);  // slower than the feeder, so batches wait and more threads start
      }
    });
    int count = 50 * WriterThreads.BATCHES_PER_THREAD;
    for (int i = 0; i < count; i++) {
      threads.put(i);
    }
    threads.finish();

    List<Integer> sorted = new ArrayList<>(written);
    Collections.sort(sorted);
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      expected.add(i);
    }
    assertEquals(expected, sorted, "every batch written exactly once");
    assertEquals(3, threads.threads(), "the waiting batches started every thread allowed");
    assertEquals(3, bodies.get());
  }

  @Test
  void aSmallWriteStaysOnOneThread() {
    List<Integer> written = Collections.synchronizedList(new ArrayList<>());
    WriterThreads<Integer> threads = new WriterThreads<>("test", 4, batches -> batches.forEachRemaining(written::add));
    for (int i = 0; i < WriterThreads.BATCHES_PER_THREAD - 1; i++) {
      threads.put(i);
    }
    threads.finish();

    assertEquals(1, threads.threads());
    assertEquals(WriterThreads.BATCHES_PER_THREAD - 1, written.size());
  }

  @Test
  void aFailingThreadFailsTheWriteAndEndsTheOthers() {
    IOException boom = new IOException("disk full");
    WriterThreads<Integer> threads = new WriterThreads<>("test", 1, batches -> {
      batches.next();
      throw boom;
    });
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
      for (int i = 0; i < 1000; i++) {
        threads.put(i);
      }
      threads.finish();
    });
    assertSame(boom, e.getCause());
    assertTrue(e.getMessage().contains("disk full"), e.getMessage());
  }

  @Test
  void abortDropsWaitingBatchesAndEndsTheThreads() throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger taken = new AtomicInteger();
    WriterThreads<Integer> threads = new WriterThreads<>("test", 1, batches -> {
      while (batches.hasNext()) {
        batches.next();
        taken.incrementAndGet();
        started.countDown();
        Thread.sleep(1000);  // the other batches wait meanwhile
      }
    });
    threads.put(1);
    threads.put(2);
    threads.put(3);
    assertTrue(started.await(10, TimeUnit.SECONDS));
    threads.abort();

    assertEquals(1, taken.get(), "the batches still waiting were dropped");
  }
}
