package io.changelake.api.spi;

import java.util.Locale;

/** How a table takes changes. Recorded in the table when it is created and never changed silently. */
public enum WriteMode {
  /** The table holds the latest row per primary key; a delete removes the row. */
  UPSERT,
  /** Every change is a new row with metadata columns (operation, source time, position). */
  APPEND;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static WriteMode fromId(String id) {
    for (WriteMode mode : values()) {
      if (mode.id().equalsIgnoreCase(id)) {
        return mode;
      }
    }
    throw new IllegalArgumentException("Unknown mode '" + id + "': expected upsert or append");
  }
}
