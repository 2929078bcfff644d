package io.changelake.source.kafka.registry;

import io.changelake.api.spi.SourceException;

/**
 * The registry could not be asked: unreachable after the configured retries, or it refused the
 * credentials. Not a problem of any one record, so never a reason to skip one.
 */
public class RegistryUnavailableException extends SourceException {
  private static final long serialVersionUID = 1L;

  public RegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
