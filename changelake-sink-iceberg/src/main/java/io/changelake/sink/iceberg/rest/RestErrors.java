package io.changelake.sink.iceberg.rest;

import java.util.Map;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.exceptions.NamespaceNotEmptyException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NoSuchViewException;
import org.apache.iceberg.exceptions.NotAuthorizedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.rest.responses.ErrorResponse;

/**
 * A failure as the REST error model: the HTTP code the protocol gives its exception, and the
 * exception's simple name as type, which Iceberg's clients turn back into the same exception.
 * Stack traces are never sent.
 */
final class RestErrors {
  private static final Map<Class<? extends Exception>, Integer> CODES = Map.ofEntries(
      Map.entry(IllegalArgumentException.class, 400),
      Map.entry(BadRequestException.class, 400),
      Map.entry(ValidationException.class, 400),
      Map.entry(NotAuthorizedException.class, 401),
      Map.entry(ForbiddenException.class, 403),
      Map.entry(NoSuchNamespaceException.class, 404),
      Map.entry(NoSuchTableException.class, 404),
      Map.entry(NoSuchViewException.class, 404),
      Map.entry(UnsupportedOperationException.class, 406),
      Map.entry(AlreadyExistsException.class, 409),
      Map.entry(CommitFailedException.class, 409),
      Map.entry(NamespaceNotEmptyException.class, 409));

  private RestErrors() { }

  /** The protocol's code for {@code failure}: that of its class or nearest superclass, else 500. */
  static int code(Throwable failure) {
    for (Class<?> type = failure.getClass(); type != null; type = type.getSuperclass()) {
      Integer code = CODES.get(type);
      if (code != null) {
        return code;
      }
    }
    return 500;
  }

  static ErrorResponse response(Throwable failure) {
    int code = code(failure);
    String message = failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
    return ErrorResponse.builder()
        .responseCode(code)
        .withType(failure.getClass().getSimpleName())
        .withMessage(code == 500 ? "Internal error: " + message : message)
        .build();
  }
}
