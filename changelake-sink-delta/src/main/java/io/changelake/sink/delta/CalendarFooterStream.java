package io.changelake.sink.delta;

import io.delta.kernel.defaults.engine.fileio.PositionOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.KeyValue;
import org.apache.parquet.format.Util;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Parquet file's output stream that adds {@link #CALENDAR} to the footer's key-value metadata
 * when the file is closed (see {@link CalendarFileIO} for why).
 *
 * <p>A Parquet file ends with its footer, the footer's length (4 bytes, little endian) and
 * {@code PAR1}. The stream holds back the last {@link #TAIL} bytes written, so that on close the
 * footer is still in memory: it is decoded, the keys are added and it is written with its new
 * length. Offsets inside the file (column chunks, indexes) all precede the footer and do not move.
 * A footer longer than {@link #TAIL} (tens of thousands of column chunks) is written unchanged,
 * with a warning.
 */
final class CalendarFooterStream extends PositionOutputStream {
  private static final Logger LOG = LoggerFactory.getLogger(CalendarFooterStream.class);

  /**
   * What Spark needs to read the file's dates and timestamps as they are: the writer's Spark
   * version, 3.0.0 being the first proleptic Gregorian one. Only its presence and order against
   * 3.0.0 matter to Spark ({@code DataSourceUtils.datetimeRebaseSpec}, {@code int96RebaseSpec}
   * compares with 3.1.0, so 3.5.0 answers both).
   */
  static final Map<String, String> CALENDAR = Map.of("org.apache.spark.version", "3.5.0");

  /** Bytes held back: far more than the footer of any data file this sink writes. */
  static final int TAIL = 4 << 20;

  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  private final PositionOutputStream out;
  private final String path;
  private byte[] tail = new byte[64 << 10];
  private int tailLength;
  private long flushed;
  private boolean closed;

  CalendarFooterStream(PositionOutputStream out, String path) {
    this.out = out;
    this.path = path;
  }

  @Override
  public long getPos() {
    return flushed + tailLength;
  }

  @Override
  public void write(int b) throws IOException {
    makeRoom(1);
    tail[tailLength++] = (byte) b;
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    makeRoom(length);
    System.arraycopy(bytes, offset, tail, tailLength, length);
    tailLength += length;
  }

  /** Writes through what is older than the last {@link #TAIL} bytes, and grows the buffer as needed. */
  private void makeRoom(int length) throws IOException {
    if (tailLength + length > tail.length) {
      release(Math.max(0, tailLength + length - TAIL));
      if (tailLength + length > tail.length) {
        tail = Arrays.copyOf(tail, Math.max(tail.length * 2, tailLength + length));
      }
    }
  }

  /** Writes the first {@code count} held-back bytes through. */
  private void release(int count) throws IOException {
    int n = Math.min(count, tailLength);
    if (n == 0) {
      return;
    }
    out.write(tail, 0, n);
    System.arraycopy(tail, n, tail, 0, tailLength - n);
    tailLength -= n;
    flushed += n;
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      byte[] footer = stampedFooter();
      if (footer == null) {
        out.write(tail, 0, tailLength);
      } else {
        int footerStart = tailLength - 8 - footerLength();
        out.write(tail, 0, footerStart);
        out.write(footer);
        out.write(new byte[] {(byte) footer.length, (byte) (footer.length >>> 8), (byte) (footer.length >>> 16),
            (byte) (footer.length >>> 24)});
        out.write(MAGIC);
      }
    } finally {
      out.close();
    }
  }

  /** The footer with {@link #CALENDAR} added, or null when the tail holds no plain footer. */
  private byte[] stampedFooter() throws IOException {
    if (tailLength < 8 || !Arrays.equals(tail, tailLength - 4, tailLength, MAGIC, 0, 4)) {
      return null;  // not a file Parquet finished (aborted write), or an encrypted footer
    }
    int length = footerLength();
    if (length < 0 || length > tailLength - 8) {
      LOG.warn("Parquet footer of {} ({} bytes) is larger than the {} bytes held back; written without {}, so Spark"
          + " needs spark.sql.parquet.datetimeRebaseModeInRead=CORRECTED for dates before 1582 in it",
          path, length, TAIL, CALENDAR.keySet());
      return null;
    }
    FileMetaData metadata = Util.readFileMetaData(new ByteArrayInputStream(tail, tailLength - 8 - length, length));
    CALENDAR.forEach((key, value) -> {
      boolean present = metadata.isSetKey_value_metadata()
          && metadata.getKey_value_metadata().stream().anyMatch(kv -> key.equals(kv.getKey()));
      if (!present) {
        metadata.addToKey_value_metadata(new KeyValue(key).setValue(value));
      }
    });
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(length + 64);
    Util.writeFileMetaData(metadata, bytes);
    return bytes.toByteArray();
  }

  private int footerLength() {
    int at = tailLength - 8;
    return (tail[at] & 0xff) | (tail[at + 1] & 0xff) << 8 | (tail[at + 2] & 0xff) << 16 | (tail[at + 3] & 0xff) << 24;
  }
}
