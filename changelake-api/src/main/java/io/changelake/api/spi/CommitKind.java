package io.changelake.api.spi;

import java.util.Locale;

/**
 * What a pipeline commit did, recorded with its {@link CommitMetadata} under {@link CommitMetadata#KIND} as its
 * {@link #label()}. Compactions and other maintenance record no {@link CommitMetadata}, hence no kind.
 */
public enum CommitKind {
  /** A round of changes streamed from the source. */
  STREAM,
  /** Rows of the table's first copy from the source (its initial snapshot, or the table copied alone). */
  SNAPSHOT,
  /**
   * A copy that replaces the rows the table held: a table reset with {@code changelake reset}, or whose initial
   * snapshot is taken again.
   */
  RESET,
  /** Rows {@code changelake verify --repair} rewrote, keeping the table's position. */
  REPAIR,
  /** A pipeline commit that recorded no kind: one written before changelake recorded kinds. */
  UNKNOWN;

  /** The name recorded in the table and shown by {@code changelake snapshots}: {@code stream}, {@code repair}, ... */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind recorded as {@code label}; {@link #UNKNOWN} for none (null) or a label this version does not know. */
  public static CommitKind ofLabel(String label) {
    for (CommitKind kind : values()) {
      if (kind.label().equals(label)) {
        return kind;
      }
    }
    return UNKNOWN;
  }
}
