package io.changelake.api.spi;

/**
 * What {@link SinkTable#compact()} did: a committed rewrite, or nothing with the reason.
 *
 * @param snapshotId the snapshot the compaction committed, or null when it committed nothing
 * @param filesRewritten data files it replaced
 * @param deleteFilesRemoved delete files (Iceberg deletes, Paimon deletion vectors) it made unnecessary and removed
 * @param filesWritten data files it wrote
 * @param rowsWritten rows in the files it wrote: the table's live rows in what it rewrote
 * @param skipped why nothing was committed, or null when {@code snapshotId} is set
 */
public record CompactionResult(Long snapshotId, long filesRewritten, long deleteFilesRemoved, long filesWritten,
    long rowsWritten, String skipped) {

  public CompactionResult {
    if ((snapshotId == null) == (skipped == null)) {
      throw new IllegalArgumentException("A compaction either committed a snapshot or was skipped with a reason,"
          + " not both or neither (snapshotId " + snapshotId + ", skipped " + skipped + ")");
    }
    if (filesRewritten < 0 || deleteFilesRemoved < 0 || filesWritten < 0 || rowsWritten < 0) {
      throw new IllegalArgumentException("File and row counts cannot be negative: " + filesRewritten + ", "
          + deleteFilesRemoved + ", " + filesWritten + ", " + rowsWritten);
    }
  }

  /** A committed compaction. */
  public static CompactionResult committed(long snapshotId, long filesRewritten, long deleteFilesRemoved,
      long filesWritten, long rowsWritten) {
    return new CompactionResult(snapshotId, filesRewritten, deleteFilesRemoved, filesWritten, rowsWritten, null);
  }

  /** Nothing to compact, because of {@code reason} (e.g. "the table holds no delete files"). */
  public static CompactionResult nothingToDo(String reason) {
    return new CompactionResult(null, 0, 0, 0, 0, reason);
  }

  /** Whether the compaction committed a snapshot. */
  public boolean committed() {
    return snapshotId != null;
  }
}
