package io.changelake.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.RotateEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import java.io.Serializable;
import org.junit.jupiter.api.Test;

/** The binlog read's end: positions in later files, and a ROTATE whose next position lies in the file it ends. */
class BinlogReadTest {
  @Test
  void positionsCompareByFileThenOffset() {
    BinlogRead.Position end = BinlogRead.Position.parse("mariadb-bin.000003:500");
    assertEquals("mariadb-bin.000003:500", end.toString());
    assertEquals(false, end.reachedBy("mariadb-bin.000002", 1_000_000));
    assertEquals(false, end.reachedBy("mariadb-bin.000003", 499));
    assertEquals(true, end.reachedBy("mariadb-bin.000003", 500));
    assertEquals(true, end.reachedBy("mariadb-bin.000004", 4));
  }

  @Test
  void aRotateAtTheEndOfAFileDoesNotEndTheReadEarly() {
    BinlogRead.Counter counter = new BinlogRead.Counter("mariadb-bin.000002",
        BinlogRead.Position.parse("mariadb-bin.000003:500"));
    counter.onEvent(event(EventType.WRITE_ROWS, 900, rows(2)));
    counter.onEvent(event(EventType.ROTATE, 1000, new RotateEventData() {
      {
        setBinlogFilename("mariadb-bin.000003");
        setBinlogPosition(4);
      }
    }));
    assertEquals(1, counter.done.getCount(), "the ROTATE's next position (1000) is in .000002, not past .000003:500");
    counter.onEvent(event(EventType.WRITE_ROWS, 400, rows(1)));
    assertEquals(1, counter.done.getCount());
    counter.onEvent(event(EventType.WRITE_ROWS, 500, rows(1)));
    assertEquals(0, counter.done.getCount());
  }

  private static WriteRowsEventData rows(int n) {
    WriteRowsEventData data = new WriteRowsEventData();
    data.setRows(java.util.Collections.nCopies(n, new Serializable[] {1L}));
    return data;
  }

  private static Event event(EventType type, long nextPosition, EventData data) {
    EventHeaderV4 header = new EventHeaderV4();
    header.setEventType(type);
    header.setNextPosition(nextPosition);
    return new Event(header, data);
  }
}
