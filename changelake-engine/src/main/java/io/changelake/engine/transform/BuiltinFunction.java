package io.changelake.engine.transform;

import io.changelake.api.model.DataType;
import io.changelake.api.model.DataType.Kind;
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
 * Timestamptz values are read in UTC. A function that SQL and Paimon define differently
 * ({@code substring}) has one constant per {@link FunctionDialect}, each under the function's name.
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
   * SQL's substring ({@link FunctionDialect#SQL}): {@code length} characters (code points) from
   * 1-based {@code start}, clipped to the string; positions before the first character count, as in
   * PostgreSQL ({@code substring('abc', 0, 2)} is 'a'); a negative length is an error.
   */
  SQL_SUBSTRING(FunctionDialect.SQL, "substring(string, start[, length])") {
    @Override
    Node compile(List<Node> args) {
      arity(args, 2, 3);
      Node text = argument(args.get(0), DataType.STRING);
      Node start = integral(args.get(1));
      if (args.size() == 2) {
        return Node.map2(DataType.STRING, text, start, (s, b) -> substring((String) s, ((Number) b).longValue(), -1));
      }
      return Node.map3(DataType.STRING, text, start, integral(args.get(2)), (s, b, n) -> {
        long length = ((Number) n).longValue();
        if (length < 0) {
          throw new IllegalArgumentException("negative substring length " + length);
        }
        return substring((String) s, ((Number) b).longValue(), length);
      });
    }
  },
  /**
   * Paimon's substring ({@link FunctionDialect#PAIMON}): characters (code points) {@code [begin, end)},
   * 0-based, as Java's {@code String.substring(begin, end)}; without {@code end}, to the end of the
   * string. Paimon's rules hold: begin at least 0 and end larger than begin (checked when the column
   * is bound if they are literals, as Paimon checks them when the job starts), and an index beyond
   * the string's end is an error (Paimon fails the job; here the row fails like any bad value). Paimon
   * counts UTF-16 units where this counts characters; they differ only beyond the BMP (e.g. emoji).
   */
  PAIMON_SUBSTRING(FunctionDialect.PAIMON, "substring(string, begin[, end])") {
    @Override
    Node compile(List<Node> args) {
      arity(args, 2, 3);
      Node text = argument(args.get(0), DataType.STRING);
      Node begin = integral(args.get(1));
      Node end = args.size() == 3 ? integral(args.get(2)) : null;
      checkLiteralIndexes(begin, end);
      if (end == null) {
        return Node.map2(DataType.STRING, text, begin,
            (s, b) -> paimonSubstring((String) s, ((Number) b).longValue(), null));
      }
      return Node.map3(DataType.STRING, text, begin, end,
          (s, b, e) -> paimonSubstring((String) s, ((Number) b).longValue(), ((Number) e).longValue()));
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

  private final FunctionDialect dialect;
  private final String signature;
  private final String functionName;

  /** A function of every dialect. */
  BuiltinFunction(String signature) {
    this(null, signature);
  }

  /**
   * @param dialect the only dialect with this definition of the function, or null for every dialect
   * @param signature {@code name(arguments)}, for messages; its name is what expressions call
   */
  BuiltinFunction(FunctionDialect dialect, String signature) {
    this.dialect = dialect;
    this.signature = signature;
    this.functionName = signature.substring(0, signature.indexOf('('));
  }

  /**
   * The function's node over compiled arguments.
   *
   * @throws ExpressionError when the arguments' number or types are wrong
   */
  abstract Node compile(List<Node> args);

  /** Every function's signature in {@code dialect}, for messages. */
  static String supported(FunctionDialect dialect) {
    return Arrays.stream(values()).filter(f -> f.in(dialect)).map(f -> f.signature)
        .collect(Collectors.joining(", ")) + ", cast(value AS type)";
  }

  /** The function named {@code name} (any case) in {@code dialect}. */
  static BuiltinFunction named(String name, FunctionDialect dialect) {
    for (BuiltinFunction f : values()) {
      if (f.functionName.equalsIgnoreCase(name) && f.in(dialect)) {
        return f;
      }
    }
    throw new ExpressionError("unknown function '" + name + "'; supported: " + supported(dialect));
  }

  private boolean in(FunctionDialect of) {
    return dialect == null || dialect == of;
  }

  void arity(List<Node> args, int min, int max) {
    if (args.size() < min || args.size() > max) {
      throw new ExpressionError(functionName + " takes " + (min == max ? min : min + " or " + max)
          + " argument" + (max == 1 ? "" : "s") + ", got " + args.size() + ": " + signature);
    }
  }

  ExpressionError wrongType(Node arg, String expected) {
    return new ExpressionError(functionName + " needs " + expected + ", got " + arg.type()
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

  /**
   * Fails when a literal begin (with a literal end, if any) breaks Paimon's rules for
   * {@link #PAIMON_SUBSTRING}, as Paimon, whose indexes are always literals, fails when the job
   * starts; indexes computed per row are checked per row.
   */
  void checkLiteralIndexes(Node begin, Node end) {
    Object b = literal(begin);
    if (b == null) {
      return;
    }
    Object e = literal(end);
    try {
      checkPaimonIndexes(((Number) b).longValue(), e == null ? null : ((Number) e).longValue());
    } catch (IllegalArgumentException invalid) {
      throw new ExpressionError(invalid.getMessage() + ": " + signature);
    }
  }

  private static Object literal(Node arg) {
    return arg != null && arg.constant() ? arg.constantValue() : null;
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
   * Paimon's rules for substring's indexes alone: begin at least 0, end (when given) larger than begin.
   *
   * @throws IllegalArgumentException when they are broken
   */
  static void checkPaimonIndexes(long begin, Long end) {
    if (begin < 0) {
      throw new IllegalArgumentException("substring's begin index must be 0 or more (it is 0-based), got " + begin);
    }
    if (end != null && end <= begin) {
      throw new IllegalArgumentException("substring's end index must be larger than its begin index (it is"
          + " exclusive), got begin " + begin + " and end " + end);
    }
  }

  /**
   * Code points {@code [begin, end)} of {@code text}, 0-based; to the end when {@code end} is null.
   *
   * @throws IllegalArgumentException when the indexes break {@link #checkPaimonIndexes} or lie beyond
   *     the end of {@code text}
   */
  static String paimonSubstring(String text, long begin, Long end) {
    checkPaimonIndexes(begin, end);
    long count = text.codePointCount(0, text.length());
    long to = end == null ? count : end;
    if (begin > count || to > count) {
      throw new IllegalArgumentException("substring's indexes (begin " + begin + (end == null ? "" : ", end " + end)
          + ") are out of range for '" + text + "', which has " + count + " characters");
    }
    return text.substring(text.offsetByCodePoints(0, (int) begin), text.offsetByCodePoints(0, (int) to));
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
