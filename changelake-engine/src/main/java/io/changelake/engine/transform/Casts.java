package io.changelake.engine.transform;

import io.changelake.api.model.DataType;
import io.changelake.api.model.DataType.Kind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.UnaryOperator;

/**
 * Value conversions between {@link DataType}s, for {@code CAST} and for implicit promotion.
 *
 * <p>Numbers convert to integers rounding half away from zero (as PostgreSQL does) and to decimals
 * rounding half up to the target scale; a value that does not fit throws
 * {@link ArithmeticException}. Timestamps without zone are taken as UTC when converted to and from
 * timestamptz. Strings convert as {@link TextValues} reads and writes them.
 */
final class Casts {
  private Casts() { }

  /**
   * How to convert non-null values of {@code from} into values of {@code to}.
   *
   * @throws ExpressionError when SQL has no such cast
   */
  static UnaryOperator<Object> converter(DataType from, DataType to) {
    if (from.equals(to)) {
      return UnaryOperator.identity();
    }
    UnaryOperator<Object> converter;
    if (to.kind() == Kind.STRING) {
      converter = TextValues.formatter(from);
    } else if (from.kind() == Kind.STRING) {
      converter = TextValues.parser(to);
    } else if (TypeRules.isNumeric(from) && TypeRules.isNumeric(to)) {
      converter = numeric(to);
    } else if (from.kind() == Kind.BOOLEAN && TypeRules.isIntegral(to)) {
      UnaryOperator<Object> toNumber = numeric(to);
      converter = v -> toNumber.apply((Boolean) v ? 1 : 0);
    } else if (TypeRules.isIntegral(from) && to.kind() == Kind.BOOLEAN) {
      converter = v -> ((Number) v).longValue() != 0;
    } else {
      converter = temporal(from.kind(), to.kind());
    }
    if (converter == null) {
      throw new ExpressionError("cannot cast " + from + " to " + to);
    }
    return converter;
  }

  /** An int, long, decimal, float or double value as a BigDecimal. */
  static BigDecimal toBigDecimal(Object value) {
    if (value instanceof BigDecimal decimal) {
      return decimal;
    }
    if (value instanceof Integer || value instanceof Long) {
      return BigDecimal.valueOf(((Number) value).longValue());
    }
    double d = ((Number) value).doubleValue();
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new ArithmeticException("cannot convert " + d + " to an exact number");
    }
    return value instanceof Float f ? new BigDecimal(f.toString()) : BigDecimal.valueOf(d);
  }

  private static UnaryOperator<Object> numeric(DataType to) {
    return switch (to.kind()) {
      case INT -> v -> v instanceof Integer ? v : rounded(v).intValueExact();
      case LONG -> v -> v instanceof Integer || v instanceof Long ? ((Number) v).longValue() : rounded(v).longValueExact();
      case FLOAT -> v -> ((Number) v).floatValue();
      case DOUBLE -> v -> ((Number) v).doubleValue();
      default -> v -> TypeRules.fit(toBigDecimal(v), (DataType.Decimal) to);
    };
  }

  private static BigDecimal rounded(Object value) {
    return toBigDecimal(value).setScale(0, RoundingMode.HALF_UP);
  }

  private static UnaryOperator<Object> temporal(Kind from, Kind to) {
    return switch (from) {
      case DATE -> switch (to) {
        case TIMESTAMP -> v -> ((LocalDate) v).atStartOfDay();
        case TIMESTAMPTZ -> v -> ((LocalDate) v).atStartOfDay().atOffset(ZoneOffset.UTC);
        default -> null;
      };
      case TIMESTAMP -> switch (to) {
        case DATE -> v -> ((LocalDateTime) v).toLocalDate();
        case TIME -> v -> ((LocalDateTime) v).toLocalTime();
        case TIMESTAMPTZ -> v -> ((LocalDateTime) v).atOffset(ZoneOffset.UTC);
        default -> null;
      };
      case TIMESTAMPTZ -> switch (to) {
        case DATE -> v -> ((OffsetDateTime) v).toLocalDate();
        case TIME -> v -> ((OffsetDateTime) v).toLocalTime();
        case TIMESTAMP -> v -> ((OffsetDateTime) v).toLocalDateTime();
        default -> null;
      };
      default -> null;
    };
  }
}
