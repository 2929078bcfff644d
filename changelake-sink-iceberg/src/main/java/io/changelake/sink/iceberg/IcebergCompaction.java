package io.changelake.sink.iceberg;

import io.changelake.api.model.TableId;
import io.changelake.api.spi.CommitStateUnknownException;
import io.changelake.api.spi.CompactionResult;
import io.changelake.api.spi.SinkException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.WriteResult;
import org.apache.iceberg.util.SnapshotUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites every data file of one snapshot (the starting snapshot) into new files holding its live
 * rows, and drops its delete files, in one {@code RewriteFiles} commit.
 *
 * <p>The rows are read by Iceberg's generic reader with every delete applied and written by
 * {@link ChangeFileWriter}. The commit validates from the starting snapshot and gives the new files
 * its data sequence number, so an equality delete committed after the start (by a running sync)
 * still applies to them; the delete files removed are those of the starting snapshot, which can only
 * apply to the files rewritten. Iceberg retries the commit on {@link CommitFailedException}; a
 * concurrent change to the same files ({@link ValidationException}: another compaction, an overwrite)
 * fails it and the new files are deleted. The snapshot carries no changelake position, so
 * {@link IcebergTable#lastCommit()} skips it; {@value #COMPACTION_OF} in its summary names the starting
 * snapshot. (Copying the starting snapshot's position instead would be wrong: a sync commit landing
 * meanwhile holds a newer one, which the compaction snapshot would then hide.)
 *
 * <p>{@link #plan}, {@link #rewrite} and {@link #commit} are separate steps so that tests can commit
 * in between, as a sync would.
 */
final class IcebergCompaction {
  /** Summary property of a compaction snapshot: the id of the snapshot it compacted. */
  static final String COMPACTION_OF = "changelake.compaction-of";

  private static final Logger LOG = LoggerFactory.getLogger(IcebergCompaction.class);

  private final TableId id;
  private final Table table;
  private final Snapshot start;
  private final List<DataFile> dataFiles;
  private final List<DeleteFile> deleteFiles;
  private WriteResult written;

  private IcebergCompaction(TableId id, Table table, Snapshot start, List<DataFile> dataFiles,
      List<DeleteFile> deleteFiles) {
    this.id = id;
    this.table = table;
    this.start = start;
    this.dataFiles = dataFiles;
    this.deleteFiles = deleteFiles;
  }

  /** Lists the files of {@code table}'s current snapshot. */
  static IcebergCompaction plan(TableId id, Table table) {
    table.refresh();
    if (!table.spec().isUnpartitioned()) {
      throw new SinkException("Table " + id + " is partitioned; changelake compacts unpartitioned Iceberg tables"
          + " for now. Use Spark's rewrite_data_files procedure for this one.");
    }
    Snapshot start = table.currentSnapshot();
    if (start == null) {
      return new IcebergCompaction(id, table, null, List.of(), List.of());
    }
    List<DataFile> dataFiles = new ArrayList<>();
    List<DeleteFile> deleteFiles = new ArrayList<>();
    for (ManifestFile manifest : start.dataManifests(table.io())) {
      liveFiles(ManifestFiles.read(manifest, table.io(), table.specs()), dataFiles);
    }
    for (ManifestFile manifest : start.deleteManifests(table.io())) {
      liveFiles(ManifestFiles.readDeleteManifest(manifest, table.io(), table.specs()), deleteFiles);
    }
    return new IcebergCompaction(id, table, start, dataFiles, deleteFiles);
  }

  private static <F extends ContentFile<F>> void liveFiles(ManifestReader<F> reader, List<F> into) {
    try (reader) {
      reader.forEach(file -> into.add(file.copy()));
    } catch (IOException e) {
      throw new UncheckedIOException("Reading a manifest failed", e);
    }
  }

  /** Why there is nothing to compact, or null when there is. */
  String nothingToDo() {
    if (start == null) {
      return "the table has no snapshot yet";
    }
    return deleteFiles.isEmpty() ? "the table holds no delete files; readers merge nothing" : null;
  }

  /** Writes the live rows of the starting snapshot into new data files. */
  void rewrite() {
    ChangeFileWriter files = ChangeFileWriter.forTable(table, null, null);
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).useSnapshot(start.snapshotId())
        .project(table.schema()).build()) {
      rows.forEach(files::insert);
      written = files.complete();
    } catch (IOException | RuntimeException e) {
      discard(files);
      throw new SinkException("Rewriting the rows of table " + id + " failed: " + e.getMessage()
          + ". The table is unchanged.", e);
    }
  }

  private void discard(ChangeFileWriter files) {
    try {
      files.abort();
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not delete every file the compaction of {} wrote; orphan file removal will: {}", id,
          e.toString());
    }
  }

  /** Replaces the starting snapshot's files by those {@link #rewrite} wrote. */
  CompactionResult commit() {
    RewriteFiles rewrite = table.newRewrite()
        .validateFromSnapshot(start.snapshotId())
        .dataSequenceNumber(start.sequenceNumber())
        .set(COMPACTION_OF, String.valueOf(start.snapshotId()));
    dataFiles.forEach(rewrite::deleteFile);
    deleteFiles.forEach(rewrite::deleteFile);
    Arrays.stream(written.dataFiles()).forEach(rewrite::addFile);
    try {
      rewrite.commit();
    } catch (org.apache.iceberg.exceptions.CommitStateUnknownException e) {
      throw new CommitStateUnknownException("The outcome of the compaction of table " + id + " is unknown ("
          + e.getMessage() + "). Its files were kept. Check with `changelake snapshots " + id + "` whether a"
          + " 'replace' snapshot landed; running the compaction again is safe either way.", e);
    } catch (ValidationException | CommitFailedException e) {
      deleteWritten();
      throw new SinkException("Compaction of table " + id + " conflicts with a change committed meanwhile ("
          + e.getMessage() + "); the table is unchanged. Run the compaction again.", e);
    } catch (RuntimeException e) {
      deleteWritten();
      throw new SinkException("Compaction of table " + id + " failed: " + e.getMessage()
          + "; the table is unchanged.", e);
    }
    long rows = Arrays.stream(written.dataFiles()).mapToLong(DataFile::recordCount).sum();
    return CompactionResult.committed(committedSnapshotId(), dataFiles.size(), deleteFiles.size(),
        written.dataFiles().length, rows);
  }

  /** The snapshot this compaction committed: the latest one compacting the starting snapshot. */
  private long committedSnapshotId() {
    table.refresh();
    String startId = String.valueOf(start.snapshotId());
    for (Snapshot snapshot : SnapshotUtil.currentAncestors(table)) {
      if (startId.equals(snapshot.summary().get(COMPACTION_OF))) {
        return snapshot.snapshotId();
      }
    }
    throw new IllegalStateException("The compaction of " + id + " committed, but no snapshot of it is in the"
        + " table's history; was it rolled back?");
  }

  private void deleteWritten() {
    for (DataFile file : written.dataFiles()) {
      try {
        table.io().deleteFile(file.location());
      } catch (RuntimeException e) {
        LOG.warn("Could not delete {} written by the compaction of {}; orphan file removal will: {}",
            file.location(), id, e.toString());
      }
    }
  }
}
