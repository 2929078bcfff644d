package io.changelake.sink.iceberg;

import java.io.Closeable;
import java.io.IOException;
import io.changelake.api.model.Row;
import io.changelake.api.sink.WriterThreads;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
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
 * <p>Inserted core rows ({@link #insert(Row)}) beyond a commit's first {@value #DIRECT_INSERTS} are converted
 * and written by {@link WriterThreads} into files of their own, on up to {@code insertThreads} threads (an
 * initial snapshot); the other rows are written in order on the calling thread, so a commit of a stream
 * writes one data file.
 *
 * <p>Partitioning later means one of these per partition; equality deletes should then be written
 * under the unpartitioned spec so that they reach a row in whatever partition it lives.
 */
final class ChangeFileWriter implements Closeable {
  /** Inserted rows written on the calling thread before the insert threads take over. */
  static final int DIRECT_INSERTS = 65_536;
  /** Inserted rows handed to the insert threads at once. */
  private static final int INSERT_BATCH = 1024;

  private final FileWriterFactory<Record> factory;
  private final OutputFileFactory files;
  private final long targetFileSize;
  private final GenericRecord template;
  private final WriterThreads<List<Row>> inserts;
  private final List<DataFile> inserted = Collections.synchronizedList(new ArrayList<>());
  private List<Row> insertBatch = new ArrayList<>(INSERT_BATCH);
  private final GenericRecord direct;
  private long directInserts;
  private final RollingDataWriter<Record> data;
  private final RollingEqualityDeleteWriter<Record> equalityDeletes;
  private final FanoutPositionOnlyDeleteWriter<Record> positionDeletes;
  private final PartitionSpec spec;
  private final StructLike partition;
  private final FileIO io;
  private final KeyIndex index;
  private final PositionDelete<Record> positionDelete = PositionDelete.create();
  private WriteResult result;

  /** A writer of Parquet files for {@code table} that writes its {@link #insert(Row) inserted rows} on one thread. */
  static ChangeFileWriter forTable(Table table, Schema deleteSchema, KeyIndex tableIndex) {
    return forTable(table, deleteSchema, tableIndex, 1);
  }

  /**
   * A writer of Parquet files for {@code table}'s current schema and spec, rolling at its
   * {@code write.target-file-size-bytes}.
   *
   * @param deleteSchema the identifier fields, or null for a writer that only takes inserts
   * @param tableIndex the table's index of every live row (position deletes only), or null for
   *     equality deletes; ignored without a delete schema
   * @param insertThreads the most threads that write {@link #insert(Row) inserted rows} at once
   */
  static ChangeFileWriter forTable(Table table, Schema deleteSchema, KeyIndex tableIndex, int insertThreads) {
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
    return new ChangeFileWriter(factory.build(), fileFactory, table, targetFileSize, null, deleteSchema, tableIndex,
        insertThreads);
  }

  private ChangeFileWriter(FileWriterFactory<Record> factory, OutputFileFactory files, Table table,
      long targetFileSize, StructLike partition, Schema deleteSchema, KeyIndex tableIndex, int insertThreads) {
    FileIO io = table.io();
    PartitionSpec spec = table.spec();
    this.factory = factory;
    this.files = files;
    this.targetFileSize = targetFileSize;
    this.template = GenericRecord.create(table.schema());
    this.direct = template.copy();
    this.inserts = new WriterThreads<>("changelake-iceberg-writer-" + table.name(), insertThreads, this::writeInserts);
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

  /**
   * Writes a row whose key, if it has one, the table does not hold: on this thread while the commit has
   * inserted fewer than {@value #DIRECT_INSERTS} rows, then on an insert thread; a row that cannot be written
   * fails here. A writer with a table index takes its inserts through {@link #insert(Record, Record)} instead,
   * which records their positions in order.
   */
  void insert(Row row) {
    RowConversion.checkWritable(template.struct(), row);
    if (directInserts < DIRECT_INSERTS) {
      data.write(RowConversion.fill(direct, row));
      directInserts++;
      return;
    }
    insertBatch.add(row);
    if (insertBatch.size() == INSERT_BATCH) {
      inserts.put(insertBatch);
      insertBatch = new ArrayList<>(INSERT_BATCH);
    }
  }

  /** On an insert thread: converts and writes {@code batches} into data files of its own. */
  private void writeInserts(Iterator<List<Row>> batches) throws IOException {
    RollingDataWriter<Record> out = new RollingDataWriter<>(factory, files, io, targetFileSize, spec, partition);
    GenericRecord record = template.copy();
    try {
      while (batches.hasNext()) {
        for (Row row : batches.next()) {
          out.write(RowConversion.fill(record, row));
        }
      }
    } finally {
      out.close();
      inserted.addAll(out.result().dataFiles());
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
      if (!insertBatch.isEmpty()) {
        inserts.put(insertBatch);
        insertBatch = List.of();
      }
      try {
        inserts.finish();
      } catch (IllegalStateException e) {
        close();
        throw e;
      }
      close();
      WriteResult.Builder builder = WriteResult.builder();
      DataWriteResult dataResult = data.result();
      builder.addDataFiles(dataResult.dataFiles());
      builder.addDataFiles(List.copyOf(inserted));
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
    inserts.abort();
    insertBatch = List.of();
    List<ContentFile<?>> written = new ArrayList<>(List.copyOf(inserted));
    close();
    written.addAll(data.result().dataFiles());
    if (equalityDeletes != null) {
      written.addAll(equalityDeletes.result().deleteFiles());
    }
    if (positionDeletes != null) {
      written.addAll(positionDeletes.result().deleteFiles());
    }
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
