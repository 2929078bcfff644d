package io.changelake.sink.paimon;

import java.util.List;
import org.apache.paimon.CoreOptions;
import org.apache.paimon.data.BinaryRow;
import org.apache.paimon.data.InternalRow;
import org.apache.paimon.disk.IOManager;
import org.apache.paimon.memory.MemoryPoolFactory;
import org.apache.paimon.table.FileStoreTable;
import org.apache.paimon.table.sink.CommitMessage;
import org.apache.paimon.table.sink.TableWriteImpl;

/**
 * Paimon's {@code TableWrite} for one table, with its spill folder, as one closeable unit.
 *
 * <p>A write that committed can take the next commit's rows: it keeps each bucket's files and sequence
 * numbers in memory (no restore from the manifests per commit), and a compaction it started runs in the
 * background and lands with a later commit, as in Paimon's own streaming writers. {@link #prepareCommit}
 * waits for compactions only where Paimon's readers need them at once (deletion vectors, lookup
 * changelog: {@code CoreOptions#prepareCommitWaitCompaction}); a bucket with too many sorted runs
 * ({@code num-sorted-run.stop-trigger}) makes writes wait for its compaction.
 *
 * <p>One {@code TableWrite} per table, so one compaction at a time: splitting the buckets among one write
 * per core (tried) ran two compactions at once, each holding Parquet row groups, and a 4M-row sync ran
 * out of a 384 MiB heap.
 */
final class PaimonWrite implements AutoCloseable {
  private final long schemaId;
  private final boolean waitCompaction;
  private final IOManager ioManager;
  private final TableWriteImpl<?> write;

  private PaimonWrite(FileStoreTable table, String commitUser, String tmpDir) {
    CoreOptions options = new CoreOptions(table.options());
    this.schemaId = table.schema().id();
    this.waitCompaction = options.prepareCommitWaitCompaction();
    this.ioManager = IOManager.create(tmpDir);
    this.write = table.newWrite(commitUser).withIOManager(ioManager)
        .withMemoryPoolFactory(new MemoryPoolFactory(
            new WriteBufferPool(options.writeBufferSize(), options.pageSize())));
  }

  /**
   * A write to {@code table} by {@code commitUser} whose write buffer fits this JVM's heap (see {@link
   * TableOptions#heapBounded}), spilling into {@code tmpDir}.
   */
  static PaimonWrite open(FileStoreTable table, String commitUser, String tmpDir) {
    return new PaimonWrite(table.copy(TableOptions.heapBounded(table.options(), Runtime.getRuntime().maxMemory())),
        commitUser, tmpDir);
  }

  /** Whether this write still matches {@code table}'s columns, so it can take rows for it. */
  boolean fits(FileStoreTable table) {
    return table.schema().id() == schemaId;
  }

  /** Makes the files written replace the table's (every bucket starts empty); before any row. */
  void ignorePreviousFiles() {
    write.withIgnorePreviousFiles(true);
  }

  void write(InternalRow row) throws Exception {
    write.write(row);
  }

  /** Starts a full compaction of one bucket: one sorted run at the last level. */
  void compactFully(BinaryRow partition, int bucket) throws Exception {
    write.compact(partition, bucket, true);
  }

  /** The files to commit as {@code identifier}: what was written, and the compactions that finished. */
  List<CommitMessage> prepareCommit(long identifier) throws Exception {
    return write.prepareCommit(waitCompaction, identifier);
  }

  /** The files to commit as {@code identifier}, once every compaction started has finished. */
  List<CommitMessage> prepareCommitAfterCompactions(long identifier) throws Exception {
    return write.prepareCommit(true, identifier);
  }

  /** Stops compactions and deletes the files not handed to a commit. */
  @Override
  public void close() throws Exception {
    try {
      write.close();
    } finally {
      ioManager.close();
    }
  }
}
