package io.changelake.sink.delta;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.TreeMap;
import org.roaringbitmap.RoaringBitmap;

/**
 * Builds a deletion vector's bitmap in the Delta protocol's {@code RoaringBitmapArray} portable
 * serialization (PROTOCOL.md "Deletion Vector Format"): the magic number 1681511377, the number of
 * 32-bit bitmaps, then each bitmap's high 32 bits as key followed by the bitmap in the portable
 * Roaring format, little endian. Kernel's {@code RoaringBitmapArray} reads this format but has no
 * serializer.
 */
final class RoaringBitmapArrayWriter {
  static final int PORTABLE_MAGIC = 1681511377;

  private final Map<Integer, RoaringBitmap> bitmaps = new TreeMap<>(Integer::compareUnsigned);

  /** Marks row position {@code position} (non-negative). */
  void add(long position) {
    if (position < 0) {
      throw new IllegalArgumentException("A row position cannot be negative: " + position);
    }
    bitmaps.computeIfAbsent((int) (position >>> 32), high -> new RoaringBitmap()).add((int) position);
  }

  /** The number of positions marked. */
  long cardinality() {
    return bitmaps.values().stream().mapToLong(RoaringBitmap::getLongCardinality).sum();
  }

  /** The serialized bitmap array. */
  byte[] serialize() {
    int size = 4 + 8;
    for (RoaringBitmap bitmap : bitmaps.values()) {
      bitmap.runOptimize();
      size += 4 + bitmap.serializedSizeInBytes();
    }
    ByteBuffer buffer = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    buffer.putInt(PORTABLE_MAGIC);
    buffer.putLong(bitmaps.size());
    for (Map.Entry<Integer, RoaringBitmap> entry : bitmaps.entrySet()) {
      buffer.putInt(entry.getKey());
      entry.getValue().serialize(buffer);
    }
    return buffer.array();
  }
}
