package io.changelake.debezium;

/** A record that does not hold what its decoder reads; the message says what is wrong and where. */
public class MalformedRecordException extends RuntimeException {

  public MalformedRecordException(String message) {
    super(message);
  }

  public MalformedRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
