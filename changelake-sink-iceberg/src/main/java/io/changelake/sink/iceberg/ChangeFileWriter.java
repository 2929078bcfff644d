package io.changelake.sink.iceberg;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.InternalRecordWrapper;
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
import org.apache.iceberg.util.StructLikeMap;
import org.apache.iceberg.util.PropertyUtil;
import org.apache.iceberg.util.StructLikeUtil;

/**
 * Streams one commit's data rows, equality deletes and position deletes into rolling Parquet
 * files of one partition (the whole table while tables are unpartitioned).
 *
 * <ul>
 *   <li>{@link #insert}: a data row, nothing else. Its key is not remembered, so inserting stays
 *       memory-bounded however many rows a commit holds (an initial snapshot).
 *   <li>{@link #upsert}: an equality delete of the key (removing the row from earlier commits) and
 *       the new data row, whose file and position are remembered by key.
 *   <li>{@link #delete}: an equality delete of the key.
 * </ul>
 *
 * <p>An equality delete does not apply to rows of its own commit, so upserting or deleting a key
 * already upserted by this writer writes a position delete against the earlier copy instead (what
 * Iceberg's {@code BaseEqualityDeltaWriter} does). A key inserted by {@link #insert} must not be
 * touched again by the same writer, as the {@link io.changelake.api.spi.TableWriter} contract says.
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
  private final InternalRecordWrapper keyWrapper;
  private final Map<StructLike, Position> upserted;
  private final PositionDelete<Record> positionDelete = PositionDelete.create();
  private WriteResult result;

  private record Position(CharSequence path, long row) { }

  /**
   * A writer of Parquet files for {@code table}'s current schema and spec, rolling at its
   * {@code write.target-file-size-bytes}.
   *
   * @param deleteSchema the identifier fields, or null for a writer that only takes inserts
   */
  static ChangeFileWriter forTable(Table table, Schema deleteSchema) {
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
    if (deleteSchema != null) {
      factory.equalityFieldIds(deleteSchema.columns().stream().mapToInt(f -> f.fieldId()).toArray())
          .equalityDeleteRowSchema(deleteSchema);
    }
    return new ChangeFileWriter(factory.build(), fileFactory, table.io(), targetFileSize, table.spec(), null,
        deleteSchema);
  }

  private ChangeFileWriter(FileWriterFactory<Record> factory, OutputFileFactory files, FileIO io, long targetFileSize,
      PartitionSpec spec, StructLike partition, Schema deleteSchema) {
    this.spec = spec;
    this.partition = partition;
    this.io = io;
    this.data = new RollingDataWriter<>(factory, files, io, targetFileSize, spec, partition);
    if (deleteSchema != null) {
      this.equalityDeletes = new RollingEqualityDeleteWriter<>(factory, files, io, targetFileSize, spec, partition);
      this.positionDeletes = new FanoutPositionOnlyDeleteWriter<>(factory, files, io, targetFileSize,
          DeleteGranularity.FILE);
      this.keyWrapper = new InternalRecordWrapper(deleteSchema.asStruct());
      this.upserted = StructLikeMap.create(deleteSchema.asStruct());
    } else {
      this.equalityDeletes = null;
      this.positionDeletes = null;
      this.keyWrapper = null;
      this.upserted = null;
    }
  }

  void insert(Record row) {
    data.write(row);
  }

  /** Replaces the row of {@code key} (a record of the delete schema) by {@code row}. */
  void upsert(Record row, Record key) {
    StructLike wrapped = keyWrapper.wrap(key);
    if (!deleteUpserted(wrapped)) {
      equalityDeletes.write(key);
    }
    upserted.put(StructLikeUtil.copy(wrapped), new Position(data.currentFilePath(), data.currentFileRows()));
    data.write(row);
  }

  /** Removes the row of {@code key} (a record of the delete schema). */
  void delete(Record key) {
    if (!deleteUpserted(keyWrapper.wrap(key))) {
      equalityDeletes.write(key);
    }
  }

  private boolean deleteUpserted(StructLike key) {
    Position previous = upserted.remove(key);
    if (previous == null) {
      return false;
    }
    positionDelete.set(previous.path(), previous.row());
    positionDeletes.write(positionDelete, spec, partition);
    return true;
  }

  /** Closes every file and returns them; idempotent. */
  WriteResult complete() throws IOException {
    if (result == null) {
      close();
      WriteResult.Builder builder = WriteResult.builder();
      DataWriteResult dataResult = data.result();
      builder.addDataFiles(dataResult.dataFiles());
      if (equalityDeletes != null) {
        DeleteWriteResult eq = equalityDeletes.result();
        DeleteWriteResult pos = positionDeletes.result();
        builder.addDeleteFiles(eq.deleteFiles()).addDeleteFiles(pos.deleteFiles())
            .addReferencedDataFiles(pos.referencedDataFiles());
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
    if (upserted != null) {
      upserted.clear();
    }
    if (failure != null) {
      throw failure;
    }
  }
}
