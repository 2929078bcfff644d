package io.changelake.sink.delta;

import java.util.Arrays;

/** How a writer removes the old rows of the keys it upserts or deletes ({@link DeltaSinkConfig#DELETE_MODE}). */
public enum DeleteMode {
  /** Files holding a changed key are rewritten without those rows ({@link CopyOnWrite}). */
  COPY_ON_WRITE("copy-on-write"),
  /** The rows' positions are marked in the files' deletion vectors ({@link DeletionVectors}). */
  DELETION_VECTORS("deletion-vectors");

  /** The Delta table property that lets writers add deletion vectors (the {@code deletionVectors} feature). */
  static final String ENABLE_PROPERTY = "delta.enableDeletionVectors";

  private final String id;

  DeleteMode(String id) {
    this.id = id;
  }

  /** The option value. */
  public String id() {
    return id;
  }

  /** The mode named {@code id}. */
  public static DeleteMode fromId(String id) {
    return Arrays.stream(values()).filter(m -> m.id.equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("Unknown delete mode '" + id + "'"));
  }
}
