package io.changelake.engine.transform;

import io.changelake.api.model.DataType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.function.BinaryOperator;
import java.util.function.DoubleBinaryOperator;
import java.util.function.LongBinaryOperator;

/**
 * Compiles arithmetic as SQL does it: operands are promoted to the result type of
 * {@link TypeRules#arithmetic}; integer division truncates toward zero; {@code %} takes the sign of
 * the dividend; a NULL operand gives NULL.
 *
 * <p>Data errors fail the row rather than give a wrong value: division or modulo by zero, integer
 * overflow and a decimal result too large for its type throw {@link ArithmeticException}.
 */
final class Arithmetic {
  private Arithmetic() { }

  static Node binary(ArithmeticOp op, Node left, Node right) {
    DataType type = TypeRules.arithmetic(op, left.type(), right.type());
    BinaryOperator<Object> fn = switch (type.kind()) {
      case INT -> {
        LongBinaryOperator f = longOp(op);
        yield (a, b) -> Math.toIntExact(f.applyAsLong(((Number) a).longValue(), ((Number) b).longValue()));
      }
      case LONG -> {
        LongBinaryOperator f = longOp(op);
        yield (a, b) -> f.applyAsLong(((Number) a).longValue(), ((Number) b).longValue());
      }
      case DOUBLE -> {
        DoubleBinaryOperator f = doubleOp(op);
        yield (a, b) -> f.applyAsDouble(((Number) a).doubleValue(), ((Number) b).doubleValue());
      }
      default -> decimalOp(op, (DataType.Decimal) type);
    };
    return Node.map2(type, left, right, fn);
  }

  /** Unary minus. */
  static Node negate(Node operand) {
    DataType type = operand.type();
    if (type == null) {
      return operand;
    }
    requireNumeric("unary -", type);
    return operand.map(type, switch (type.kind()) {
      case INT -> v -> Math.negateExact((Integer) v);
      case LONG -> v -> Math.negateExact((Long) v);
      case FLOAT -> v -> -(Float) v;
      case DOUBLE -> v -> -(Double) v;
      default -> v -> ((BigDecimal) v).negate();
    });
  }

  static void requireNumeric(String operator, DataType type) {
    if (type != null && !TypeRules.isNumeric(type)) {
      throw new ExpressionError(operator + " needs a number, got " + type);
    }
  }

  private static LongBinaryOperator longOp(ArithmeticOp op) {
    return switch (op) {
      case ADD -> Math::addExact;
      case SUBTRACT -> Math::subtractExact;
      case MULTIPLY -> Math::multiplyExact;
      case DIVIDE -> (x, y) -> {
        if (x == Long.MIN_VALUE && nonZero(y) == -1) {
          throw new ArithmeticException("long overflow");
        }
        return x / nonZero(y);
      };
      case MODULO -> (x, y) -> x % nonZero(y);
    };
  }

  private static DoubleBinaryOperator doubleOp(ArithmeticOp op) {
    return switch (op) {
      case ADD -> (x, y) -> x + y;
      case SUBTRACT -> (x, y) -> x - y;
      case MULTIPLY -> (x, y) -> x * y;
      case DIVIDE -> (x, y) -> x / nonZero(y);
      case MODULO -> (x, y) -> x % nonZero(y);
    };
  }

  private static BinaryOperator<Object> decimalOp(ArithmeticOp op, DataType.Decimal type) {
    BinaryOperator<BigDecimal> f = switch (op) {
      case ADD -> BigDecimal::add;
      case SUBTRACT -> BigDecimal::subtract;
      case MULTIPLY -> BigDecimal::multiply;
      case DIVIDE -> (x, y) -> x.divide(nonZero(y), type.scale(), RoundingMode.HALF_UP);
      case MODULO -> (x, y) -> x.remainder(nonZero(y));
    };
    return (a, b) -> TypeRules.fit(f.apply(Casts.toBigDecimal(a), Casts.toBigDecimal(b)), type);
  }

  private static long nonZero(long divisor) {
    if (divisor == 0) {
      throw divisionByZero();
    }
    return divisor;
  }

  private static double nonZero(double divisor) {
    if (divisor == 0) {
      throw divisionByZero();
    }
    return divisor;
  }

  private static BigDecimal nonZero(BigDecimal divisor) {
    if (divisor.signum() == 0) {
      throw divisionByZero();
    }
    return divisor;
  }

  private static ArithmeticException divisionByZero() {
    return new ArithmeticException("division by zero");
  }
}
