package io.changelake.core.transform;

import io.changelake.core.model.DataType;
import io.changelake.core.model.DataType.Kind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The functions Paimon documents for computed columns. All return NULL for a NULL argument.
 * Timestamptz values are read in UTC.
 */
enum BuiltinFunction {
  YEAR("year(date|timestamp|timestamptz)") {
    @Override
    Node compile(List<Node> args) {
      return datePart(args, ChronoField.YEAR);
    }
  },
  MONTH("month(date|timestamp|timestamptz)") {
    @Override
    Node compile(List<Node> args) {
      return datePart(args, ChronoField.MONTH_OF_YEAR);
    }
  },
  DAY("day(date|timestamp|timestamptz)") {
    @Override
    Node compile(List<Node> args) {
      return datePart(args, ChronoField.DAY_OF_MONTH);
    }
  },
  /** A date's hour, minute and second are 0. */
  HOUR("hour(date|time|timestamp|timestamptz)") {
    @Override
    Node compile(List<Node> args) {
      return datePart(args, ChronoField.HOUR_OF_DAY);
    }
  },
  MINUTE("minute(date|time|timestamp|timestamptz)") {
    @Override
    Node compile(List<Node> args) {
      return datePart(args, ChronoField.MINUTE_OF_HOUR);
    }
  },
  SECOND("second(date|time|timestamp|timestamptz)") {
    @Override
    Node compile(List<Node> args) {
      return datePart(args, ChronoField.SECOND_OF_MINUTE);
    }
  },
  /** Formats with a {@link DateTimeFormatter} pattern, which must be a string literal. */
  DATE_FORMAT("date_format(date|time|timestamp|timestamptz, 'java pattern')") {
    @Override
    Node compile(List<Node> args) {
      arity(args, 2, 2);
      Node value = temporal(args.get(0), true);
      DateTimeFormatter format = pattern(args.get(1), value.type());
      return value.map(DataType.STRING, v -> format.format((TemporalAccessor) v));
    }
  },
  /**
   * SQL substring: {@code length} characters (code points) from 1-based {@code start}; positions
   * before the first character count, as in PostgreSQL ({@code substring('abc', 0, 2)} is 'a'). Not
   * Paimon's 0-based {@code substring(begin, end)}.
   */
  SUBSTRING("substring(string, start[, length])") {
    @Override
    Node compile(List<Node> args) {
      arity(args, 2, 3);
      Node text = argument(args.get(0), DataType.STRING);
      Node start = integral(args.get(1));
      if (args.size() == 2) {
        return Node.map2(DataType.STRING, text, start, (s, b) -> substring((String) s, ((Number) b).longValue(), -1));
      }
      Node length = integral(args.get(2));
      Node.Evaluator s = text.evaluator();
      Node.Evaluator b = start.evaluator();
      Node.Evaluator n = length.evaluator();
      return new Node(DataType.STRING, row -> {
        Object value = s.eval(row);
        Object from = value == null ? null : b.eval(row);
        Object count = from == null ? null : n.eval(row);
        if (count == null) {
          return null;
        }
        if (((Number) count).longValue() < 0) {
          throw new IllegalArgumentException("negative substring length " + count);
        }
        return substring((String) value, ((Number) from).longValue(), ((Number) count).longValue());
      }, text.constant() && start.constant() && length.constant());
    }
  },
  /**
   * Paimon's truncate: an int or bigint {@code v} becomes {@code v - (v mod width)}, the mod taken
   * toward negative infinity (so {@code truncate(-1, 10)} is -10); a decimal does the same on its
   * unscaled value ({@code truncate(10.65, 50)} is 10.50); a string keeps its first {@code width}
   * characters. {@code width} is a positive integer literal.
   */
  TRUNCATE("truncate(int|bigint|decimal|string, width)") {
    @Override
    Node compile(List<Node> args) {
      arity(args, 2, 2);
      Node value = args.get(0);
      long width = width(args.get(1));
      DataType type = value.type();
      return switch (type == null ? Kind.STRING : type.kind()) {
        case INT -> value.map(type, v -> Math.toIntExact(truncate((Integer) v, width)));
        case LONG -> value.map(type, v -> truncate((Long) v, width));
        case DECIMAL -> {
          BigInteger w = BigInteger.valueOf(width);
          yield value.map(type, v -> truncate((BigDecimal) v, w, (DataType.Decimal) type));
        }
        case STRING -> value.convertTo(DataType.STRING).map(DataType.STRING, v -> substring((String) v, 1, width));
        default -> throw wrongType(value, "int, bigint, decimal or string");
      };
    }
  },
  UPPER("upper(string)") {
    @Override
    Node compile(List<Node> args) {
      arity(args, 1, 1);
      return argument(args.get(0), DataType.STRING).map(DataType.STRING, v -> ((String) v).toUpperCase(Locale.ROOT));
    }
  },
  LOWER("lower(string)") {
    @Override
    Node compile(List<Node> args) {
      arity(args, 1, 1);
      return argument(args.get(0), DataType.STRING).map(DataType.STRING, v -> ((String) v).toLowerCase(Locale.ROOT));
    }
  };

  /** Every supported function's signature, for messages. */
  static final String SUPPORTED = Arrays.stream(values()).map(f -> f.signature).collect(Collectors.joining(", "))
      + ", cast(value AS type)";

  private final String signature;

  BuiltinFunction(String signature) {
    this.signature = signature;
  }

  /**
   * The function's node over compiled arguments.
   *
   * @throws ExpressionError when the arguments' number or types are wrong
   */
  abstract Node compile(List<Node> args);

  /** The function named {@code name} (any case). */
  static BuiltinFunction named(String name) {
    for (BuiltinFunction f : values()) {
      if (f.name().equalsIgnoreCase(name)) {
        return f;
      }
    }
    throw new ExpressionError("unknown function '" + name + "'; supported: " + SUPPORTED);
  }

  void arity(List<Node> args, int min, int max) {
    if (args.size() < min || args.size() > max) {
      throw new ExpressionError(name().toLowerCase(Locale.ROOT) + " takes " + (min == max ? min : min + " or " + max)
          + " argument" + (max == 1 ? "" : "s") + ", got " + args.size() + ": " + signature);
    }
  }

  ExpressionError wrongType(Node arg, String expected) {
    return new ExpressionError(name().toLowerCase(Locale.ROOT) + " needs " + expected + ", got " + arg.type()
        + ": " + signature + (arg.type() != null && arg.type().kind() == Kind.STRING
            ? "; CAST a string to the type first" : ""));
  }

  Node argument(Node arg, DataType type) {
    if (arg.isNullLiteral() || arg.type().equals(type)) {
      return arg.convertTo(type);
    }
    throw wrongType(arg, "a " + type);
  }

  Node integral(Node arg) {
    if (arg.isNullLiteral() || TypeRules.isIntegral(arg.type())) {
      return arg;
    }
    throw wrongType(arg, "an integer");
  }

  Node temporal(Node arg, boolean timeAllowed) {
    Kind kind = arg.isNullLiteral() ? Kind.TIMESTAMP : arg.type().kind();
    if (kind == Kind.DATE || kind == Kind.TIMESTAMP || kind == Kind.TIMESTAMPTZ || (kind == Kind.TIME && timeAllowed)) {
      return arg.isNullLiteral() ? Node.constant(DataType.TIMESTAMP, null) : arg;
    }
    throw wrongType(arg, timeAllowed ? "a date, time, timestamp or timestamptz" : "a date, timestamp or timestamptz");
  }

  Node datePart(List<Node> args, ChronoField field) {
    arity(args, 1, 1);
    Node value = temporal(args.get(0), !field.isDateBased());
    Node readable = value.type().kind() == Kind.DATE && !field.isDateBased() ? value.convertTo(DataType.TIMESTAMP) : value;
    return readable.map(DataType.INT, v -> ((TemporalAccessor) v).get(field));
  }

  DateTimeFormatter pattern(Node arg, DataType valueType) {
    if (!arg.constant() || arg.type() == null || arg.type().kind() != Kind.STRING) {
      throw new ExpressionError("date_format needs its pattern as a string literal, e.g. 'yyyy-MM-dd': " + signature);
    }
    String pattern = (String) arg.constantValue();
    try {
      DateTimeFormatter format = DateTimeFormatter.ofPattern(pattern, Locale.ROOT);
      format.format(sample(valueType));
      return format;
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      throw new ExpressionError("date_format pattern '" + pattern + "' does not apply to " + valueType + ": "
          + e.getMessage());
    }
  }

  long width(Node arg) {
    Object width = arg.constant() && arg.type() != null && TypeRules.isIntegral(arg.type()) ? arg.constantValue() : null;
    if (width == null || ((Number) width).longValue() <= 0) {
      throw new ExpressionError("truncate needs a positive integer literal width: " + signature);
    }
    return ((Number) width).longValue();
  }

  private static TemporalAccessor sample(DataType type) {
    return switch (type.kind()) {
      case DATE -> LocalDate.EPOCH;
      case TIME -> LocalTime.MIDNIGHT;
      case TIMESTAMPTZ -> OffsetDateTime.of(LocalDateTime.of(LocalDate.EPOCH, LocalTime.MIDNIGHT), ZoneOffset.UTC);
      default -> LocalDateTime.of(LocalDate.EPOCH, LocalTime.MIDNIGHT);
    };
  }

  static long truncate(long value, long width) {
    return Math.subtractExact(value, Math.floorMod(value, width));
  }

  static BigDecimal truncate(BigDecimal value, BigInteger width, DataType.Decimal type) {
    BigInteger unscaled = value.unscaledValue();
    return TypeRules.fit(new BigDecimal(unscaled.subtract(unscaled.mod(width)), value.scale()), type);
  }

  /**
   * Code points {@code [start, start + length)} of {@code text}, 1-based, clipped to the text; a
   * negative length means to the end.
   */
  static String substring(String text, long start, long length) {
    long count = text.codePointCount(0, text.length());
    long end = length < 0 || length > Long.MAX_VALUE - Math.max(start, 0) ? Long.MAX_VALUE : start + length;
    long from = Math.max(start, 1);
    long to = Math.min(end, count + 1);
    if (to <= from) {
      return "";
    }
    return text.substring(text.offsetByCodePoints(0, (int) from - 1), text.offsetByCodePoints(0, (int) to - 1));
  }
}
