package io.changelake.api.spi;

/** A table problem a user can fix; the message names the table, what is wrong and the fix. */
public class SinkException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SinkException(String message) {
    super(message);
  }

  public SinkException(String message, Throwable cause) {
    super(message, cause);
  }
}
