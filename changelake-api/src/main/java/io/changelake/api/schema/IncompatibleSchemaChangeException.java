package io.changelake.api.schema;

/** A source schema change the lake table cannot follow; names the column and the fix. */
public class IncompatibleSchemaChangeException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String column;

  public IncompatibleSchemaChangeException(String column, String message) {
    super(message);
    this.column = column;
  }

  public String column() {
    return column;
  }
}
