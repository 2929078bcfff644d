package io.changelake.source.kafka;

/** A record the converters or the envelope's decoder cannot read; {@link #reason()} names it and why. */
final class UnreadableRecordException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UnreadableRecordException(String reason, Throwable cause) {
    super(reason, cause);
  }

  /** {@code Kafka record <topic>-<partition>@<offset> cannot be read as ...: <why>}, without a secret. */
  String reason() {
    return getMessage();
  }
}
