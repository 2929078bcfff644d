package io.changelake.engine.transform;

import io.changelake.api.model.DataType;
import io.changelake.api.model.DataType.Kind;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * SQL typing rules: numeric promotion (int, long, decimal, then float/double, which always become
 * double), the result type of arithmetic, and the common type of CASE branches.
 *
 * <p>Decimal results follow the usual SQL engine rules (SQL Server, Hive, Spark): {@code +} and
 * {@code -} keep the larger scale and add one integer digit; {@code *} adds precisions and scales;
 * {@code /} keeps at least 6 fraction digits; when a precision exceeds 38 the scale gives way, down
 * to 6 digits.
 */
final class TypeRules {
  /** Digits an int or a long needs as a decimal. */
  private static final DataType.Decimal INT_AS_DECIMAL = new DataType.Decimal(10, 0);
  private static final DataType.Decimal LONG_AS_DECIMAL = new DataType.Decimal(19, 0);
  private static final int MIN_DIVISION_SCALE = 6;

  private TypeRules() { }

  static boolean isNumeric(DataType type) {
    return switch (type.kind()) {
      case INT, LONG, FLOAT, DOUBLE, DECIMAL -> true;
      default -> false;
    };
  }

  static boolean isIntegral(DataType type) {
    return type.kind() == Kind.INT || type.kind() == Kind.LONG;
  }

  static boolean isApproximate(DataType type) {
    return type.kind() == Kind.FLOAT || type.kind() == Kind.DOUBLE;
  }

  /** The decimal type that holds every value of an int, long or decimal type. */
  static DataType.Decimal asDecimal(DataType type) {
    return switch (type.kind()) {
      case INT -> INT_AS_DECIMAL;
      case LONG -> LONG_AS_DECIMAL;
      case DECIMAL -> (DataType.Decimal) type;
      default -> throw new IllegalArgumentException("Not an exact number: " + type);
    };
  }

  /**
   * The type both values convert to (CASE branches, comparisons), or null when there is none.
   * A null argument is an untyped NULL and takes the other type.
   */
  static DataType common(DataType a, DataType b) {
    if (a == null || b == null || a.equals(b)) {
      return a == null ? b : a;
    }
    if (!isNumeric(a) || !isNumeric(b)) {
      return null;
    }
    if (isApproximate(a) || isApproximate(b)) {
      return DataType.DOUBLE;
    }
    if (a.kind() == Kind.DECIMAL || b.kind() == Kind.DECIMAL) {
      DataType.Decimal x = asDecimal(a);
      DataType.Decimal y = asDecimal(b);
      int scale = Math.max(x.scale(), y.scale());
      return capped(Math.max(x.precision() - x.scale(), y.precision() - y.scale()) + scale, scale);
    }
    return DataType.LONG;
  }

  /** The result type of {@code left op right}; either may be null (an untyped NULL). */
  static DataType arithmetic(ArithmeticOp op, DataType left, DataType right) {
    DataType a = left == null ? right : left;
    DataType b = right == null ? left : right;
    if (a == null) {
      throw new ExpressionError("'NULL " + op.symbol() + " NULL' has no type; write CAST(NULL AS <type>)");
    }
    if (!isNumeric(a) || !isNumeric(b)) {
      throw new ExpressionError("operator " + op.symbol() + " needs numbers, got " + a + " and " + b
          + (a.kind() == Kind.STRING || b.kind() == Kind.STRING ? "; concatenate strings with ||" : ""));
    }
    if (isApproximate(a) || isApproximate(b)) {
      return DataType.DOUBLE;
    }
    if (a.kind() != Kind.DECIMAL && b.kind() != Kind.DECIMAL) {
      return a.kind() == Kind.LONG || b.kind() == Kind.LONG ? DataType.LONG : DataType.INT;
    }
    DataType.Decimal x = asDecimal(a);
    DataType.Decimal y = asDecimal(b);
    int p1 = x.precision();
    int s1 = x.scale();
    int p2 = y.precision();
    int s2 = y.scale();
    return switch (op) {
      case ADD, SUBTRACT -> {
        int scale = Math.max(s1, s2);
        yield capped(Math.max(p1 - s1, p2 - s2) + scale + 1, scale);
      }
      case MULTIPLY -> capped(p1 + p2 + 1, s1 + s2);
      case DIVIDE -> {
        int scale = Math.max(MIN_DIVISION_SCALE, s1 + p2 + 1);
        yield capped(p1 - s1 + s2 + scale, scale);
      }
      case MODULO -> {
        int scale = Math.max(s1, s2);
        yield capped(Math.min(p1 - s1, p2 - s2) + scale, scale);
      }
    };
  }

  /** decimal(precision, scale), giving up fraction digits (down to 6) when precision exceeds 38. */
  static DataType.Decimal capped(int precision, int scale) {
    if (precision <= DataType.MAX_DECIMAL_PRECISION) {
      return new DataType.Decimal(Math.max(precision, 1), scale);
    }
    int integerDigits = precision - scale;
    int newScale = Math.max(DataType.MAX_DECIMAL_PRECISION - integerDigits, Math.min(scale, MIN_DIVISION_SCALE));
    return new DataType.Decimal(DataType.MAX_DECIMAL_PRECISION, Math.min(newScale, DataType.MAX_DECIMAL_PRECISION));
  }

  /**
   * {@code value} rounded (half up) to the type's scale.
   *
   * @throws ArithmeticException when it has more integer digits than the type allows
   */
  static BigDecimal fit(BigDecimal value, DataType.Decimal type) {
    BigDecimal scaled = value.setScale(type.scale(), RoundingMode.HALF_UP);
    if (scaled.precision() - scaled.scale() > type.precision() - type.scale()) {
      throw new ArithmeticException("value " + value.toPlainString() + " does not fit " + type);
    }
    return scaled;
  }
}
