package io.changelake.engine.transform;

import io.changelake.api.model.DataType;
import io.changelake.api.model.DataType.Kind;
import java.util.Comparator;
import java.util.function.IntPredicate;

/**
 * Compiles comparisons ({@code = <> != < <= > >=}) with SQL's null semantics: a NULL side gives
 * NULL. Numbers compare by value across types (as doubles when either is approximate, else exactly);
 * a string compares with a date or timestamp after being read as one; other types compare only
 * with their own type.
 */
final class Comparisons {
  private Comparisons() { }

  /** A comparison operator and which results of {@code compareTo} satisfy it. */
  enum Op {
    EQ(c -> c == 0), NE(c -> c != 0), LT(c -> c < 0), LE(c -> c <= 0), GT(c -> c > 0), GE(c -> c >= 0);

    private final IntPredicate test;

    Op(IntPredicate test) {
      this.test = test;
    }
  }

  static Node compare(Op op, String symbol, Node left, Node right) {
    if (left.isNullLiteral() || right.isNullLiteral()) {
      return Node.constant(DataType.BOOLEAN, null);
    }
    DataType a = left.type();
    DataType b = right.type();
    Node l = left;
    Node r = right;
    if (TypeRules.isNumeric(a) && TypeRules.isNumeric(b)) {
      boolean approximate = TypeRules.isApproximate(a) || TypeRules.isApproximate(b);
      boolean decimal = a.kind() == Kind.DECIMAL || b.kind() == Kind.DECIMAL;
      l = approximate ? l.convertTo(DataType.DOUBLE) : decimal ? exact(l) : l.convertTo(DataType.LONG);
      r = approximate ? r.convertTo(DataType.DOUBLE) : decimal ? exact(r) : r.convertTo(DataType.LONG);
    } else if (a.kind() == Kind.STRING && isTemporal(b)) {
      l = l.convertTo(b);
    } else if (b.kind() == Kind.STRING && isTemporal(a)) {
      r = r.convertTo(a);
    } else if (!a.equals(b) || a.kind() == Kind.LIST) {
      throw new ExpressionError("cannot compare " + a + " with " + b + " (" + symbol + "); CAST one side to the"
          + " other's type");
    }
    Comparator<Object> order = comparator(l.type());
    IntPredicate test = op.test;
    return Node.map2(DataType.BOOLEAN, l, r, (x, y) -> test.test(order.compare(x, y)));
  }

  /** An int, long or decimal node as a decimal, for comparing by BigDecimal#compareTo (scale-blind). */
  private static Node exact(Node node) {
    return node.type().kind() == Kind.DECIMAL ? node : node.convertTo(TypeRules.asDecimal(node.type()));
  }

  private static boolean isTemporal(DataType type) {
    return switch (type.kind()) {
      case DATE, TIME, TIMESTAMP, TIMESTAMPTZ -> true;
      default -> false;
    };
  }

  @SuppressWarnings("unchecked")
  private static Comparator<Object> comparator(DataType type) {
    if (type.kind() == Kind.DOUBLE) {
      // + 0.0 turns -0.0 into 0.0, which SQL holds equal
      return (x, y) -> Double.compare((Double) x + 0.0, (Double) y + 0.0);
    }
    return (x, y) -> ((Comparable<Object>) x).compareTo(y);
  }
}
