package io.changelake.bench;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.RotateEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * MariaDB's streaming limit: the binlog between two positions read with the binlog client changelake
 * uses (its own server id), every row event deserialized and its rows counted, timed from the connect
 * to the event that reaches the end position.
 */
final class BinlogRead {
  /** The reader's replica id; changelake's default ids start at 5400 plus a hash below 10^6. */
  static final long SERVER_ID = 2_000_000;

  /** A binlog position, {@code file:offset} as text. */
  record Position(String file, long offset) {
    static Position parse(String text) {
      int colon = text.lastIndexOf(':');
      return new Position(text.substring(0, colon), Long.parseLong(text.substring(colon + 1)));
    }

    @Override
    public String toString() {
      return file + ":" + offset;
    }

    /** Whether {@code offset} in {@code at} is at or past this position (binlog files sort by name). */
    boolean reachedBy(String at, long offsetAt) {
      int files = at.compareTo(file);
      return files > 0 || files == 0 && offsetAt >= offset;
    }
  }

  private final String host;
  private final int port;
  private final String user;
  private final String password;

  BinlogRead(String host, int port, String user, String password) {
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
  }

  /**
   * Reads from {@code from} to {@code to}; the rate is {@code changes} per second, the detail counts the
   * rows the row events held (each change is one row) and the events.
   *
   * @throws IllegalStateException when the end is not reached within {@code timeoutSeconds}
   */
  Rate read(Position from, Position to, long changes, long timeoutSeconds) {
    BinaryLogClient client = new BinaryLogClient(host, port, user, password);
    client.setServerId(SERVER_ID);
    client.setBinlogFilename(from.file());
    client.setBinlogPosition(from.offset());
    client.setKeepAlive(false);
    EventDeserializer deserializer = new EventDeserializer();
    deserializer.setCompatibilityMode(EventDeserializer.CompatibilityMode.DATE_AND_TIME_AS_LONG_MICRO,
        EventDeserializer.CompatibilityMode.CHAR_AND_BINARY_AS_BYTE_ARRAY);
    client.setEventDeserializer(deserializer);
    Counter counter = new Counter(from.file(), to);
    client.registerEventListener(counter);
    long start = System.nanoTime();
    try {
      client.connect(TimeUnit.SECONDS.toMillis(30));
      if (!counter.done.await(timeoutSeconds, TimeUnit.SECONDS)) {
        throw new IllegalStateException("The binlog read did not reach " + to + " within " + timeoutSeconds
            + " s (at " + counter.file + ", " + counter.rows + " rows)");
      }
      double seconds = Sql.since(start);
      if (counter.rows != changes) {
        throw new IllegalStateException("The binlog from " + from + " to " + to + " holds " + counter.rows
            + " row changes, the stream made " + changes + ": the read is not the stream's");
      }
      return new Rate(changes, seconds, counter.rows + " rows in " + counter.events + " events");
    } catch (IOException | TimeoutException e) {
      throw new IllegalStateException("Cannot read the binlog of " + host + ":" + port + " from " + from + ": "
          + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    } finally {
      try {
        client.disconnect();
      } catch (IOException e) {
        // the read is over either way
      }
    }
  }

  /** Counts rows and events until an event ends at or past the end position. */
  static final class Counter implements BinaryLogClient.EventListener {
    private final Position end;
    final CountDownLatch done = new CountDownLatch(1);
    private volatile String file;
    private volatile long rows;
    private volatile long events;

    Counter(String file, Position end) {
      this.file = file;
      this.end = end;
    }

    @Override
    public void onEvent(Event event) {
      events++;
      String readFrom = file;   // a ROTATE's next position lies in the file it ends, not the one it names
      EventData data = event.getData();
      if (data instanceof RotateEventData rotate) {
        file = rotate.getBinlogFilename();
      } else if (data instanceof WriteRowsEventData write) {
        rows += write.getRows().size();
      } else if (data instanceof UpdateRowsEventData update) {
        rows += update.getRows().size();
      } else if (data instanceof DeleteRowsEventData delete) {
        rows += delete.getRows().size();
      }
      EventHeaderV4 header = event.getHeader();
      if (header.getNextPosition() > 0 && end.reachedBy(readFrom, header.getNextPosition())) {
        done.countDown();
      }
    }
  }
}
