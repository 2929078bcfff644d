package io.changelake.api.spi;

/**
 * A source problem a user can fix: the message names what is wrong and how to fix it, and never
 * contains a secret.
 */
public class SourceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SourceException(String message) {
    super(message);
  }

  public SourceException(String message, Throwable cause) {
    super(message, cause);
  }
}
