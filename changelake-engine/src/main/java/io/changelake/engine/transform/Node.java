package io.changelake.engine.transform;

import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

/**
 * A compiled expression: its static type and how it evaluates over a source row.
 *
 * <p>Evaluators see only null or values of their inputs' value classes, never
 * {@link Row#UNAVAILABLE}: {@link CompiledColumn} answers for those before evaluating.
 *
 * @param type the static type, or null for an untyped {@code NULL} literal
 * @param evaluator computes the value (null, or an instance of {@code type}'s value class)
 * @param constant whether the value does not depend on the row (then {@link #constantValue()} gives it)
 */
record Node(DataType type, Evaluator evaluator, boolean constant) {

  /** Computes a value from a source row. */
  @FunctionalInterface
  interface Evaluator {
    Object eval(Row row);
  }

  static Node constant(DataType type, Object value) {
    return new Node(type, row -> value, true);
  }

  static Node column(DataType type, int position) {
    return new Node(type, row -> row.get(position), false);
  }

  Object eval(Row row) {
    return evaluator.eval(row);
  }

  /** The value of a {@link #constant} node. */
  Object constantValue() {
    return evaluator.eval(null);
  }

  boolean isNullLiteral() {
    return type == null;
  }

  /** {@code fn} of this node's value; null when the value is null. */
  Node map(DataType resultType, UnaryOperator<Object> fn) {
    Evaluator in = evaluator;
    return new Node(resultType, row -> {
      Object value = in.eval(row);
      return value == null ? null : fn.apply(value);
    }, constant);
  }

  /** {@code fn} of two nodes' values; null when either value is null. */
  static Node map2(DataType resultType, Node left, Node right, BinaryOperator<Object> fn) {
    Evaluator l = left.evaluator;
    Evaluator r = right.evaluator;
    return new Node(resultType, row -> {
      Object a = l.eval(row);
      if (a == null) {
        return null;
      }
      Object b = r.eval(row);
      return b == null ? null : fn.apply(a, b);
    }, left.constant && right.constant);
  }

  /** A function of three values. */
  @FunctionalInterface
  interface TernaryOperator {
    Object apply(Object first, Object second, Object third);
  }

  /** {@code fn} of three nodes' values; null when any value is null (the later ones then unevaluated). */
  static Node map3(DataType resultType, Node first, Node second, Node third, TernaryOperator fn) {
    Evaluator x = first.evaluator;
    Evaluator y = second.evaluator;
    Evaluator z = third.evaluator;
    return new Node(resultType, row -> {
      Object a = x.eval(row);
      Object b = a == null ? null : y.eval(row);
      Object c = b == null ? null : z.eval(row);
      return c == null ? null : fn.apply(a, b, c);
    }, first.constant && second.constant && third.constant);
  }

  /** This node converted to {@code target} (see {@link Casts}). */
  Node convertTo(DataType target) {
    if (isNullLiteral()) {
      return constant(target, null);
    }
    return type.equals(target) ? this : map(target, Casts.converter(type, target));
  }
}
