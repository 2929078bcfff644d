package io.changelake.sink.delta;

import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.CommitStateUnknownException;
import io.changelake.api.spi.OwnerConflictException;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.TableWriter;
import io.changelake.api.spi.WriteMode;
import io.delta.kernel.Operation;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.ConcurrentTransactionException;
import io.delta.kernel.exceptions.ConcurrentWriteException;
import io.delta.kernel.utils.CloseableIterable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one commit's rows into Parquet files and commits them, with the pipeline position.
 *
 * <p>{@link #insert} and {@link #upsert} rows stream into new data files as they come. The keys of
 * {@link #upsert} and {@link #delete} are remembered; at {@link #commit} the rows holding them in the
 * snapshot this writer started from are removed by the table's {@link RowRemoval} (files rewritten by
 * {@link CopyOnWrite}, or positions marked by {@link DeletionVectors}). Append tables only take inserts. After {@link #overwrite} every live file is
 * removed.
 *
 * <p>{@link #commit} is one Delta commit: the {@code add} and {@code remove} actions, a {@code txn}
 * action (app id = the pipeline, version = one more than the pipeline's last) that makes Delta refuse
 * a second commit of the same batch, and the {@link CommitRecord} domain metadata with the position.
 * An unknown outcome does no cleanup: the files may be part of the table.
 */
final class DeltaTableWriter implements TableWriter {
  private static final Logger LOG = LoggerFactory.getLogger(DeltaTableWriter.class);
  private static final int BATCH_ROWS = 4096;

  private enum State { OPEN, COMMITTED, ABORTED, UNKNOWN }

  private final DeltaTable owner;
  private final Engine engine;
  private final Snapshot snapshot;
  private final TableSchema schema;
  private final boolean keyed;
  private final RowBatchBuilder batch;
  private final ParquetStream files;
  private final RowRemoval removal;
  private final Map<String, String> enableProperties;
  private final Set<RowKey> touched = new HashSet<>();
  private State state = State.OPEN;
  private boolean overwrite;
  private long rows;

  /**
   * A writer of {@code owner} from {@code snapshot}, removing replaced rows with {@code removal}; its commit
   * also sets {@code enableProperties} (table properties the removal needs, e.g. to enable deletion vectors);
   * up to {@code writeThreads} threads write its Parquet files.
   */
  DeltaTableWriter(DeltaTable owner, Engine engine, Snapshot snapshot, TableSchema schema, WriteMode mode,
      RowRemoval removal, Map<String, String> enableProperties, int writeThreads) {
    this.owner = owner;
    this.removal = removal;
    this.enableProperties = Map.copyOf(enableProperties);
    this.engine = engine;
    this.snapshot = snapshot;
    this.schema = schema;
    this.keyed = mode == WriteMode.UPSERT && schema.hasPrimaryKey();
    Transaction write = newTransaction().build(engine);
    this.batch = new RowBatchBuilder(schema, write.getSchema(engine), BATCH_ROWS);
    this.files = new ParquetStream(engine, write.getTransactionState(engine), owner.id().toString(),
        writeThreads);
  }

  private io.delta.kernel.transaction.UpdateTableTransactionBuilder newTransaction() {
    return snapshot.buildUpdateTableTransaction(DeltaSink.ENGINE_INFO, Operation.WRITE);
  }

  @Override
  public void overwrite() {
    checkOpen();
    if (rows > 0 || !touched.isEmpty()) {
      throw new IllegalStateException("overwrite() must come before any row is written to table " + owner.id());
    }
    overwrite = true;
  }

  @Override
  public void insert(Row row) {
    checkOpen();
    add(row);
  }

  @Override
  public void upsert(Row row) {
    checkOpen();
    requireKeyed("upsert");
    remember(row.key(schema));
    add(row);
  }

  @Override
  public void delete(RowKey key) {
    checkOpen();
    requireKeyed("delete");
    if (key.values().size() != schema.primaryKey().size()) {
      throw new IllegalArgumentException("Key " + key + " has " + key.values().size() + " values; table "
          + owner.id() + " has the key " + schema.primaryKey());
    }
    remember(key);
  }

  private void remember(RowKey key) {
    if (!touched.add(key)) {
      throw new IllegalArgumentException("Key " + key + " was already upserted or deleted by this writer of table "
          + owner.id() + "; fold changes by key before writing (one change per key per commit)");
    }
  }

  private void add(Row row) {
    if (batch.add(row)) {
      flush();
    }
    rows++;
  }

  private void flush() {
    files.write(new FilteredColumnarBatch(batch.drain(), Optional.empty()));
  }

  @Override
  public void commit(CommitMetadata metadata) {
    checkOpen();
    List<io.delta.kernel.data.Row> actions = new ArrayList<>();
    RowRemoval.Result rewrite;
    try {
      if (!batch.isEmpty()) {
        flush();
      }
      rewrite = overwrite ? new RowRemoval.Result(new CopyOnWrite(engine, snapshot, schema).removeAll(), 0, 0)
          : removal.apply(touched, files);
      actions.addAll(files.finish());
      actions.addAll(rewrite.actions());
    } catch (RuntimeException e) {
      abort();
      throw new SinkException("Writing files for table " + owner.id() + " failed: " + e.getMessage(), e);
    }
    TransactionCommitResult result;
    try {
      owner.checkOwner(snapshot, metadata.pipeline());
      long txnVersion = snapshot.getLatestTransactionVersion(engine, metadata.pipeline()).orElse(-1L) + 1;
      io.delta.kernel.transaction.UpdateTableTransactionBuilder builder = newTransaction()
          .withTransactionId(metadata.pipeline(), txnVersion);
      if (!enableProperties.isEmpty()) {
        builder = builder.withTablePropertiesAdded(enableProperties);
      }
      Transaction txn = builder.build(engine);
      txn.addDomainMetadata(CommitRecord.DOMAIN, CommitRecord.toJson(metadata, Instant.now()));
      result = txn.commit(engine, CloseableIterable.inMemoryIterable(KernelFiles.iterator(actions)));
      state = State.COMMITTED;
    } catch (io.delta.kernel.exceptions.CommitStateUnknownException e) {
      state = State.UNKNOWN;
      throw new CommitStateUnknownException("The outcome of the commit to table " + owner.id() + " at position "
          + metadata.position() + " is unknown (" + e.getMessage() + "). Its files were kept. Check with"
          + " `changelake snapshots " + owner.id() + "` whether a version carries that position;"
          + " a restart resumes from whatever the table recorded.", e);
    } catch (ConcurrentTransactionException e) {
      abort();
      throw new SinkException("Table " + owner.id() + " already has a newer commit of pipeline '"
          + metadata.pipeline() + "' than the version this writer started from, so this commit (position "
          + metadata.position() + ") was refused as a replay. Nothing was written; restart the pipeline so it"
          + " resumes from the table's last commit, and make sure only one process runs it.", e);
    } catch (ConcurrentWriteException e) {
      abort();
      owner.checkOwner(owner.latest(), metadata.pipeline());  // the conflict may be another pipeline's commit
      throw new SinkException("Commit to table " + owner.id() + " conflicts with a concurrent change ("
          + e.getMessage() + "). Make sure one pipeline writes each table and that maintenance jobs"
          + " (OPTIMIZE, other writers) do not run at the same time, then restart.", e);
    } catch (OwnerConflictException e) {
      abort();
      throw e;
    } catch (RuntimeException e) {
      abort();
      throw new SinkException("Commit to table " + owner.id() + " failed: " + e.getMessage(), e);
    }
    owner.afterCommit(result);
    LOG.debug("Committed {} to {} as version {}: {} rows written, {} keys replaced or deleted, {} actions on old"
            + " files ({} rows copied, {} deleted)", metadata.position(), owner.id(), result.getVersion(), rows,
        touched.size(), rewrite.actions().size(), rewrite.rowsCopied(), rewrite.rowsDeleted());
  }

  @Override
  public void abort() {
    if (state == State.OPEN) {
      files.abort();
      removal.discard();
      state = State.ABORTED;
    }
  }

  @Override
  public void close() {
    abort();
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
