package io.changelake.engine.transform;

/**
 * Whose semantics the computed-column functions follow where SQL and Paimon's CDC computed columns
 * differ; today that is {@code substring} only.
 */
public enum FunctionDialect {
  /**
   * SQL's (PostgreSQL's): {@code substring(string, start[, length])}, a 1-based start and a length,
   * clipped to the string. changelake's own commands ({@code sync-table}, {@code sync-database}).
   */
  SQL,
  /**
   * Paimon's: {@code substring(string, begin[, end])}, a 0-based begin and an exclusive end, as Java's
   * {@code String.substring}; an index outside the string is an error, as in Paimon. The Paimon-style
   * commands ({@code postgres_sync_table}, {@code postgres_sync_database}), so that a command line of a
   * Paimon guide gives the values Paimon gives.
   */
  PAIMON
}
