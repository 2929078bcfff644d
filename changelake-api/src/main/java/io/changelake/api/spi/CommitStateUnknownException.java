package io.changelake.api.spi;

/**
 * A commit whose outcome is unknown (e.g. the catalog timed out after the write). The pipeline
 * stops without acknowledging the source; on restart the table's own history tells what landed.
 */
public class CommitStateUnknownException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CommitStateUnknownException(String message, Throwable cause) {
    super(message, cause);
  }
}
