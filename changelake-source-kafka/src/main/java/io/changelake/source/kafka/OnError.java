package io.changelake.source.kafka;

/** What the Kafka source does with a record it cannot read ({@code on-error}). */
public enum OnError {
  /** The sync stops with a source error; nothing after the record is written. */
  FAIL,
  /** The raw record goes to the errors table, as a change of that table, and the sync goes on. */
  SKIP,
  /** Only the record's table stops, holding every record before it; the other tables go on. */
  SUSPEND
}
