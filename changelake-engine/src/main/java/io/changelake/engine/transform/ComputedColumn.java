package io.changelake.engine.transform;

import io.changelake.api.config.ConfigException;
import java.util.Objects;
import net.sf.jsqlparser.expression.Expression;

/**
 * A computed column as the user wrote it, {@code name=expression} (Paimon's
 * {@code --computed_column}), with its expression parsed. Immutable; typing against a table
 * happens in {@link ColumnTransforms#bind}.
 */
public final class ComputedColumn {
  private final String name;
  private final String expression;
  private final Expression parsed;

  private ComputedColumn(String name, String expression, Expression parsed) {
    this.name = name;
    this.expression = expression;
    this.parsed = parsed;
  }

  /**
   * Parses {@code name=expression}; the first {@code =} separates the two.
   *
   * @throws ConfigException when the {@code =}, the name or the expression is missing, or the
   *     expression is not valid SQL (the message shows where)
   */
  public static ComputedColumn parse(String spec) {
    Objects.requireNonNull(spec, "spec");
    int equals = spec.indexOf('=');
    if (equals < 0) {
      throw invalid(spec, "expected name=expression, e.g. price_category=CASE WHEN price < 50 THEN 'budget'"
          + " ELSE 'premium' END");
    }
    String name = spec.substring(0, equals).trim();
    String expression = spec.substring(equals + 1).trim();
    if (name.isEmpty()) {
      throw invalid(spec, "the column name before '=' is missing");
    }
    if (expression.isEmpty()) {
      throw invalid(spec, "the expression after '=' is missing");
    }
    try {
      return new ComputedColumn(name, expression, ExpressionParser.parse(expression));
    } catch (ExpressionError e) {
      throw invalid(spec, e.getMessage());
    }
  }

  public String name() {
    return name;
  }

  /** The expression's SQL text. */
  public String expression() {
    return expression;
  }

  Expression parsed() {
    return parsed;
  }

  ConfigException invalid(String problem) {
    return invalid(toString(), problem);
  }

  private static ConfigException invalid(String spec, String problem) {
    return new ConfigException(ColumnTransforms.COMPUTED_COLUMN, spec, problem);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ComputedColumn other && name.equals(other.name) && expression.equals(other.expression);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + expression.hashCode();
  }

  @Override
  public String toString() {
    return name + "=" + expression;
  }
}
