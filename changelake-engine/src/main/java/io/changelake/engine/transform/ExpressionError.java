package io.changelake.engine.transform;

/**
 * A computed column expression that cannot be compiled: the message says what is wrong and how to
 * fix it. {@link ComputedColumn} and {@link RowTransform} turn it into a
 * {@link io.changelake.api.config.ConfigException} naming the option and the expression.
 */
final class ExpressionError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ExpressionError(String message) {
    super(message);
  }
}
