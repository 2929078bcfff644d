package io.changelake.cli;

import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableSnapshot;
import java.util.List;

/**
 * One version of a lake table pinned for reading, with the source position its last pipeline commit recorded (the
 * table holds every change up to it).
 *
 * @param snapshotId the version read
 * @param position the serialized source position
 * @param pipeline the pipeline that made that commit
 */
record LakeVersion(long snapshotId, String position, String pipeline) {

  /**
   * The table's newest version and the position of the newest pipeline commit at or before it (later compactions
   * hold the same rows).
   *
   * @throws SinkException when no pipeline has committed to the table
   */
  static LakeVersion latest(SinkTable table) {
    List<TableSnapshot> snapshots = table.snapshots();
    for (int i = snapshots.size() - 1; i >= 0; i--) {
      var summary = snapshots.get(i).summary();
      if (summary.containsKey(CommitMetadata.POSITION)) {
        return new LakeVersion(snapshots.get(snapshots.size() - 1).id(), summary.get(CommitMetadata.POSITION),
            summary.getOrDefault(CommitMetadata.PIPELINE, ""));
      }
    }
    throw new SinkException("Lake table " + table.id() + " has no commit from a sync: there is no position to"
        + " compare the source at. Fix: run the sync until it has committed the table.");
  }
}
