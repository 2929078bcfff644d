package io.changelake.sink.iceberg;

import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.CommitStateUnknownException;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.TableWriter;
import io.changelake.api.spi.WriteMode;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.WriteResult;
import org.apache.iceberg.types.TypeUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one commit's rows into Parquet files and commits them with the pipeline position.
 *
 * <p>Upsert tables remove a key's earlier row with a position delete found through the table's
 * {@link KeyIndex}, or with an equality delete on the identifier fields (see {@link ChangeFileWriter}
 * and {@link DeleteMode}). Append tables and tables without a key only write data rows.
 *
 * <p>{@link #commit} adds every data and delete file in one {@code RowDelta} (an {@code AppendFiles}
 * when there are no deletes; an {@code OverwriteFiles} of every row after {@link #overwrite}), with the
 * {@link CommitMetadata} keys in the snapshot summary. Position deletes are validated against the
 * snapshot the index describes: if another commit removed a data file they point into (a compaction),
 * the commit fails and the index is loaded again by the next writer. Iceberg
 * retries the commit itself on {@link CommitFailedException} ({@code commit.retry.*} table
 * properties); a conflict that outlasts those retries aborts the writer. An unknown outcome does no
 * cleanup: the files may be part of the table.
 */
final class IcebergTableWriter implements TableWriter {
  private static final Logger LOG = LoggerFactory.getLogger(IcebergTableWriter.class);

  private enum State { OPEN, COMMITTED, ABORTED, UNKNOWN }

  private final IcebergTable owner;
  private final Table table;
  private final Schema schema;
  private final GenericRecord template;
  private final Schema deleteSchema;
  private final int[] keyOrderOfField;
  private final ChangeFileWriter files;
  private final KeyIndex index;
  private State state = State.OPEN;
  private boolean overwrite;
  private long rows;
  private long deletes;

  /**
   * @param index the table's index of live rows, to write position deletes, or null for equality deletes;
   *     this writer moves its entries and hands it back to {@code owner} on commit
   * @param writeThreads the most threads that write inserted rows at once (without an index)
   */
  IcebergTableWriter(IcebergTable owner, Table table, WriteMode mode, List<String> primaryKey, KeyIndex index,
      int writeThreads) {
    if (!table.spec().isUnpartitioned()) {
      throw new SinkException("Table " + owner.id() + " is partitioned; changelake writes unpartitioned Iceberg"
          + " tables for now. Recreate it without a partition spec or choose another --table.");
    }
    this.owner = owner;
    this.table = table;
    this.schema = table.schema();
    this.template = GenericRecord.create(schema);
    if (mode == WriteMode.UPSERT && !schema.identifierFieldIds().isEmpty()) {
      this.deleteSchema = TypeUtil.select(schema, schema.identifierFieldIds());
      this.keyOrderOfField = keyOrder(deleteSchema, primaryKey);
    } else {
      this.deleteSchema = null;
      this.keyOrderOfField = null;
    }
    this.index = deleteSchema == null ? null : index;
    this.files = ChangeFileWriter.forTable(table, deleteSchema, this.index, writeThreads);
  }

  /** For each identifier field (schema order), its position in the primary key. */
  private static int[] keyOrder(Schema deleteSchema, List<String> primaryKey) {
    return deleteSchema.columns().stream().mapToInt(f -> primaryKey.indexOf(f.name())).toArray();
  }

  @Override
  public void overwrite() {
    checkOpen();
    if (rows > 0 || deletes > 0) {
      throw new IllegalStateException("overwrite() must come before any row is written to table " + owner.id());
    }
    overwrite = true;
    if (index != null) {
      index.clear();
    }
  }

  @Override
  public void insert(Row row) {
    checkOpen();
    if (index != null) {
      Record record = RowConversion.toRecord(template, row);
      files.insert(record, keyOf(record));
    } else {
      files.insert(row);
    }
    rows++;
  }

  @Override
  public void upsert(Row row) {
    checkOpen();
    requireKeyed("upsert");
    Record record = RowConversion.toRecord(template, row);
    files.upsert(record, keyOf(record));
    rows++;
    deletes++;
  }

  @Override
  public void delete(RowKey key) {
    checkOpen();
    requireKeyed("delete");
    if (key.values().size() != keyOrderOfField.length) {
      throw new IllegalArgumentException("Key " + key + " has " + key.values().size() + " values; table "
          + owner.id() + " has a " + keyOrderOfField.length + "-column key");
    }
    files.delete(RowConversion.toKeyRecord(deleteSchema, keyOrderOfField, key));
    deletes++;
  }

  private Record keyOf(Record row) {
    Record key = GenericRecord.create(deleteSchema.asStruct());
    for (int i = 0; i < deleteSchema.columns().size(); i++) {
      String name = deleteSchema.columns().get(i).name();
      Object value = row.getField(name);
      if (value == null) {
        throw new IllegalArgumentException("Key column '" + name + "' of table " + owner.id() + " is null");
      }
      key.set(i, value);
    }
    return key;
  }

  @Override
  public void commit(CommitMetadata metadata) {
    checkOpen();
    WriteResult result;
    try {
      result = files.complete();
    } catch (IOException | RuntimeException e) {
      abort();
      throw new SinkException("Writing files for table " + owner.id() + " failed: " + e.getMessage(), e);
    }
    SnapshotUpdate<?> update = newUpdate(result);
    if (index != null && index.snapshotId() != null && update instanceof RowDelta rowDelta) {
      rowDelta.validateFromSnapshot(index.snapshotId()).validateDataFilesExist(Arrays.asList(result.referencedDataFiles()))
          .validateDeletedFiles();
    }
    metadata.properties().forEach(update::set);
    try {
      update.commit();
      state = State.COMMITTED;
      if (index != null) {
        owner.committed(index, metadata.position());
      }
    } catch (org.apache.iceberg.exceptions.CommitStateUnknownException e) {
      state = State.UNKNOWN;
      if (index != null) {
        owner.dropIndex();
      }
      throw new CommitStateUnknownException("The outcome of the commit to table " + owner.id() + " at position "
          + metadata.position() + " is unknown (" + e.getMessage() + "). Its files were kept. Check with"
          + " `changelake snapshots " + owner.id() + "` whether a snapshot carries that position;"
          + " a restart resumes from whatever the table recorded.", e);
    } catch (OwnerCheckedOperations.Refused e) {
      abort();
      throw e.conflict();
    } catch (org.apache.iceberg.exceptions.ValidationException e) {
      abort();
      throw new SinkException("Commit to table " + owner.id() + " failed: another commit (a compaction?) removed"
          + " data files this one deletes rows from (" + e.getMessage() + "). Nothing was committed; a restart"
          + " resumes from the table's last position and reloads the key index.", e);
    } catch (CommitFailedException e) {
      abort();
      throw new SinkException("Commit to table " + owner.id() + " failed after Iceberg's retries: another writer"
          + " keeps changing it (" + e.getMessage() + "). Make sure one pipeline writes each table, or raise"
          + " commit.retry.num-retries with --table-conf.", e);
    } catch (RuntimeException e) {
      abort();
      throw new SinkException("Commit to table " + owner.id() + " failed: " + e.getMessage(), e);
    }
    LOG.debug("Committed {} to {}: {} data files, {} delete files, {} rows, {} deletes", metadata.position(),
        owner.id(), result.dataFiles().length, result.deleteFiles().length, rows, deletes);
  }

  private SnapshotUpdate<?> newUpdate(WriteResult result) {
    if (overwrite) {
      OverwriteFiles replace = table.newOverwrite().overwriteByRowFilter(Expressions.alwaysTrue());
      Arrays.stream(result.dataFiles()).forEach(replace::addFile);
      return replace;
    }
    if (result.deleteFiles().length == 0) {
      AppendFiles append = table.newAppend();
      Arrays.stream(result.dataFiles()).forEach(append::appendFile);
      return append;
    }
    RowDelta rowDelta = table.newRowDelta();
    for (DataFile file : result.dataFiles()) {
      rowDelta.addRows(file);
    }
    for (DeleteFile file : result.deleteFiles()) {
      rowDelta.addDeletes(file);
    }
    return rowDelta;
  }

  @Override
  public void abort() {
    if (state == State.OPEN) {
      if (index != null) {
        owner.dropIndex();  // it holds this writer's moves
      }
      try {
        files.abort();
      } catch (IOException | RuntimeException e) {
        LOG.warn("Could not delete every file written for table {}; orphan file removal will: {}",
            owner.id(), e.toString());
      }
      state = State.ABORTED;
    }
  }

  @Override
  public void close() {
    if (state == State.OPEN) {
      abort();
    }
  }

  private void checkOpen() {
    if (state != State.OPEN) {
      throw new IllegalStateException("Writer for table " + owner.id() + " is " + state.name().toLowerCase(java.util.Locale.ROOT));
    }
  }

  private void requireKeyed(String operation) {
    if (overwrite) {
      throw new IllegalStateException("Cannot " + operation + " in table " + owner.id()
          + ": this writer overwrites the table and takes inserts only");
    }
    if (deleteSchema == null) {
      throw new UnsupportedOperationException("Cannot " + operation + " in table " + owner.id()
          + ": it is an append table or has no primary key; only insert() applies");
    }
  }
}
