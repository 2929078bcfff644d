package io.changelake.sink.iceberg;

import java.util.Arrays;

/**
 * A hash map from encoded keys (byte strings) to non-negative {@code long} values, compact enough
 * to hold the keys of a table of millions of rows: each entry is its key bytes and its value, packed
 * into large byte arrays (no object per entry), and the hash table is one {@code long} per slot
 * (the entry's offset, with some bits of its hash to skip most byte comparisons).
 *
 * <p>A long key costs about 17 bytes of entries plus 11 to 16 bytes of table (filled to between
 * 1/2 and 3/4). Removed entries leave
 * garbage in the arrays until the next resize, which copies only live entries. Not thread-safe.
 */
final class KeyPositionMap {
  /** Value returned when a key is absent. */
  static final long ABSENT = -1L;

  private static final int CHUNK_BITS = 22;            // chunks of up to 4 MiB
  private static final int CHUNK_SIZE = 1 << CHUNK_BITS;
  private static final int FIRST_CHUNK_SIZE = 1 << 12;
  private static final long OFFSET_MASK = (1L << 40) - 1;
  private static final long TOMBSTONE = -1L;
  private static final int MIN_CAPACITY = 1 << 10;

  private long[] slots;             // 0 = empty, TOMBSTONE = removed, else hash bits << 40 | (offset + 1)
  private byte[][] chunks = new byte[0][];
  private long end;                 // next free offset in the chunks
  private int size;
  private int used;                 // live + tombstones
  private long garbage;             // bytes of removed entries

  KeyPositionMap() {
    this.slots = new long[MIN_CAPACITY];
  }

  int size() {
    return size;
  }

  /** Bytes held by the slots and entries: what this map costs on the heap, about. */
  long retainedBytes() {
    long bytes = 8L * slots.length;
    for (byte[] chunk : chunks) {
      bytes += chunk.length;
    }
    return bytes;
  }

  /** The value of the key in {@code key[0, length)}, or {@link #ABSENT}. */
  long get(byte[] key, int length) {
    int slot = find(key, length, hash(key, length));
    return slot < 0 ? ABSENT : readLong(valueOffset(slots[slot]));
  }

  /** Sets the key's value ({@code value >= 0}); returns the previous one or {@link #ABSENT}. */
  long put(byte[] key, int length, long value) {
    int hash = hash(key, length);
    int slot = find(key, length, hash);
    if (slot >= 0) {
      long at = valueOffset(slots[slot]);
      long previous = readLong(at);
      writeLong(at, value);
      return previous;
    }
    if ((used + 1) * 4L > slots.length * 3L) {
      resize();
    }
    long offset = append(key, length, value);
    int mask = slots.length - 1;
    for (int i = hash & mask; ; i = (i + 1) & mask) {
      if (slots[i] == 0 || slots[i] == TOMBSTONE) {
        if (slots[i] == 0) {
          used++;
        }
        slots[i] = tag(hash) | (offset + 1);
        size++;
        return ABSENT;
      }
    }
  }

  /** Removes the key; returns its value or {@link #ABSENT}. */
  long remove(byte[] key, int length) {
    int slot = find(key, length, hash(key, length));
    if (slot < 0) {
      return ABSENT;
    }
    long offset = (slots[slot] & OFFSET_MASK) - 1;
    long value = readLong(valueOffset(slots[slot]));
    garbage += entryLength(offset);
    slots[slot] = TOMBSTONE;
    size--;
    return value;
  }

  void clear() {
    slots = new long[MIN_CAPACITY];
    chunks = new byte[0][];
    end = 0;
    size = 0;
    used = 0;
    garbage = 0;
  }

  private int find(byte[] key, int length, int hash) {
    int mask = slots.length - 1;
    long tag = tag(hash);
    for (int i = hash & mask; ; i = (i + 1) & mask) {
      long slot = slots[i];
      if (slot == 0) {
        return -1;
      }
      if (slot != TOMBSTONE && (slot & ~OFFSET_MASK) == tag && keyEquals((slot & OFFSET_MASK) - 1, key, length)) {
        return i;
      }
    }
  }

  /** Rehashes into a table sized for the live entries, copying them into fresh chunks when garbage dominates. */
  private void resize() {
    int capacity = MIN_CAPACITY;
    while (capacity < (size + 1) * 2L) {   // live entries fill at most half after a resize
      capacity <<= 1;
    }
    long[] old = slots;
    slots = new long[capacity];
    used = 0;
    boolean repack = garbage > end / 2;
    byte[][] oldChunks = chunks;
    if (repack) {
      chunks = new byte[0][];
      end = 0;
      garbage = 0;
    }
    byte[] scratch = new byte[16];
    int mask = capacity - 1;
    for (long slot : old) {
      if (slot == 0 || slot == TOMBSTONE) {
        continue;
      }
      long offset = (slot & OFFSET_MASK) - 1;
      if (repack) {
        int keyLength = readVarInt(oldChunks, offset);
        long keyAt = offset + varIntLength(keyLength);
        if (scratch.length < keyLength) {
          scratch = new byte[keyLength * 2];
        }
        read(oldChunks, keyAt, scratch, keyLength);
        long value = readLong(oldChunks, keyAt + keyLength);
        offset = append(scratch, keyLength, value);
      }
      int hash = hashAt(offset);
      int i = hash & mask;
      while (slots[i] != 0) {
        i = (i + 1) & mask;
      }
      slots[i] = tag(hash) | (offset + 1);
      used++;
    }
  }

  private int hashAt(long offset) {
    int keyLength = readVarInt(chunks, offset);
    long at = offset + varIntLength(keyLength);
    int h = 0x9747b28c;
    for (int i = 0; i < keyLength; i++) {
      h = mix(h, byteAt(chunks, at + i));
    }
    return finish(h, keyLength);
  }

  static int hash(byte[] key, int length) {
    int h = 0x9747b28c;
    for (int i = 0; i < length; i++) {
      h = mix(h, key[i]);
    }
    return finish(h, length);
  }

  private static int mix(int h, byte b) {
    return (h ^ (b & 0xff)) * 0x01000193;
  }

  private static int finish(int h, int length) {
    h ^= length;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }

  private static long tag(int hash) {
    return ((long) (hash >>> 8) & 0xffffffL) << 40;
  }

  private long valueOffset(long slot) {
    long offset = (slot & OFFSET_MASK) - 1;
    int keyLength = readVarInt(chunks, offset);
    return offset + varIntLength(keyLength) + keyLength;
  }

  private long entryLength(long offset) {
    int keyLength = readVarInt(chunks, offset);
    return varIntLength(keyLength) + keyLength + 8L;
  }

  private boolean keyEquals(long offset, byte[] key, int length) {
    int keyLength = readVarInt(chunks, offset);
    if (keyLength != length) {
      return false;
    }
    long at = offset + varIntLength(keyLength);
    int chunk = (int) (at >>> CHUNK_BITS);
    int within = (int) (at & (CHUNK_SIZE - 1));
    return Arrays.equals(chunks[chunk], within, within + length, key, 0, length);
  }

  /** Appends an entry that never spans two chunks; returns its offset. */
  private long append(byte[] key, int length, long value) {
    int entry = varIntLength(length) + length + 8;
    if (entry > CHUNK_SIZE) {
      throw new IllegalArgumentException("Key of " + length + " bytes is too long for the key index");
    }
    long chunkIndex = end >>> CHUNK_BITS;
    int within = (int) (end & (CHUNK_SIZE - 1));
    if (within + entry > CHUNK_SIZE) {
      chunkIndex++;
      within = 0;
    }
    if (chunkIndex >= chunks.length) {
      chunks = Arrays.copyOf(chunks, chunks.length + 1);
      chunks[chunks.length - 1] = new byte[Math.max(FIRST_CHUNK_SIZE, entry)];
    }
    byte[] last = chunks[chunks.length - 1];
    if (within + entry > last.length) {  // only the last chunk is short: it grows up to CHUNK_SIZE
      chunks[chunks.length - 1] = Arrays.copyOf(last, Math.min(CHUNK_SIZE, Math.max(within + entry, last.length * 2)));
    }
    end = (chunkIndex << CHUNK_BITS) + within;
    long offset = end;
    byte[] chunk = chunks[(int) (offset >>> CHUNK_BITS)];
    int at = (int) (offset & (CHUNK_SIZE - 1));
    int v = length;
    while ((v & ~0x7f) != 0) {
      chunk[at++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    chunk[at++] = (byte) v;
    System.arraycopy(key, 0, chunk, at, length);
    end = offset + entry;
    writeLong(offset + entry - 8, value);
    return offset;
  }

  private static int varIntLength(int v) {
    int n = 1;
    while ((v & ~0x7f) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  private static int readVarInt(byte[][] chunks, long offset) {
    int result = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = byteAt(chunks, offset++);
      result |= (b & 0x7f) << shift;
      if (b >= 0) {
        return result;
      }
    }
  }

  private static byte byteAt(byte[][] chunks, long offset) {
    return chunks[(int) (offset >>> CHUNK_BITS)][(int) (offset & (CHUNK_SIZE - 1))];
  }

  private static void read(byte[][] chunks, long offset, byte[] into, int length) {
    System.arraycopy(chunks[(int) (offset >>> CHUNK_BITS)], (int) (offset & (CHUNK_SIZE - 1)), into, 0, length);
  }

  private long readLong(long offset) {
    return readLong(chunks, offset);
  }

  private static long readLong(byte[][] chunks, long offset) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (byteAt(chunks, offset + i) & 0xffL);
    }
    return v;
  }

  private void writeLong(long offset, long value) {
    byte[] chunk = chunks[(int) (offset >>> CHUNK_BITS)];
    int at = (int) (offset & (CHUNK_SIZE - 1));
    for (int i = 7; i >= 0; i--) {
      chunk[at + i] = (byte) value;
      value >>>= 8;
    }
  }
}
