package io.changelake.sink.paimon;

import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.CommitStateUnknownException;
import io.changelake.api.spi.OwnerConflictException;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.TableWriter;
import io.changelake.api.spi.WriteMode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.paimon.CoreOptions;
import org.apache.paimon.Snapshot;
import org.apache.paimon.data.GenericRow;
import org.apache.paimon.manifest.ManifestCommittable;
import org.apache.paimon.table.FileStoreTable;
import org.apache.paimon.table.sink.CommitMessage;
import org.apache.paimon.table.sink.TableCommitImpl;
import org.apache.paimon.types.RowKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one commit's rows into Paimon's writer and commits them with the pipeline position.
 *
 * <p>Rows go straight into Paimon's {@code TableWrite}, whose sort buffer ({@code write-buffer-size})
 * spills to sorted files, so memory stays bounded however many rows a commit holds. Upsert tables
 * take {@code +U} rows for {@link #upsert} and {@code -D} rows for {@link #delete}; Paimon's
 * deduplicate merge engine keeps the latest row per key. Partitioned tables whose rows can move
 * between partitions go through {@link PartitionMoves}.
 *
 * <p>{@link #commit} is one Paimon commit by {@link #COMMIT_USER} with the commit identifier the
 * writer drew when it opened (one more than the last one of that user), carrying the
 * {@link CommitMetadata} keys in the snapshot properties; empty commits are not skipped, so the
 * position always advances. Paimon's {@code filterAndCommit} skips an identifier it already holds,
 * so committing the same identifier twice (a retry after an unknown outcome) cannot add rows twice.
 * Paimon retries a failed snapshot write itself and checks whether it landed; if it still fails,
 * this writer checks once more and otherwise reports the outcome as unknown, keeping the files.
 *
 * <p>The {@link PaimonWrite} comes from the table and goes back to it when the commit landed cleanly
 * (its compactions go on in the background); after an overwrite, a replay, a failure or an abort it is
 * closed.
 */
final class PaimonTableWriter implements TableWriter {
  /** The commit user of every changelake commit; stable so that identifiers compare across restarts. */
  static final String COMMIT_USER = "changelake";

  private static final Logger LOG = LoggerFactory.getLogger(PaimonTableWriter.class);

  private enum State { OPEN, COMMITTED, ABORTED, UNKNOWN }

  private final PaimonTable owner;
  private final FileStoreTable table;
  private final RowConversion conversion;
  private final boolean keyed;
  private final long identifier;
  private PaimonWrite write;
  private final PartitionMoves moves;
  private State state = State.OPEN;
  private boolean overwrite;
  private long rows;
  private long deletes;

  PaimonTableWriter(PaimonTable owner, FileStoreTable table, PaimonWrite write, RowConversion conversion,
      WriteMode mode) {
    this.owner = owner;
    this.table = table;
    this.write = write;
    this.conversion = conversion;
    this.keyed = mode == WriteMode.UPSERT && conversion.schema().hasPrimaryKey();
    this.identifier = table.snapshotManager().latestSnapshotOfUser(COMMIT_USER)
        .map(Snapshot::commitIdentifier).orElse(0L) + 1;
    this.moves = keyed && PartitionMoves.needed(conversion.schema(), table.partitionKeys())
        ? new PartitionMoves(conversion, table.partitionKeys(), owner::lookup, this::write) : null;
  }

  /** The Paimon commit identifier this writer commits with. */
  long identifier() {
    return identifier;
  }

  @Override
  public void overwrite() {
    checkOpen();
    if (rows > 0 || deletes > 0) {
      throw new IllegalStateException("overwrite() must come before any row is written to table " + owner.id());
    }
    release();  // a write that knows the table's files would keep them
    write = owner.newWrite();
    write.ignorePreviousFiles();
    overwrite = true;
  }

  @Override
  public void insert(Row row) {
    checkOpen();
    write(conversion.toPaimon(row, RowKind.INSERT));
    rows++;
  }

  @Override
  public void upsert(Row row) {
    checkOpen();
    requireKeyed("upsert");
    if (moves != null) {
      moves.upsert(row);
    } else {
      write(conversion.toPaimon(row, RowKind.UPDATE_AFTER));
    }
    rows++;
  }

  @Override
  public void delete(RowKey key) {
    checkOpen();
    requireKeyed("delete");
    if (moves != null) {
      moves.delete(key);
    } else {
      write(conversion.deleteOf(key));
    }
    deletes++;
  }

  private void write(GenericRow row) {
    try {
      write.write(row);
    } catch (Exception e) {
      throw new SinkException("Writing a row to table " + owner.id() + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void commit(CommitMetadata metadata) {
    checkOpen();
    List<CommitMessage> messages;
    try {
      owner.checkOwner(metadata.pipeline());
      if (moves != null) {
        moves.flush();
      }
      messages = write.prepareCommit(identifier);
    } catch (OwnerConflictException e) {
      abort();
      throw e;
    } catch (Exception e) {
      abort();
      throw new SinkException("Writing files for table " + owner.id() + " failed: " + e.getMessage(), e);
    }
    ManifestCommittable committable = new ManifestCommittable(identifier, null, messages, metadata.properties());
    TableCommitImpl commit;
    if (overwrite) {
      // Paimon's default dynamic partition overwrite replaces only the partitions written to, and nothing
      // when no row is written (a truncation): this commit replaces every partition
      commit = table.copy(Map.of(CoreOptions.DYNAMIC_PARTITION_OVERWRITE.key(), "false")).newCommit(COMMIT_USER)
          .withOverwrite(Map.of());
    } else {
      commit = table.newCommit(COMMIT_USER);
    }
    commit.ignoreEmptyCommit(false);
    boolean landedCleanly = false;
    try {
      // Paimon also reports a commit whose identifier another pipeline's commit took meanwhile as done (both commit
      // as COMMIT_USER): the snapshot of that identifier must be this pipeline's
      if (commit.filterAndCommitMultiple(List.of(committable)) == 0 || !landed(metadata)) {
        replayed(commit, messages, metadata);
      } else {
        landedCleanly = true;
      }
      state = State.COMMITTED;
    } catch (SinkException e) {
      throw e;
    } catch (RuntimeException e) {
      afterFailure(e, metadata);
    } finally {
      close(commit);
      if (landedCleanly && !overwrite) {
        owner.keep(write);  // its view of the buckets' files is the table's
      } else {
        release();
      }
    }
    LOG.debug("Committed {} to {} as Paimon commit {}: {} rows, {} deletes", metadata.position(), owner.id(),
        identifier, rows, deletes);
  }

  /** Whether the snapshot of this writer's identifier holds {@code metadata}. */
  private boolean landed(CommitMetadata metadata) {
    Map<String, String> properties = snapshotOf(identifier).map(Snapshot::properties).orElse(null);
    return properties != null && metadata.position().equals(properties.get(CommitMetadata.POSITION))
        && metadata.pipeline().equals(properties.get(CommitMetadata.PIPELINE));
  }

  /**
   * This identifier was committed before: fine if by this pipeline with the same position; another pipeline's commit
   * is an {@link OwnerConflictException}, a commit at another position a second writer.
   */
  private void replayed(TableCommitImpl commit, List<CommitMessage> messages, CommitMetadata metadata) {
    commit.abort(messages);
    Optional<Snapshot> earlier = snapshotOf(identifier);
    String committer = earlier.map(s -> s.properties() == null ? null : s.properties().get(CommitMetadata.PIPELINE))
        .orElse(null);
    if (committer != null && !committer.isEmpty() && !committer.equals(metadata.pipeline())) {
      state = State.ABORTED;
      throw new OwnerConflictException(owner.id(), committer, metadata.pipeline());
    }
    String position = earlier.map(s -> s.properties() == null ? null : s.properties().get(CommitMetadata.POSITION))
        .orElse(null);
    if (!metadata.position().equals(position)) {
      state = State.ABORTED;
      throw new SinkException("Table " + owner.id() + " already holds Paimon commit " + identifier + " of user '"
          + COMMIT_USER + "' (at position " + position + "), so the commit at " + metadata.position()
          + " was not applied. Another writer committed to this table meanwhile: make sure one pipeline writes"
          + " each table, then restart the sync; it resumes from what the table recorded.");
    }
    LOG.info("Paimon commit {} of table {} at {} was already applied; nothing committed again", identifier,
        owner.id(), metadata.position());
  }

  private void afterFailure(RuntimeException failure, CommitMetadata metadata) {
    Optional<Snapshot> landed;
    try {
      landed = snapshotOf(identifier);
    } catch (RuntimeException checkFailure) {
      failure.addSuppressed(checkFailure);
      landed = Optional.empty();
    }
    if (landed.isPresent()) {
      LOG.warn("Commit to table {} reported {} but snapshot {} holds it; it succeeded", owner.id(), failure.toString(),
          landed.get().id());
      state = State.COMMITTED;
      return;
    }
    state = State.UNKNOWN;
    throw new CommitStateUnknownException("The outcome of the commit to table " + owner.id() + " at position "
        + metadata.position() + " is unknown (" + failure.getMessage() + "). Its files were kept. Check with"
        + " `changelake snapshots " + owner.id() + "` whether a snapshot carries that position;"
        + " a restart resumes from whatever the table recorded.", failure);
  }

  /** The snapshot of changelake's commit {@code commitIdentifier}, if still retained. */
  private Optional<Snapshot> snapshotOf(long commitIdentifier) {
    var snapshots = table.snapshotManager();
    Long latest = snapshots.latestSnapshotId();
    Long earliest = snapshots.earliestSnapshotId();
    if (latest == null || earliest == null) {
      return Optional.empty();
    }
    for (long id = latest; id >= earliest; id--) {
      if (!snapshots.snapshotExists(id)) {
        continue;
      }
      Snapshot snapshot = snapshots.snapshot(id);
      if (COMMIT_USER.equals(snapshot.commitUser())) {
        if (snapshot.commitIdentifier() == commitIdentifier) {
          return Optional.of(snapshot);
        }
        if (snapshot.commitIdentifier() < commitIdentifier) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public void abort() {
    if (state == State.OPEN) {
      state = State.ABORTED;
      release();  // closing Paimon's writer deletes the files it wrote and did not hand to a commit
    }
  }

  @Override
  public void close() {
    abort();
  }

  private void close(TableCommitImpl commit) {
    try {
      commit.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("Closing the Paimon committer of table {} failed: {}", owner.id(), e.toString());
    }
  }

  private void release() {
    owner.discard(write);
  }

  private void checkOpen() {
    if (state != State.OPEN) {
      throw new IllegalStateException("Writer for table " + owner.id() + " is " + state.name().toLowerCase(Locale.ROOT));
    }
  }

  private void requireKeyed(String operation) {
    if (overwrite) {
      throw new IllegalStateException("Cannot " + operation + " in table " + owner.id()
          + ": this writer overwrites the table and takes inserts only");
    }
    if (!keyed) {
      throw new UnsupportedOperationException("Cannot " + operation + " in table " + owner.id()
          + ": it is an append table or has no primary key; only insert() applies");
    }
  }
}
