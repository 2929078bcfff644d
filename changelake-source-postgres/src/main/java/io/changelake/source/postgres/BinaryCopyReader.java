package io.changelake.source.postgres;

import java.sql.SQLException;
import java.util.Arrays;
import org.postgresql.copy.CopyOut;

/**
 * Reads the rows of a {@code COPY ... TO STDOUT (FORMAT binary)} from pgjdbc's {@link CopyOut},
 * decoding each field with the {@link BinaryCopyValues.Decoder} of its column. Fields are decoded in
 * place from the buffers the driver returns; a field that spans two of them (which PostgreSQL, sending a
 * message per row, does not do) is joined first. Not thread-safe.
 */
final class BinaryCopyReader {
  private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
  private static final int TRAILER = -1;

  private final CopyOut copy;
  private final BinaryCopyValues.Decoder[] decoders;
  private byte[] buf = new byte[0];
  private int pos;
  private boolean started;

  BinaryCopyReader(CopyOut copy, BinaryCopyValues.Decoder[] decoders) {
    this.copy = copy;
    this.decoders = decoders.clone();
  }

  /** The values of the next row, null for SQL NULL; null after the last row, once the COPY has ended. */
  Object[] next() throws SQLException {
    if (!started) {
      readHeader();
      started = true;
    }
    require(2);
    int fields = BinaryCopyValues.int16(buf, pos);
    pos += 2;
    if (fields == TRAILER) {
      if (pos < buf.length || copy.readFromCopy() != null) {
        throw new SQLException("Binary COPY sent data after its trailer");
      }
      return null;
    }
    if (fields != decoders.length) {
      throw new SQLException("Binary COPY row has " + fields + " fields, expected " + decoders.length);
    }
    Object[] values = new Object[fields];
    for (int i = 0; i < fields; i++) {
      require(4);
      int length = BinaryCopyValues.int32(buf, pos);
      pos += 4;
      if (length >= 0) {
        require(length);
        values[i] = decoders[i].decode(buf, pos, length);
        pos += length;
      }
    }
    return values;
  }

  private void readHeader() throws SQLException {
    require(SIGNATURE.length + 8);
    if (!Arrays.equals(buf, pos, pos + SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length)) {
      throw new SQLException("Not a binary COPY stream: bad signature");
    }
    pos += SIGNATURE.length + 4; // flags: only bit 16 (OIDs) is defined, never set for a query's COPY
    int extension = BinaryCopyValues.int32(buf, pos);
    pos += 4;
    require(extension);
    pos += extension;
  }

  /** Makes {@code buf} hold at least {@code n} bytes from {@code pos}. */
  private void require(int n) throws SQLException {
    while (buf.length - pos < n) {
      byte[] next = copy.readFromCopy();
      if (next == null) {
        throw new SQLException("Binary COPY ended without its trailer");
      }
      if (pos == buf.length) {
        buf = next;
      } else {
        byte[] joined = Arrays.copyOfRange(buf, pos, buf.length + next.length);
        System.arraycopy(next, 0, joined, buf.length - pos, next.length);
        buf = joined;
      }
      pos = 0;
    }
  }
}
