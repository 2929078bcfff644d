package io.changelake.api.model;

/** What a change did to its row. */
public enum Operation {
  /** A row read by the initial snapshot. */
  SNAPSHOT("r"),
  INSERT("c"),
  UPDATE("u"),
  DELETE("d"),
  /** All rows of the table were removed. */
  TRUNCATE("t");

  private final String code;

  Operation(String code) {
    this.code = code;
  }

  /** The one-letter code Debezium uses, also written to append-mode tables. */
  public String code() {
    return code;
  }
}
