package io.changelake.query;

import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableSnapshot;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/** Finds the version of a table that a point in time selects. */
public final class TimeTravel {
  private TimeTravel() { }

  /**
   * Parses an ISO instant ({@code 2026-11-23T10:15:00Z}) or a local time ({@code 2026-11-23 10:15:00}, in this
   * machine's time zone, as Flink's {@code FOR SYSTEM_TIME AS OF} reads it).
   *
   * @throws IllegalArgumentException when the text is neither
   */
  public static Instant parseTime(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException notInstant) {
      try {
        return LocalDateTime.parse(text.trim().replace(' ', 'T')).atZone(ZoneId.systemDefault()).toInstant();
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("'" + text + "' is not a time; use 2026-11-23T10:15:00Z or"
            + " '2026-11-23 10:15:00' (local time)");
      }
    }
  }

  /**
   * The id of the last snapshot of {@code table} committed at or before {@code at}.
   *
   * @throws SinkException when the table's first snapshot is later than {@code at}
   */
  public static long snapshotAt(SinkTable table, Instant at) {
    TableSnapshot found = null;
    for (TableSnapshot snapshot : table.snapshots()) {
      if (!snapshot.committedAt().isAfter(at)) {
        found = snapshot;
      }
    }
    if (found == null) {
      throw new SinkException("Table " + table.id() + " has no snapshot at or before " + at
          + ". Run 'changelake snapshots " + table.id() + "' (or SELECT * FROM " + table.id()
          + "$snapshots) to see when each was committed.");
    }
    return found.id();
  }
}
