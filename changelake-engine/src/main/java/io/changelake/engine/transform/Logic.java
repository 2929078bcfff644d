package io.changelake.engine.transform;

import io.changelake.api.model.DataType;
import io.changelake.api.model.DataType.Kind;

/**
 * AND, OR, NOT and IS [NOT] NULL with SQL's three-valued logic: {@code FALSE AND NULL} is FALSE,
 * {@code TRUE OR NULL} is TRUE, any other combination with NULL is NULL.
 */
final class Logic {
  private Logic() { }

  static Node and(Node left, Node right) {
    return junction("AND", Boolean.FALSE, left, right);
  }

  static Node or(Node left, Node right) {
    return junction("OR", Boolean.TRUE, left, right);
  }

  static Node not(Node operand) {
    return requireBoolean("NOT", operand).map(DataType.BOOLEAN, v -> !(Boolean) v);
  }

  static Node isNull(Node operand, boolean negated) {
    Node.Evaluator in = operand.evaluator();
    return new Node(DataType.BOOLEAN, row -> (in.eval(row) == null) != negated, operand.constant());
  }

  /** A boolean node (an untyped NULL becomes a boolean NULL). */
  static Node requireBoolean(String operator, Node operand) {
    if (operand.isNullLiteral()) {
      return operand.convertTo(DataType.BOOLEAN);
    }
    if (operand.type().kind() != Kind.BOOLEAN) {
      throw new ExpressionError(operator + " needs a boolean condition, got " + operand.type()
          + "; compare it, e.g. x > 0 or x IS NOT NULL");
    }
    return operand;
  }

  /** AND (dominant FALSE) or OR (dominant TRUE); the right side is skipped once the left decides. */
  private static Node junction(String operator, Boolean dominant, Node left, Node right) {
    Node.Evaluator l = requireBoolean(operator, left).evaluator();
    Node.Evaluator r = requireBoolean(operator, right).evaluator();
    return new Node(DataType.BOOLEAN, row -> {
      Object a = l.eval(row);
      if (dominant.equals(a)) {
        return dominant;
      }
      Object b = r.eval(row);
      if (dominant.equals(b)) {
        return dominant;
      }
      return a == null || b == null ? null : !dominant;
    }, left.constant() && right.constant());
  }
}
