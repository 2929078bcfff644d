package io.changelake.sink.delta;

import io.delta.kernel.data.Row;
import java.io.IOException;
import java.util.UUID;
import java.util.zip.CRC32;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One deletion vector file of a commit, {@code <table>/deletion_vector_<uuid>.bin} (PROTOCOL.md
 * "Deletion Vector File Storage Format"): a version byte 1, then per vector its size (4 bytes, big
 * endian), the serialized bitmap and its CRC-32 (4 bytes, big endian). Files reference a vector by
 * the UUID (storage type {@code u}, Z85-encoded), the offset of its size field and its size.
 */
final class DeletionVectorFile implements AutoCloseable {
  private static final byte FORMAT_VERSION = 1;

  private final FileSystem fs;
  private final Path path;
  private final UUID uuid;
  private final FSDataOutputStream out;

  private DeletionVectorFile(FileSystem fs, Path path, UUID uuid, FSDataOutputStream out) {
    this.fs = fs;
    this.path = path;
    this.uuid = uuid;
    this.out = out;
  }

  /** Starts a new file in the table folder {@code tablePath}. */
  static DeletionVectorFile create(Configuration hadoop, String tablePath) throws IOException {
    UUID uuid = UUID.randomUUID();
    Path path = new Path(tablePath, "deletion_vector_" + uuid + ".bin");
    FileSystem fs = path.getFileSystem(hadoop);
    FSDataOutputStream out = fs.create(path, false);
    out.writeByte(FORMAT_VERSION);
    return new DeletionVectorFile(fs, path, uuid, out);
  }

  /** Appends one serialized bitmap of {@code cardinality} positions; returns its descriptor (a Delta {@code deletionVector} row). */
  Row append(byte[] bitmap, long cardinality) throws IOException {
    long offset = out.getPos();
    if (offset > Integer.MAX_VALUE) {
      throw new IOException("Deletion vector file " + path + " outgrew the 2 GB a descriptor's offset can address");
    }
    CRC32 crc = new CRC32();
    crc.update(bitmap);
    out.writeInt(bitmap.length);
    out.write(bitmap);
    out.writeInt((int) crc.getValue());
    return KernelFiles.deletionVector(uuid, (int) offset, bitmap.length, cardinality);
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  /** Closes and deletes the file (its commit failed before it could reference it). */
  void discard() {
    try {
      out.close();
    } catch (IOException ignored) {
      // deleted next
    }
    try {
      fs.delete(path, false);
    } catch (IOException ignored) {
      // an unreferenced file: VACUUM removes it
    }
  }
}
