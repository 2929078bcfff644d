package io.changelake.sink.iceberg;

import io.changelake.api.model.TableId;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.OwnerConflictException;
import java.util.Objects;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.encryption.EncryptionManager;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.LocationProvider;

/**
 * A table's operations that refuse a pipeline commit following another pipeline's (see {@link
 * io.changelake.api.spi.TableWriter#commit}). The check reads the metadata the commit replaces, on each of Iceberg's
 * attempts, just before the catalog swaps it, so that check and commit are one atomic step: a commit of another
 * pipeline that lands in between makes the swap fail and the next attempt sees it.
 */
final class OwnerCheckedOperations implements TableOperations {
  private final TableOperations ops;
  private final TableId id;
  private final Long openedWith;

  /**
   * @param openedWith the snapshot id of the newest pipeline commit when the table was opened, or null: a commit of
   *     another pipeline may follow that one (a take-over)
   */
  OwnerCheckedOperations(TableOperations ops, TableId id, Long openedWith) {
    this.ops = ops;
    this.id = id;
    this.openedWith = openedWith;
  }

  /** A refused commit, as Iceberg's commit throws it: a validation failure, after which Iceberg cleans up. */
  static final class Refused extends ValidationException {
    private static final long serialVersionUID = 1L;
    private final OwnerConflictException conflict;

    Refused(OwnerConflictException conflict) {
      super("%s", conflict.getMessage());
      this.conflict = conflict;
    }

    OwnerConflictException conflict() {
      return conflict;
    }
  }

  /** The newest snapshot of {@code metadata}'s current lineage carrying {@link CommitMetadata}, or null. */
  static Snapshot newestPipelineCommit(TableMetadata metadata) {
    Snapshot snapshot = metadata.currentSnapshot();
    while (snapshot != null && !snapshot.summary().containsKey(CommitMetadata.POSITION)) {
      snapshot = snapshot.parentId() == null ? null : metadata.snapshot(snapshot.parentId());
    }
    return snapshot;
  }

  @Override
  public void commit(TableMetadata base, TableMetadata metadata) {
    Snapshot added = metadata.currentSnapshot();
    if (base != null && added != null && added.summary().containsKey(CommitMetadata.POSITION)) {
      String pipeline = added.summary().getOrDefault(CommitMetadata.PIPELINE, "");
      Snapshot newest = newestPipelineCommit(base);
      String owner = newest == null ? "" : newest.summary().getOrDefault(CommitMetadata.PIPELINE, "");
      if (!owner.isEmpty() && !owner.equals(pipeline) && !Objects.equals(newest.snapshotId(), openedWith)) {
        throw new Refused(new OwnerConflictException(id, owner, pipeline));
      }
    }
    ops.commit(base, metadata);
  }

  @Override
  public TableMetadata current() {
    return ops.current();
  }

  @Override
  public TableMetadata refresh() {
    return ops.refresh();
  }

  @Override
  public FileIO io() {
    return ops.io();
  }

  @Override
  public EncryptionManager encryption() {
    return ops.encryption();
  }

  @Override
  public String metadataFileLocation(String fileName) {
    return ops.metadataFileLocation(fileName);
  }

  @Override
  public LocationProvider locationProvider() {
    return ops.locationProvider();
  }

  @Override
  public TableOperations temp(TableMetadata uncommittedMetadata) {
    return ops.temp(uncommittedMetadata);
  }

  @Override
  public long newSnapshotId() {
    return ops.newSnapshotId();
  }

  @Override
  public boolean requireStrictCleanup() {
    return ops.requireStrictCleanup();
  }
}
