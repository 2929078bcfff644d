package io.changelake.sink.iceberg;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.DeleteGranularity;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.io.DataWriteResult;
import org.apache.iceberg.io.DeleteWriteResult;
import org.apache.iceberg.io.FanoutPositionOnlyDeleteWriter;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileWriterFactory;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.io.RollingDataWriter;
import org.apache.iceberg.io.RollingEqualityDeleteWriter;
import org.apache.iceberg.io.WriteResult;
import org.apache.iceberg.util.PropertyUtil;

/**
 * Streams one commit's data rows, equality deletes and position deletes into rolling Parquet
 * files of one partition (the whole table while tables are unpartitioned).
 *
 * <p>A keyed writer finds a key's earlier row through a {@link KeyIndex}:
 * <ul>
 *   <li>with the table's index ({@link DeleteMode#POSITION}), which knows every live row, an upsert
 *       or delete of a key writes a position delete of its row, or nothing when the table has none;
 *       inserts are recorded in the index too.
 *   <li>with an index of this writer's upserts only ({@link DeleteMode#EQUALITY}), a key the writer
 *       has not upserted gets an equality delete (it removes rows of earlier commits); one it has
 *       upserted gets a position delete, since an equality delete does not apply to rows of its own
 *       commit (what Iceberg's {@code BaseEqualityDeltaWriter} does). Inserted keys are not remembered,
 *       so inserting stays memory-bounded however many rows a commit holds; a key inserted must not be
 *       touched again by the same writer, as the {@link io.changelake.api.spi.TableWriter} contract says.
 * </ul>
 * A position may point into a data file of this commit: position deletes apply to data files of their
 * own commit.
 *
 * <p>Partitioning later means one of these per partition; equality deletes should then be written
 * under the unpartitioned spec so that they reach a row in whatever partition it lives.
 */
final class ChangeFileWriter implements Closeable {
  private final RollingDataWriter<Record> data;
  private final RollingEqualityDeleteWriter<Record> equalityDeletes;
  private final FanoutPositionOnlyDeleteWriter<Record> positionDeletes;
  private final PartitionSpec spec;
  private final StructLike partition;
  private final FileIO io;
  private final KeyIndex index;
  private final PositionDelete<Record> positionDelete = PositionDelete.create();
  private WriteResult result;

  /**
   * A writer of Parquet files for {@code table}'s current schema and spec, rolling at its
   * {@code write.target-file-size-bytes}.
   *
   * @param deleteSchema the identifier fields, or null for a writer that only takes inserts
   * @param tableIndex the table's index of every live row (position deletes only), or null for
   *     equality deletes; ignored without a delete schema
   */
  static ChangeFileWriter forTable(Table table, Schema deleteSchema, KeyIndex tableIndex) {
    long targetFileSize = PropertyUtil.propertyAsLong(table.properties(),
        TableProperties.WRITE_TARGET_FILE_SIZE_BYTES, TableProperties.WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT);
    OutputFileFactory fileFactory = OutputFileFactory.builderFor(table, 1, System.nanoTime())
        .format(FileFormat.PARQUET)
        .operationId(UUID.randomUUID().toString())
        .build();
    GenericFileWriterFactory.Builder factory = new GenericFileWriterFactory.Builder(table)
        .dataSchema(table.schema())
        .dataFileFormat(FileFormat.PARQUET)
        .deleteFileFormat(FileFormat.PARQUET);
    if (deleteSchema != null && tableIndex == null) {
      factory.equalityFieldIds(deleteSchema.columns().stream().mapToInt(f -> f.fieldId()).toArray())
          .equalityDeleteRowSchema(deleteSchema);
    }
    return new ChangeFileWriter(factory.build(), fileFactory, table.io(), targetFileSize, table.spec(), null,
        deleteSchema, tableIndex);
  }

  private ChangeFileWriter(FileWriterFactory<Record> factory, OutputFileFactory files, FileIO io, long targetFileSize,
      PartitionSpec spec, StructLike partition, Schema deleteSchema, KeyIndex tableIndex) {
    this.spec = spec;
    this.partition = partition;
    this.io = io;
    this.data = new RollingDataWriter<>(factory, files, io, targetFileSize, spec, partition);
    if (deleteSchema != null) {
      this.equalityDeletes = tableIndex == null
          ? new RollingEqualityDeleteWriter<>(factory, files, io, targetFileSize, spec, partition) : null;
      this.positionDeletes = new FanoutPositionOnlyDeleteWriter<>(factory, files, io, targetFileSize,
          DeleteGranularity.FILE);
      this.index = tableIndex != null ? tableIndex : KeyIndex.empty(deleteSchema);
    } else {
      this.equalityDeletes = null;
      this.positionDeletes = null;
      this.index = null;
    }
  }

  /** Writes a row of a writer without a delete schema (an append table, a compaction). */
  void insert(Record row) {
    data.write(row);
  }

  /** Writes a row whose key (a record of the delete schema) the table does not hold. */
  void insert(Record row, Record key) {
    if (equalityDeletes == null && index != null) {
      index.put(key, data.currentFilePath().toString(), data.currentFileRows());
    }
    data.write(row);
  }

  /** Replaces the row of {@code key} (a record of the delete schema) by {@code row}. */
  void upsert(Record row, Record key) {
    deleteEarlier(key, index.put(key, data.currentFilePath().toString(), data.currentFileRows()));
    data.write(row);
  }

  /** Removes the row of {@code key} (a record of the delete schema). */
  void delete(Record key) {
    deleteEarlier(key, index.remove(key));
  }

  private void deleteEarlier(Record key, KeyIndex.RowPosition previous) {
    if (previous != null) {
      positionDelete.set(previous.file(), previous.position());
      positionDeletes.write(positionDelete, spec, partition);
    } else if (equalityDeletes != null) {
      equalityDeletes.write(key);
    }
  }

  /** Closes every file and returns them; idempotent. */
  WriteResult complete() throws IOException {
    if (result == null) {
      close();
      WriteResult.Builder builder = WriteResult.builder();
      DataWriteResult dataResult = data.result();
      builder.addDataFiles(dataResult.dataFiles());
      if (equalityDeletes != null) {
        builder.addDeleteFiles(equalityDeletes.result().deleteFiles());
      }
      if (positionDeletes != null) {
        DeleteWriteResult pos = positionDeletes.result();
        builder.addDeleteFiles(pos.deleteFiles()).addReferencedDataFiles(pos.referencedDataFiles());
      }
      result = builder.build();
    }
    return result;
  }

  /** Closes and deletes every file written. */
  void abort() throws IOException {
    List<ContentFile<?>> written = new ArrayList<>();
    WriteResult files = complete();
    written.addAll(List.of(files.dataFiles()));
    written.addAll(List.of(files.deleteFiles()));
    for (ContentFile<?> file : written) {
      io.deleteFile(file.location());
    }
  }

  @Override
  public void close() throws IOException {
    IOException failure = null;
    for (Closeable writer : new Closeable[] {data, equalityDeletes, positionDeletes}) {
      try {
        if (writer != null) {
          writer.close();
        }
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
