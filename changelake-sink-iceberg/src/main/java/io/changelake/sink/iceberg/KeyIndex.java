package io.changelake.sink.iceberg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.MetadataColumns;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;

/**
 * Where each live row of a keyed table is: key → (data file, row position), as of one snapshot plus the
 * rows a writer has written since. It lets upserts and deletes write position deletes, which readers
 * apply per data file, instead of equality deletes, which readers join against every older data file.
 *
 * <p>{@link #load} reads only the key columns and Iceberg's {@code _file}/{@code _pos} metadata columns
 * of the table, with every delete applied. A writer then moves entries as it writes ({@link #put},
 * {@link #remove}); positions in files it has not committed yet are valid within its commit, since a
 * position delete applies to data files of its own commit. After a commit {@link #committed} records the
 * new snapshot; after a failed one the index must be dropped and loaded again.
 *
 * <p>Keys are kept encoded in a {@link KeyPositionMap} (no object per row): about 30 bytes per row
 * for a {@code bigint} key.
 */
final class KeyIndex {
  private static final int FILE_BITS = 24;
  private static final int POSITION_BITS = 63 - FILE_BITS;

  private final Types.StructType keyType;
  private final InternalRecordWrapper wrapper;
  private final KeyPositionMap positions = new KeyPositionMap();
  private final List<String> files = new ArrayList<>();
  private final Map<String, Integer> fileIds = new HashMap<>();
  private byte[] scratch = new byte[64];
  private int scratchLength;
  private String lastFile;
  private int lastFileId;
  private Long snapshotId;

  private KeyIndex(Types.StructType keyType) {
    this.keyType = keyType;
    this.wrapper = new InternalRecordWrapper(keyType);
  }

  /** An empty index for keys of {@code keySchema}, as of no snapshot. */
  static KeyIndex empty(Schema keySchema) {
    return new KeyIndex(keySchema.asStruct());
  }

  /** The index of every live row of {@code table}'s current snapshot. */
  static KeyIndex load(Table table, Schema keySchema) {
    KeyIndex index = empty(keySchema);
    Snapshot current = table.currentSnapshot();
    if (current == null) {
      return index;
    }
    Schema projection = TypeUtil.join(keySchema, new Schema(MetadataColumns.FILE_PATH, MetadataColumns.ROW_POSITION));
    int keyFields = keySchema.columns().size();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).useSnapshot(current.snapshotId())
        .project(projection).build()) {
      for (Record row : rows) {
        index.put(row, row.get(keyFields, CharSequence.class).toString(), row.get(keyFields + 1, Long.class));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Reading the keys of table " + table.name() + " failed", e);
    }
    index.snapshotId = current.snapshotId();
    return index;
  }

  /** The snapshot this index describes (plus uncommitted writes), null for an empty table. */
  Long snapshotId() {
    return snapshotId;
  }

  /** Records that the writes since the last commit were committed as {@code snapshot}. */
  void committed(long snapshot) {
    this.snapshotId = snapshot;
  }

  int size() {
    return positions.size();
  }

  /** Heap bytes held by the index, about. */
  long retainedBytes() {
    return positions.retainedBytes();
  }

  /**
   * Records that the row of {@code key} (a struct whose first fields are the key, as generic values) is now at
   * {@code position} of {@code file}; returns where it was before, or null.
   */
  RowPosition put(StructLike key, String file, long position) {
    if (position >>> POSITION_BITS != 0) {
      throw new IllegalArgumentException("Row position " + position + " of " + file + " is out of the index's range");
    }
    encode(key);
    return decode(positions.put(scratch, scratchLength, ((long) fileId(file) << POSITION_BITS) | position));
  }

  /** Forgets {@code key}; returns where its row was, or null when the table has no row with it. */
  RowPosition remove(StructLike key) {
    encode(key);
    return decode(positions.remove(scratch, scratchLength));
  }

  /** Drops every entry (the table is overwritten). */
  void clear() {
    positions.clear();
    files.clear();
    fileIds.clear();
    lastFile = null;
  }

  /** A row's place: a data file and the row's position in it. */
  record RowPosition(String file, long position) { }

  private RowPosition decode(long value) {
    if (value == KeyPositionMap.ABSENT) {
      return null;
    }
    return new RowPosition(files.get((int) (value >>> POSITION_BITS)), value & ((1L << POSITION_BITS) - 1));
  }

  private int fileId(String file) {
    if (file.equals(lastFile)) {
      return lastFileId;
    }
    Integer id = fileIds.get(file);
    if (id == null) {
      if (files.size() >= 1 << FILE_BITS) {
        throw new IllegalStateException("The key index holds " + files.size() + " data files, its limit;"
            + " compact the table (changelake compact)");
      }
      id = files.size();
      files.add(file);
      fileIds.put(file, id);
    }
    lastFile = file;
    lastFileId = id;
    return id;
  }

  /** Writes the key fields of {@code key} into {@code scratch}: each as Iceberg's single-value bytes, length first. */
  private void encode(StructLike key) {
    StructLike internal = wrapper.wrap(key);
    scratchLength = 0;
    List<Types.NestedField> fields = keyType.fields();
    for (int i = 0; i < fields.size(); i++) {
      Type type = fields.get(i).type();
      Object value = internal.get(i, Object.class);
      switch (type.typeId()) {
        case INTEGER, DATE -> writeLong(((Number) value).intValue());
        case LONG, TIME, TIMESTAMP, TIMESTAMP_NANO -> writeLong((Long) value);
        default -> {
          ByteBuffer bytes = Conversions.toByteBuffer(type, value);
          writeBytes(bytes);
        }
      }
    }
  }

  private void writeLong(long value) {
    ensure(8);
    for (int i = 7; i >= 0; i--) {
      scratch[scratchLength + i] = (byte) value;
      value >>>= 8;
    }
    scratchLength += 8;
  }

  private void writeBytes(ByteBuffer bytes) {
    int length = bytes.remaining();
    ensure(length + 5);
    int v = length;
    while ((v & ~0x7f) != 0) {
      scratch[scratchLength++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    scratch[scratchLength++] = (byte) v;
    bytes.duplicate().get(scratch, scratchLength, length);
    scratchLength += length;
  }

  private void ensure(int more) {
    if (scratchLength + more > scratch.length) {
      scratch = Arrays.copyOf(scratch, Math.max(scratch.length * 2, scratchLength + more));
    }
  }
}
