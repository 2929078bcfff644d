package io.changelake.sink.paimon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.apache.paimon.memory.MemorySegment;
import org.junit.jupiter.api.Test;

/** The write buffer's page pool: bounded, and it keeps no page that was handed back. */
class WriteBufferPoolTest {

  @Test
  void handsOutPagesUpToItsSizeAndKeepsNoneReturned() {
    WriteBufferPool pool = new WriteBufferPool(3 * 1024, 1024);
    MemorySegment first = pool.nextSegment();
    MemorySegment second = pool.nextSegment();
    MemorySegment third = pool.nextSegment();
    assertNotNull(third);
    assertEquals(1024, first.size());
    assertNull(pool.nextSegment(), "full: the writer must flush");
    assertEquals(0, pool.freePages());

    pool.returnAll(List.of(first, second));

    assertEquals(2, pool.freePages());
    MemorySegment again = pool.nextSegment();
    assertNotSame(first, again, "a returned page is left to the garbage collector, not handed out again");
    assertNotSame(second, again);
    assertNotNull(pool.nextSegment());
    assertNull(pool.nextSegment());
  }
}
