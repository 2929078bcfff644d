package io.changelake.sink.paimon;

import io.changelake.api.model.TableId;
import io.changelake.api.spi.CompactionResult;
import io.changelake.api.spi.SinkException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.paimon.CoreOptions;
import org.apache.paimon.Snapshot;
import org.apache.paimon.io.CompactIncrement;
import org.apache.paimon.io.DataFileMeta;
import org.apache.paimon.manifest.BucketEntry;
import org.apache.paimon.table.FileStoreTable;
import org.apache.paimon.table.sink.CommitMessage;
import org.apache.paimon.table.sink.CommitMessageImpl;
import org.apache.paimon.table.sink.TableCommitImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A full compaction of every bucket of a Paimon table through Paimon's own writer
 * ({@code compact(partition, bucket, true)}, what Paimon's {@code sys.compact} runs): each bucket becomes
 * one sorted run at the last level, where deleted keys are dropped, so readers merge nothing.
 *
 * <p>One commit by {@link #COMMIT_USER} (not {@link PaimonTableWriter#COMMIT_USER}, whose commit
 * identifiers the sync counts), with no {@code CommitMetadata} in its properties: {@link PaimonTable#lastCommit()}
 * skips it. Paimon's commit checks conflicts with what was committed since each bucket was read: files a
 * sync added meanwhile stay in the table (newer than the compacted run, they still win on read); a
 * concurrent compaction of the same files fails this one, leaving the table as it was.
 *
 * <p>{@link #rewrite} and {@link #commit} are separate steps so that tests can commit in between, as a
 * sync would.
 */
final class PaimonCompaction implements AutoCloseable {
  /** The commit user of compactions. */
  static final String COMMIT_USER = "changelake-compact";

  private static final Logger LOG = LoggerFactory.getLogger(PaimonCompaction.class);

  private final TableId id;
  private final FileStoreTable table;
  private final long identifier;
  private final PaimonWrite write;
  private List<CommitMessage> messages = List.of();

  PaimonCompaction(TableId id, FileStoreTable table, String tmpDir) {
    this.id = id;
    this.table = table.copy(Map.of(CoreOptions.WRITE_ONLY.key(), "false"));
    this.identifier = table.snapshotManager().latestSnapshotOfUser(COMMIT_USER)
        .map(Snapshot::commitIdentifier).orElse(0L) + 1;
    this.write = PaimonWrite.open(this.table, COMMIT_USER, tmpDir);
  }

  /** Compacts every bucket of the latest snapshot into new files; returns whether anything changed. */
  boolean rewrite() {
    try {
      for (BucketEntry bucket : table.newSnapshotReader().bucketEntries()) {
        write.compactFully(bucket.partition(), bucket.bucket());
      }
      messages = write.prepareCommitAfterCompactions(identifier);
    } catch (Exception e) {
      throw new SinkException("Compacting table " + id + " failed: " + e.getMessage() + ". The table is unchanged.",
          e);
    }
    return messages.stream().anyMatch(m -> !increment(m).isEmpty());
  }

  private static CompactIncrement increment(CommitMessage message) {
    return ((CommitMessageImpl) message).compactIncrement();
  }

  /** Commits what {@link #rewrite} wrote. */
  CompactionResult commit() {
    try (TableCommitImpl commit = table.newCommit(COMMIT_USER)) {
      commit.commit(identifier, messages);
    } catch (Exception e) {
      if (snapshot().isEmpty()) {
        throw new SinkException("Compaction of table " + id + " did not commit (" + e.getMessage() + "), most"
            + " likely because a commit meanwhile compacted the same files; the table is unchanged. Run the"
            + " compaction again.", e);
      }
      LOG.warn("Compaction of {} reported {} but its snapshot is in the table; it succeeded", id, e.toString());
    }
    long snapshotId = snapshot().orElseThrow(() -> new IllegalStateException("The compaction of " + id
        + " committed, but no snapshot of it is in the table; was it expired already?")).id();
    List<CompactIncrement> increments = messages.stream().map(PaimonCompaction::increment).toList();
    return CompactionResult.committed(snapshotId,
        increments.stream().mapToLong(i -> i.compactBefore().size()).sum(),
        increments.stream().mapToLong(i -> i.deletedIndexFiles().size()).sum(),
        increments.stream().mapToLong(i -> i.compactAfter().size()).sum(),
        increments.stream().flatMap(i -> i.compactAfter().stream()).mapToLong(DataFileMeta::rowCount).sum());
  }

  /** The snapshot of this compaction's commit, if it landed. */
  private Optional<Snapshot> snapshot() {
    return table.snapshotManager().latestSnapshotOfUser(COMMIT_USER).filter(s -> s.commitIdentifier() == identifier);
  }

  /** Releases the writer, deleting files it wrote and did not hand to {@link #commit}. */
  @Override
  public void close() {
    try {
      write.close();
    } catch (Exception e) {
      LOG.warn("Closing the compaction writer of table {} failed: {}", id, e.toString());
    }
  }
}
