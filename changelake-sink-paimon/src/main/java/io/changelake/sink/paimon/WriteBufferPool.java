package io.changelake.sink.paimon;

import java.util.List;
import org.apache.paimon.memory.MemorySegment;
import org.apache.paimon.memory.MemorySegmentPool;

/**
 * The pages of one write's buffer ({@code write-buffer-size}), allocated on demand and left to the
 * garbage collector once the buffer is flushed. Paimon's own heap pool keeps every page it ever
 * allocated; a {@link PaimonWrite} that stays open between commits would then hold its largest buffer
 * (that of the initial snapshot) for as long as the sync runs.
 */
final class WriteBufferPool implements MemorySegmentPool {
  private final int pageSize;
  private final int maxPages;
  private int pagesInUse;

  WriteBufferPool(long maxBytes, int pageSize) {
    this.pageSize = pageSize;
    this.maxPages = (int) (maxBytes / pageSize);
  }

  @Override
  public int pageSize() {
    return pageSize;
  }

  @Override
  public synchronized MemorySegment nextSegment() {
    if (pagesInUse == maxPages) {
      return null;  // full: the writer flushes its buffer
    }
    pagesInUse++;
    return MemorySegment.allocateHeapMemory(pageSize);
  }

  @Override
  public synchronized void returnAll(List<MemorySegment> memory) {
    pagesInUse -= memory.size();
  }

  @Override
  public synchronized int freePages() {
    return maxPages - pagesInUse;
  }
}
