package io.changelake.sink.delta;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.Row;
import io.delta.kernel.internal.DeltaLogActionUtils.DeltaAction;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.actions.AddFile;
import io.delta.kernel.internal.actions.DeletionVectorDescriptor;
import io.delta.kernel.internal.actions.SingleAction;
import io.delta.kernel.internal.data.GenericRow;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.internal.data.TransactionStateRow;
import io.delta.kernel.internal.deletionvectors.Base85Codec;
import io.delta.kernel.internal.util.FileNames;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

/**
 * The only place that uses Delta Kernel's {@code internal} packages, for what Kernel 4.4 has no
 * public API for yet.
 *
 * <ul>
 *   <li>Writing data files of a column-mapped table: the transaction's physical schema, since
 *       {@code Transaction.transformLogicalData} refuses such tables in 4.4 (column mapping is
 *       what lets Kernel add columns).
 *   <li>Reading a scan file's data: the file status and physical read schema helpers that Kernel's
 *       own user guide uses for the documented read loop.
 *   <li>A {@code remove} action for a file being rewritten: Kernel commits any action row it is
 *       given, but only builds {@code add} actions publicly ({@code generateAppendActions}).
 *   <li>Deletion vectors: the descriptor of a vector written by {@link DeletionVectorFile} (with
 *       Kernel's Z85 encoding of its UUID), and the {@code add} action re-adding a file with it.
 *   <li>The action kinds to read from a commit range: the public {@code CommitRange} takes an
 *       internal enum.
 *   <li>Maintenance: where a deletion vector descriptor's file is, and which version a log file belongs to
 *       (Kernel's file name rules).
 * </ul>
 */
final class KernelFiles {
  /** The kinds of actions read from each commit of a range. */
  enum LogActions {
    /** What {@link History} reads: {@code commitInfo} and {@code domainMetadata}. */
    HISTORY(EnumSet.of(DeltaAction.COMMITINFO, DeltaAction.DOMAINMETADATA)),
    /** What {@link DeltaMaintenance} reads: {@code add} and {@code remove}. */
    FILES(EnumSet.of(DeltaAction.ADD, DeltaAction.REMOVE));

    final Set<DeltaAction> kinds;

    LogActions(Set<DeltaAction> kinds) {
      this.kinds = kinds;
    }
  }

  private KernelFiles() { }

  /** The data file a scan file row (from {@code Scan.getScanFiles}) points to. */
  static FileStatus fileStatus(Row scanFile) {
    return InternalScanFileUtils.getAddFileStatus(scanFile);
  }

  /** The physical schema to read data files with, for a scan's state. */
  static StructType physicalReadSchema(Row scanState) {
    return ScanStateRow.getPhysicalDataReadSchema(scanState);
  }

  /** The physical (column-mapped) schema data files of a transaction are written with. */
  static StructType physicalWriteSchema(Row transactionState) {
    return TransactionStateRow.getPhysicalSchema(transactionState);
  }

  /** The file's {@code add.stats} JSON, when recorded. */
  static Optional<String> stats(Row scanFile) {
    Row add = addEntry(scanFile);
    int ordinal = add.getSchema().indexOf("stats");
    return ordinal < 0 || add.isNullAt(ordinal) ? Optional.empty() : Optional.of(add.getString(ordinal));
  }

  /** A {@code remove} action (dataChange) for the file of {@code scanFile}, as a commit action row. */
  static Row removeAction(Row scanFile, long deletionTimestamp) {
    AddFile add = new AddFile(addEntry(scanFile));
    return SingleAction.createRemoveFileSingleAction(add.toRemoveFileRow(true, Optional.of(deletionTimestamp)));
  }

  /** A {@code deletionVector} descriptor of a vector stored in {@code deletion_vector_<uuid>.bin} of the table folder. */
  static Row deletionVector(UUID uuid, int offset, int sizeInBytes, long cardinality) {
    return new DeletionVectorDescriptor(DeletionVectorDescriptor.UUID_DV_MARKER, Base85Codec.encodeUUID(uuid),
        Optional.of(offset), sizeInBytes, cardinality).toRow();
  }

  /** The absolute location of the deletion vector file of {@code scanFile}, if it has one stored in a file. */
  static Optional<String> deletionVectorFile(Row scanFile, String tablePath) {
    return new AddFile(addEntry(scanFile)).getDeletionVector().filter(DeletionVectorDescriptor::isOnDisk)
        .map(dv -> dv.getAbsolutePath(tablePath));
  }

  /**
   * The absolute location of the deletion vector file of the {@code add} or {@code remove} action at {@code row} of
   * {@code action} (a struct vector of a commit's actions), if it names one stored in a file.
   */
  static Optional<String> deletionVectorFile(ColumnVector action, int row, String tablePath) {
    int ordinal = ((StructType) action.getDataType()).indexOf("deletionVector");
    if (ordinal < 0 || action.getChild(ordinal).isNullAt(row)) {
      return Optional.empty();
    }
    return Optional.ofNullable(DeletionVectorDescriptor.fromColumnVector(action.getChild(ordinal), row))
        .filter(DeletionVectorDescriptor::isOnDisk).map(dv -> dv.getAbsolutePath(tablePath));
  }

  /**
   * The version a file of {@code _delta_log} belongs to (commit, checkpoint, checksum, or the last version of a log
   * compaction), or empty for other files such as {@code _last_checkpoint}.
   */
  static OptionalLong logFileVersion(String path) {
    String name = new io.delta.kernel.internal.fs.Path(path).getName();
    if (FileNames.isCommitFile(name)) {
      return OptionalLong.of(FileNames.deltaVersion(name));
    } else if (FileNames.isCheckpointFile(name)) {
      return OptionalLong.of(FileNames.checkpointVersion(name));
    } else if (FileNames.isChecksumFile(name)) {
      return OptionalLong.of(FileNames.checksumVersion(name));
    } else if (FileNames.isLogCompactionFile(name)) {
      return OptionalLong.of(FileNames.logCompactionVersions(name)._2);
    }
    return OptionalLong.empty();
  }

  /** Whether the {@code _delta_log} file at {@code path} is (a part of) a checkpoint. */
  static boolean isCheckpoint(String path) {
    return FileNames.isCheckpointFile(new io.delta.kernel.internal.fs.Path(path).getName());
  }

  /** Whether the file of {@code scanFile} has a deletion vector. */
  static boolean hasDeletionVector(Row scanFile) {
    return new AddFile(addEntry(scanFile)).getDeletionVector().isPresent();
  }

  /**
   * An {@code add} action (dataChange) re-adding the file of {@code scanFile} with {@code deletionVector}
   * (a descriptor row) in place of the one it had; every other field is kept.
   */
  static Row addActionWith(Row scanFile, Row deletionVector) {
    AddFile old = new AddFile(addEntry(scanFile));
    StructType schema = AddFile.FULL_SCHEMA;
    Map<Integer, Object> values = new HashMap<>();
    values.put(schema.indexOf("path"), old.getPath());
    values.put(schema.indexOf("partitionValues"), old.getPartitionValues());
    values.put(schema.indexOf("size"), old.getSize());
    values.put(schema.indexOf("modificationTime"), old.getModificationTime());
    values.put(schema.indexOf("dataChange"), true);
    values.put(schema.indexOf("deletionVector"), deletionVector);
    old.getTags().ifPresent(tags -> values.put(schema.indexOf("tags"), tags));
    old.getStatsJson().ifPresent(stats -> values.put(schema.indexOf("stats"), wideBounds(stats)));
    old.getBaseRowId().ifPresent(id -> values.put(schema.indexOf("baseRowId"), id));
    old.getDefaultRowCommitVersion().ifPresent(v -> values.put(schema.indexOf("defaultRowCommitVersion"), v));
    return SingleAction.createAddFileSingleAction(new GenericRow(schema, values));
  }

  /**
   * The stats JSON with {@code tightBounds} false: min/max may now belong to deleted rows (PROTOCOL.md
   * "Per-file Statistics"), which readers answering MIN/MAX from stats must know; numRecords stays the
   * file's physical row count, as the protocol requires with a deletion vector.
   */
  static String wideBounds(String stats) {
    if (stats.contains("\"tightBounds\"")) {
      return stats.replace("\"tightBounds\":true", "\"tightBounds\":false");
    }
    String body = stats.trim();
    return body.length() <= 2 ? "{\"tightBounds\":false}" : "{\"tightBounds\":false," + body.substring(1);
  }

  private static Row addEntry(Row scanFile) {
    return scanFile.getStruct(scanFile.getSchema().indexOf("add"));
  }

  /** An iterator over {@code values}, for Kernel calls that take one. */
  static <T> CloseableIterator<T> iterator(List<T> values) {
    java.util.Iterator<T> it = values.iterator();
    return new CloseableIterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public T next() {
        return it.next();
      }

      @Override
      public void close() { }
    };
  }
}
