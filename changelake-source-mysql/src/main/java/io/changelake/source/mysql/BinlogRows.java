package io.changelake.source.mysql;

import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.AbstractRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.time.LocalDate;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * Reads the rows of a WRITE, UPDATE or DELETE rows event (v1 as MariaDB writes them, v2 as MySQL does),
 * decoding date and time values exactly ({@link Temporals}): the binlog client's own decoding goes through
 * milliseconds since the epoch, drops the sign of a negative TIME and reads YEAR 0000 as 1900.
 */
final class BinlogRows extends AbstractRowsEventDataDeserializer<EventData> {
  private static final long TIMEF_INT_OFFSET = 0x800000L;
  private static final long TIMEF_OFFSET = 0x800000000000L;

  private final EventType type;

  private BinlogRows(EventType type, Map<Long, TableMapEventData> tableMaps) {
    super(tableMaps);
    this.type = type;
  }

  /** Registers a reader for each rows event type in {@code deserializers}, sharing {@code tableMaps}. */
  static void register(Map<EventType, EventDataDeserializer> deserializers, Map<Long, TableMapEventData> tableMaps) {
    for (EventType t : List.of(EventType.WRITE_ROWS, EventType.UPDATE_ROWS, EventType.DELETE_ROWS,
        EventType.EXT_WRITE_ROWS, EventType.EXT_UPDATE_ROWS, EventType.EXT_DELETE_ROWS)) {
      deserializers.put(t, new BinlogRows(t, tableMaps));
    }
  }

  @Override
  public EventData deserialize(ByteArrayInputStream in) throws IOException {
    long tableId = in.readLong(6);
    in.skip(2);
    if (type == EventType.EXT_WRITE_ROWS || type == EventType.EXT_UPDATE_ROWS || type == EventType.EXT_DELETE_ROWS) {
      in.skip(in.readInteger(2) - 2);
    }
    int columns = in.readPackedInteger();
    BitSet included = in.readBitSet(columns, true);
    if (EventType.isUpdate(type)) {
      BitSet after = in.readBitSet(columns, true);
      List<Map.Entry<Serializable[], Serializable[]>> rows = new ArrayList<>();
      while (in.available() > 0) {
        Serializable[] before = deserializeRow(tableId, included, in);
        rows.add(new AbstractMap.SimpleEntry<>(before, deserializeRow(tableId, after, in)));
      }
      UpdateRowsEventData data = new UpdateRowsEventData();
      data.setTableId(tableId);
      data.setIncludedColumnsBeforeUpdate(included);
      data.setIncludedColumns(after);
      data.setRows(rows);
      return data;
    }
    List<Serializable[]> rows = new ArrayList<>();
    while (in.available() > 0) {
      rows.add(deserializeRow(tableId, included, in));
    }
    if (EventType.isWrite(type)) {
      WriteRowsEventData data = new WriteRowsEventData();
      data.setTableId(tableId);
      data.setIncludedColumns(included);
      data.setRows(rows);
      return data;
    }
    DeleteRowsEventData data = new DeleteRowsEventData();
    data.setTableId(tableId);
    data.setIncludedColumns(included);
    data.setRows(rows);
    return data;
  }

  @Override
  protected Serializable deserializeDate(ByteArrayInputStream in) throws IOException {
    return Temporals.binlogDate(in.readInteger(3));
  }

  @Override
  protected Serializable deserializeYear(ByteArrayInputStream in) throws IOException {
    int year = in.readInteger(1);
    return year == 0 ? 0 : 1900 + year;
  }

  @Override
  protected Serializable deserializeTimeV2(int meta, ByteArrayInputStream in) throws IOException {
    long intPart = bigEndian(in.read(3)) - TIMEF_INT_OFFSET;
    long packed = switch (meta) {
      case 1, 2 -> {
        long fraction = in.read(1)[0] & 0xFF;
        if (intPart < 0 && fraction != 0) {
          intPart++;
          fraction -= 0x100;
        }
        yield (intPart << 24) + fraction * 10_000;
      }
      case 3, 4 -> {
        long fraction = bigEndian(in.read(2));
        if (intPart < 0 && fraction != 0) {
          intPart++;
          fraction -= 0x10000;
        }
        yield (intPart << 24) + fraction * 100;
      }
      case 5, 6 -> (((intPart + TIMEF_INT_OFFSET) << 24) | bigEndian(in.read(3))) - TIMEF_OFFSET;
      default -> intPart << 24;
    };
    return Temporals.binlogTime(packed);
  }

  @Override
  protected Serializable deserializeTime(ByteArrayInputStream in) throws IOException {
    int value = (in.readInteger(3) << 8) >> 8;
    int magnitude = Math.abs(value);
    long micros = ((magnitude / 10000) * 3600L + (magnitude / 100 % 100) * 60L + magnitude % 100) * 1_000_000L;
    return value < 0 ? -micros : micros;
  }

  @Override
  protected Serializable deserializeDatetimeV2(int meta, ByteArrayInputStream in) throws IOException {
    long packed = bigEndian(in.read(5));
    return Temporals.binlogDateTime(packed, fractionMicros(meta, in));
  }

  @Override
  protected Serializable deserializeDatetime(ByteArrayInputStream in) throws IOException {
    long value = in.readLong(8);
    long date = value / 1_000_000;
    long time = value % 1_000_000;
    LocalDate day = Temporals.date((int) (date / 10000), (int) (date / 100 % 100), (int) (date % 100));
    return day == null ? null : day.atTime((int) (time / 10000), (int) (time / 100 % 100), (int) (time % 100));
  }

  @Override
  protected Serializable deserializeTimestampV2(int meta, ByteArrayInputStream in) throws IOException {
    long seconds = bigEndian(in.read(4));
    return Temporals.binlogTimestamp(seconds, fractionMicros(meta, in));
  }

  @Override
  protected Serializable deserializeTimestamp(ByteArrayInputStream in) throws IOException {
    return Temporals.binlogTimestamp(in.readLong(4), 0);
  }

  /** The fractional seconds that follow a DATETIME2 or TIMESTAMP2 value of precision {@code meta}. */
  private static int fractionMicros(int meta, ByteArrayInputStream in) throws IOException {
    return switch (meta) {
      case 1, 2 -> (int) bigEndian(in.read(1)) * 10_000;
      case 3, 4 -> (int) bigEndian(in.read(2)) * 100;
      case 5, 6 -> (int) bigEndian(in.read(3));
      default -> 0;
    };
  }

  private static long bigEndian(byte[] bytes) {
    long value = 0;
    for (byte b : bytes) {
      value = (value << 8) | (b & 0xFF);
    }
    return value;
  }
}
