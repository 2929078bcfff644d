package io.changelake.source.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Queue;
import org.junit.jupiter.api.Test;
import org.postgresql.copy.CopyOut;

class BinaryCopyReaderTest {
  private static final BinaryCopyValues.Decoder[] DECODERS = {
      decoder("int4"), decoder("text")};

  private static BinaryCopyValues.Decoder decoder(String type) {
    return BinaryCopyValues.decoder(PostgresTypes.toDataType(type, 0, 0), PgType.base(type));
  }

  /** A binary COPY of (42, 'héllo') and (7, NULL), with a header extension. */
  private static byte[] stream() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.write("PGCOPY\n\377\r\n\0".getBytes(StandardCharsets.ISO_8859_1));
    out.writeInt(0);
    out.writeInt(3);
    out.write(new byte[] {1, 2, 3});
    byte[] note = "héllo".getBytes(StandardCharsets.UTF_8);
    out.writeShort(2);
    out.writeInt(4);
    out.writeInt(42);
    out.writeInt(note.length);
    out.write(note);
    out.writeShort(2);
    out.writeInt(4);
    out.writeInt(7);
    out.writeInt(-1);
    out.writeShort(-1);
    return bytes.toByteArray();
  }

  @Test
  void readsRowsWhateverTheMessageBoundaries() throws Exception {
    byte[] stream = stream();
    for (int size = 1; size <= stream.length; size++) {
      BinaryCopyReader reader = new BinaryCopyReader(new Messages(stream, size), DECODERS);
      assertArrayEquals(new Object[] {42, "héllo"}, reader.next(), "messages of " + size + " bytes");
      assertArrayEquals(new Object[] {7, null}, reader.next(), "messages of " + size + " bytes");
      assertNull(reader.next());
    }
  }

  @Test
  void refusesATruncatedStreamOrAnotherTableShape() throws Exception {
    byte[] stream = stream();
    BinaryCopyReader truncated = new BinaryCopyReader(new Messages(Arrays.copyOf(stream, stream.length - 2), 8),
        DECODERS);
    truncated.next();
    truncated.next();
    assertEquals("Binary COPY ended without its trailer",
        assertThrows(SQLException.class, truncated::next).getMessage());
    BinaryCopyReader wider = new BinaryCopyReader(new Messages(stream, stream.length),
        new BinaryCopyValues.Decoder[] {DECODERS[0], DECODERS[1], DECODERS[1]});
    assertEquals("Binary COPY row has 2 fields, expected 3",
        assertThrows(SQLException.class, wider::next).getMessage());
  }

  @Test
  void timestamptzInfinityHasNoUtcValue() {
    BinaryCopyValues.Decoder decoder = decoder("timestamptz");
    byte[] infinity = {0x7F, -1, -1, -1, -1, -1, -1, -1};
    assertEquals("timestamptz 'infinity' has no value in UTC",
        assertThrows(IllegalArgumentException.class, () -> decoder.decode(infinity, 0, 8)).getMessage());
  }

  /** The stream cut into messages of {@code size} bytes, as {@link CopyOut#readFromCopy} returns them. */
  private static final class Messages implements CopyOut {
    private final Queue<byte[]> messages = new ArrayDeque<>();

    Messages(byte[] stream, int size) {
      for (int from = 0; from < stream.length; from += size) {
        messages.add(Arrays.copyOfRange(stream, from, Math.min(stream.length, from + size)));
      }
    }

    @Override
    public byte[] readFromCopy() {
      return messages.poll();
    }

    @Override
    public byte[] readFromCopy(boolean block) {
      return readFromCopy();
    }

    @Override
    public int getFieldCount() {
      return DECODERS.length;
    }

    @Override
    public int getFormat() {
      return 1;
    }

    @Override
    public int getFieldFormat(int field) {
      return 1;
    }

    @Override
    public boolean isActive() {
      return !messages.isEmpty();
    }

    @Override
    public void cancelCopy() {
      messages.clear();
    }

    @Override
    public long getHandledRowCount() {
      return -1;
    }
  }
}
