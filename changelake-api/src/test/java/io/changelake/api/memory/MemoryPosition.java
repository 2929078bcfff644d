package io.changelake.api.memory;

import io.changelake.api.model.SourcePosition;

/**
 * A position of a {@link MemorySource}: a number, inside the initial snapshot or after it. Every
 * snapshot position comes before every streaming position.
 *
 * @param offset the position's number, increasing in emission order
 * @param inSnapshot whether the position lies in the initial snapshot
 */
public record MemoryPosition(long offset, boolean inSnapshot) implements SourcePosition {

  /** A streaming position. */
  public static MemoryPosition at(long offset) {
    return new MemoryPosition(offset, false);
  }

  /** A position inside the initial snapshot. */
  public static MemoryPosition inSnapshot(long offset) {
    return new MemoryPosition(offset, true);
  }

  /** Parses {@link #serialize()}. */
  public static MemoryPosition parse(String serialized) {
    boolean snapshot = serialized.startsWith("s");
    return new MemoryPosition(Long.parseLong(snapshot ? serialized.substring(1) : serialized), snapshot);
  }

  @Override
  public String serialize() {
    return (inSnapshot ? "s" : "") + offset;
  }

  @Override
  public String describe() {
    return serialize();
  }

  @Override
  public int compareTo(SourcePosition other) {
    MemoryPosition that = (MemoryPosition) other;
    if (inSnapshot != that.inSnapshot) {
      return inSnapshot ? -1 : 1;
    }
    return Long.compare(offset, that.offset);
  }
}
