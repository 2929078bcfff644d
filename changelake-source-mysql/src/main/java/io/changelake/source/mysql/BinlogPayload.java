package io.changelake.source.mysql;

import com.github.luben.zstd.ZstdInputStream;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.TransactionPayloadEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;

/**
 * Reads MySQL 8's TRANSACTION_PAYLOAD event ({@code binlog_transaction_compression=ON}): a transaction's
 * events (without checksums or offsets), compressed with zstd or not, decoded by {@code inner} — this
 * reader's own event deserializer, where the binlog client's would decode rows its own way.
 */
final class BinlogPayload implements EventDataDeserializer<TransactionPayloadEventData> {
  private static final int END_MARK = 0;
  private static final int PAYLOAD_SIZE = 1;
  private static final int COMPRESSION = 2;
  private static final int UNCOMPRESSED_SIZE = 3;
  private static final int ZSTD = 0;
  private static final int NONE = 255;

  private final EventDeserializer inner;

  BinlogPayload(EventDeserializer inner) {
    this.inner = inner;
  }

  @Override
  public TransactionPayloadEventData deserialize(ByteArrayInputStream in) throws IOException {
    TransactionPayloadEventData data = new TransactionPayloadEventData();
    while (in.available() > 0) {
      int field = in.readPackedInteger();
      if (field == END_MARK) {
        break;
      }
      int length = in.readPackedInteger();
      switch (field) {
        case PAYLOAD_SIZE -> data.setPayloadSize(in.readPackedInteger());
        case COMPRESSION -> data.setCompressionType(in.readPackedInteger());
        case UNCOMPRESSED_SIZE -> data.setUncompressedSize(in.readPackedLong());
        default -> in.read(length);
      }
    }
    data.setPayload(in.read(data.getPayloadSize()));
    InputStream raw = new java.io.ByteArrayInputStream(data.getPayload());
    ArrayList<Event> events = new ArrayList<>();
    try (InputStream payload = switch (data.getCompressionType()) {
      case ZSTD -> new ZstdInputStream(raw);
      case NONE -> raw;
      default -> throw new IOException("Unknown compression type " + data.getCompressionType()
          + " of a TRANSACTION_PAYLOAD event");
    }) {
      ByteArrayInputStream stream = new ByteArrayInputStream(payload);
      for (Event e = inner.nextEvent(stream); e != null; e = inner.nextEvent(stream)) {
        events.add(e);
      }
    }
    data.setUncompressedEvents(events);
    return data;
  }
}
