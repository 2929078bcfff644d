package io.changelake.sink.iceberg;

import java.util.Locale;

/** How new Iceberg columns store changelake's TIME (see {@link IcebergSinkConfig#TIME_TYPE}). */
enum TimeType {
  /** {@code long} microseconds of the day: what Spark, Trino, Flink and DuckDB all read. */
  LONG,
  /** Iceberg's own {@code time}: exact, but Spark refuses the whole table. */
  TIME;

  static TimeType parse(String text) {
    return valueOf(text.trim().toUpperCase(Locale.ROOT));
  }
}
