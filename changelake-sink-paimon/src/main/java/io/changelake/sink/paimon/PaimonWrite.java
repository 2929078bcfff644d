package io.changelake.sink.paimon;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.paimon.CoreOptions;
import org.apache.paimon.data.BinaryRow;
import org.apache.paimon.data.InternalRow;
import org.apache.paimon.disk.IOManager;
import org.apache.paimon.memory.MemoryPoolFactory;
import org.apache.paimon.table.FileStoreTable;
import org.apache.paimon.table.sink.CommitMessage;
import org.apache.paimon.table.sink.TableWriteImpl;

/**
 * Paimon's {@code TableWrite}s for one table, with their spill folders, as one closeable unit.
 *
 * <p>The buckets of a fixed-bucket table are split among up to one {@code TableWrite} per core (as
 * Paimon's Flink sink splits them among subtasks), each with an equal share of the write buffer:
 * {@link #prepareCommit} sorts and writes the buffered rows of each part on its own thread, and each part
 * compacts its buckets on its own thread.
 *
 * <p>A write that committed can take the next commit's rows: it keeps each bucket's files and sequence
 * numbers in memory (no restore from the manifests per commit), and a compaction it started runs in the
 * background and lands with a later commit, as in Paimon's own streaming writers. {@link #prepareCommit}
 * waits for compactions only where Paimon's readers need them at once (deletion vectors, lookup
 * changelog: {@code CoreOptions#prepareCommitWaitCompaction}); a bucket with too many sorted runs
 * ({@code num-sorted-run.stop-trigger}) makes writes wait for its compaction.
 *
 * <p>Used by one thread at a time.
 */
final class PaimonWrite implements AutoCloseable {
  private final long schemaId;
  private final boolean waitCompaction;
  private final List<Part> parts = new ArrayList<>();
  private final ExecutorService helpers;

  /** One {@code TableWrite}, for the buckets {@code b} with {@code b % parts == index}. */
  private record Part(IOManager ioManager, TableWriteImpl<?> write) { }

  private PaimonWrite(FileStoreTable table, String commitUser, String tmpDir, String name) {
    CoreOptions options = new CoreOptions(table.options());
    this.schemaId = table.schema().id();
    this.waitCompaction = options.prepareCommitWaitCompaction();
    int count = Math.max(1, Math.min(options.bucket(), Runtime.getRuntime().availableProcessors()));
    for (int i = 0; i < count; i++) {
      IOManager ioManager = IOManager.create(tmpDir);
      WriteBufferPool buffer = new WriteBufferPool(options.writeBufferSize() / count, options.pageSize());
      parts.add(new Part(ioManager, table.newWrite(commitUser).withIOManager(ioManager)
          .withMemoryPoolFactory(new MemoryPoolFactory(buffer))));
    }
    this.helpers = count == 1 ? null : Executors.newFixedThreadPool(count - 1, runnable -> {
      Thread thread = new Thread(runnable, "changelake-paimon-flush-" + name);
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * A write to {@code table} by {@code commitUser} whose write buffer fits this JVM's heap (see {@link
   * TableOptions#heapBounded}), spilling into {@code tmpDir}; {@code name} names its threads.
   */
  static PaimonWrite open(FileStoreTable table, String commitUser, String tmpDir, String name) {
    return new PaimonWrite(table.copy(TableOptions.heapBounded(table.options(), Runtime.getRuntime().maxMemory())),
        commitUser, tmpDir, name);
  }

  /** Whether this write still matches {@code table}'s columns and options, so it can take rows for it. */
  boolean fits(FileStoreTable table) {
    return table.schema().id() == schemaId;
  }

  /** Makes the files written replace the table's (every bucket starts empty); before any row. */
  void ignorePreviousFiles() {
    parts.forEach(part -> part.write().withIgnorePreviousFiles(true));
  }

  void write(InternalRow row) throws Exception {
    if (parts.size() == 1) {
      parts.get(0).write().write(row);
      return;
    }
    int bucket = parts.get(0).write().getBucket(row);
    part(bucket).write(row, bucket);
  }

  /** Starts a full compaction of one bucket: one sorted run at the last level. */
  void compactFully(BinaryRow partition, int bucket) throws Exception {
    part(bucket).compact(partition, bucket, true);
  }

  private TableWriteImpl<?> part(int bucket) {
    return parts.get(bucket % parts.size()).write();
  }

  /** The files to commit as {@code identifier}: what was written, and the compactions that finished. */
  List<CommitMessage> prepareCommit(long identifier) throws Exception {
    return prepareCommit(waitCompaction, identifier);
  }

  /** The files to commit as {@code identifier}, once every compaction started has finished. */
  List<CommitMessage> prepareCommitAfterCompactions(long identifier) throws Exception {
    return prepareCommit(true, identifier);
  }

  private List<CommitMessage> prepareCommit(boolean wait, long identifier) throws Exception {
    List<Future<List<CommitMessage>>> others = new ArrayList<>();
    for (Part part : parts.subList(1, parts.size())) {
      others.add(helpers.submit(() -> part.write().prepareCommit(wait, identifier)));
    }
    List<CommitMessage> messages = new ArrayList<>();
    Throwable failure = null;
    try {
      messages.addAll(parts.get(0).write().prepareCommit(wait, identifier));
    } catch (Exception e) {
      failure = e;
    }
    for (Future<List<CommitMessage>> other : others) {
      try {
        messages.addAll(awaitUninterruptibly(other));
      } catch (ExecutionException e) {
        failure = first(failure, e.getCause());
      }
    }
    if (failure instanceof Error error) {
      throw error;
    }
    if (failure != null) {
      throw (Exception) failure;
    }
    return messages;
  }

  /** Waits for {@code future} even if interrupted (its part must not be in use when this write closes). */
  private static <T> T awaitUninterruptibly(Future<T> future) throws ExecutionException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return future.get();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static Throwable first(Throwable failure, Throwable next) {
    if (failure == null) {
      return next;
    }
    failure.addSuppressed(next);
    return failure;
  }

  /** Stops compactions and deletes the files not handed to a commit. */
  @Override
  public void close() throws Exception {
    if (helpers != null) {
      helpers.shutdownNow();
    }
    Exception failure = null;
    for (Part part : parts) {
      try {
        part.write().close();
        part.ioManager().close();
      } catch (Exception e) {
        failure = (Exception) first(failure, e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
