package io.changelake.engine.transform;

/**
 * A computed column failed on a row: division by zero, an overflow, a value that does not cast.
 * The message names the column, its expression and the cause; the pipeline treats the change as a
 * bad event (suspend or skip, per its failure strategy).
 */
public class ComputedColumnException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ComputedColumnException(ComputedColumn column, RuntimeException cause) {
    super("Computed column " + column.name() + " = " + column.expression() + " failed: " + cause.getMessage(), cause);
  }
}
