package io.changelake.source.kafka;

import io.changelake.api.model.SourcePosition;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a Kafka source stands: for each partition read, the offset of the next record to read (a vector of
 * next offsets). The vector is what a table commit stores.
 *
 * <p>The position of a change also names the record it came from ({@link #record()}): its partition and offset,
 * plus the vector just after it. Positions compare as follows:
 * <ul>
 *   <li>a change's position against a vector without a record (a table's committed position): negative exactly
 *       when the vector's next offset for the change's partition is beyond the change's offset, i.e. the table
 *       holds the record; positive otherwise (a partition the vector lacks holds nothing). This is the engine's
 *       skip test, exact per partition however the consumer interleaves partitions after a restart;</li>
 *   <li>any other two positions by their vectors: equal when equal, smaller when no partition is further and
 *       one is behind (a partition a vector lacks counts as behind every offset). Vectors of one run only grow,
 *       so they are ordered; two vectors neither of which is behind the other (runs that interleaved partitions
 *       differently) are ordered by the sum of their offsets, then partition by partition, to keep the order
 *       total.</li>
 * </ul>
 * Resuming seeks every partition to the vector the engine chose (the lowest any table holds); a partition that no
 * vector holds starts at {@code auto.offset.reset}. Immutable.
 */
public final class KafkaPosition implements SourcePosition {
  private final TopicPartition[] partitions;
  private final long[] next;
  private final int recordPartition;
  private final long recordOffset;

  private KafkaPosition(TopicPartition[] partitions, long[] next, int recordPartition, long recordOffset) {
    this.partitions = partitions;
    this.next = next;
    this.recordPartition = recordPartition;
    this.recordOffset = recordOffset;
  }

  /** A vector of next offsets, without a record. */
  public static KafkaPosition of(Map<TopicPartition, Long> nextOffsets) {
    TreeMap<String, TopicPartition> sorted = new TreeMap<>();
    nextOffsets.keySet().forEach(tp -> sorted.put(tp.toString(), tp));
    TopicPartition[] partitions = sorted.values().toArray(TopicPartition[]::new);
    long[] next = new long[partitions.length];
    for (int i = 0; i < partitions.length; i++) {
      next[i] = nextOffsets.get(partitions[i]);
    }
    return new KafkaPosition(partitions, next, -1, -1);
  }

  /** The position of the record at {@code offset} of {@code partition}: this vector with the record read. */
  KafkaPosition afterRecord(TopicPartition partition, long offset) {
    int index = indexOf(partition);
    if (index < 0) {
      throw new IllegalArgumentException(partition + " is not one of " + Arrays.toString(partitions));
    }
    long[] advanced = next.clone();
    advanced[index] = Math.max(advanced[index], offset + 1);
    return new KafkaPosition(partitions, advanced, index, offset);
  }

  /** This vector with {@code partition} at {@code nextOffset}, without a record. */
  KafkaPosition at(TopicPartition partition, long nextOffset) {
    int index = indexOf(partition);
    if (index < 0) {
      Map<TopicPartition, Long> offsets = offsets();
      offsets.put(partition, nextOffset);
      return of(offsets);
    }
    long[] moved = next.clone();
    moved[index] = nextOffset;
    return new KafkaPosition(partitions, moved, -1, -1);
  }

  /** The vector: each partition's next offset. */
  public Map<TopicPartition, Long> offsets() {
    Map<TopicPartition, Long> offsets = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
    for (int i = 0; i < partitions.length; i++) {
      offsets.put(partitions[i], next[i]);
    }
    return offsets;
  }

  /** The next offset of {@code partition}, or -1 when this vector does not hold it. */
  public long nextOffset(TopicPartition partition) {
    int index = indexOf(partition);
    return index < 0 ? -1 : next[index];
  }

  /** Whether this is the position of a record (a change) rather than a bare vector. */
  public boolean record() {
    return recordPartition >= 0;
  }

  private int indexOf(TopicPartition partition) {
    for (int i = 0; i < partitions.length; i++) {
      if (partitions[i].equals(partition)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public int compareTo(SourcePosition other) {
    KafkaPosition that = (KafkaPosition) other;
    if (record() && !that.record()) {
      return recordOffset < that.nextOffset(partitions[recordPartition]) ? -1 : 1;
    }
    if (!record() && that.record()) {
      return -that.compareTo(this);
    }
    boolean behind = false;
    boolean ahead = false;
    long sum = 0;
    long thatSum = 0;
    for (int i = 0; i < partitions.length; i++) {
      long theirs = that.nextOffset(partitions[i]);
      behind |= next[i] < theirs;
      ahead |= next[i] > theirs;
      sum += next[i];
    }
    for (int i = 0; i < that.partitions.length; i++) {
      behind |= indexOf(that.partitions[i]) < 0;
      thatSum += that.next[i];
    }
    if (behind != ahead) {
      return behind ? -1 : 1;
    }
    if (!behind) {
      return 0;
    }
    return sum != thatSum ? Long.compare(sum, thatSum) : serialize().compareTo(that.serialize());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KafkaPosition that && Arrays.equals(partitions, that.partitions)
        && Arrays.equals(next, that.next) && recordPartition == that.recordPartition
        && recordOffset == that.recordOffset;
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(partitions), Arrays.hashCode(next), recordPartition, recordOffset);
  }

  /** {@code topic:partition=next} entries separated by commas (topic names hold no ':', ',' or '='). */
  @Override
  public String serialize() {
    StringJoiner joined = new StringJoiner(",");
    for (int i = 0; i < partitions.length; i++) {
      joined.add(partitions[i].topic() + ":" + partitions[i].partition() + "=" + next[i]);
    }
    return joined.toString();
  }

  /**
   * Parses {@link #serialize()}'s form.
   *
   * @throws IllegalArgumentException when {@code text} is not one
   */
  public static KafkaPosition parse(String text) {
    Map<TopicPartition, Long> offsets = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
    if (!text.isEmpty()) {
      for (String entry : text.split(",")) {
        int colon = entry.lastIndexOf(':');
        int equals = entry.lastIndexOf('=');
        if (colon <= 0 || equals < colon) {
          throw new IllegalArgumentException("Not a Kafka position: " + text);
        }
        offsets.put(new TopicPartition(entry.substring(0, colon), Integer.parseInt(entry.substring(colon + 1, equals))),
            Long.parseLong(entry.substring(equals + 1)));
      }
    }
    return of(offsets);
  }

  @Override
  public boolean inSnapshot() {
    return false;
  }

  @Override
  public String describe() {
    String vector = serialize();
    return record() ? partitions[recordPartition] + "@" + recordOffset + " [" + vector + "]" : "[" + vector + "]";
  }

  @Override
  public String toString() {
    return describe();
  }
}
