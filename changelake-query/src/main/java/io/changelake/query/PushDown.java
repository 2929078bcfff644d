package io.changelake.query;

import io.changelake.api.model.DataType;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.ReadFilter;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.NlsString;

/**
 * The conditions of a query's filter that a format may use to skip data: comparisons of a column with a literal
 * ({@code =, <, <=, >, >=}, and so {@code BETWEEN}), {@code IN} lists and {@code IS [NOT] NULL}, in the conjuncts of
 * the filter. Anything else is left to Calcite, which evaluates the whole filter over the rows read anyway, so a
 * condition pushed down only has to hold for every row Calcite keeps.
 *
 * <p>Values are converted to the column's lake value exactly, or not pushed: a decimal with more digits than the
 * column, a fractional number for an integer column. Strings are pushed for equality only (the formats order them
 * by bytes, Calcite by UTF-16 units). Calcite holds times in milliseconds, so a timestamp bound is widened to the
 * millisecond that holds it.
 */
final class PushDown {
  private PushDown() { }

  /** The conditions of {@code filters} (Calcite conjuncts over the columns of {@code schema}) a format can use. */
  static List<ReadFilter> filters(List<RexNode> filters, TableSchema schema, RexBuilder rex) {
    List<ReadFilter> pushed = new ArrayList<>();
    for (RexNode filter : filters) {
      for (RexNode conjunct : RelOptUtil.conjunctions(RexUtil.expandSearch(rex, null, filter))) {
        convert(conjunct, schema, pushed);
      }
    }
    return pushed;
  }

  private static void convert(RexNode node, TableSchema schema, List<ReadFilter> pushed) {
    if (!(node instanceof RexCall call)) {
      return;
    }
    switch (call.getKind()) {
      case IS_NULL, IS_NOT_NULL -> {
        String column = column(call.getOperands().get(0), schema);
        if (column != null) {
          pushed.add(new ReadFilter.IsNull(column, call.getKind() == SqlKind.IS_NOT_NULL));
        }
      }
      case EQUALS, LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL -> compare(call, schema, pushed);
      case OR -> in(call, schema, pushed);
      default -> { }
    }
  }

  private static void compare(RexCall call, TableSchema schema, List<ReadFilter> pushed) {
    RexNode left = call.getOperands().get(0);
    RexNode right = call.getOperands().get(1);
    SqlKind kind = call.getKind();
    if (left instanceof RexLiteral) {
      RexNode swap = left;
      left = right;
      right = swap;
      kind = kind.reverse();
    }
    String column = column(left, schema);
    if (column == null || !(right instanceof RexLiteral literal)) {
      return;
    }
    DataType type = schema.column(column).orElseThrow().type();
    if (LakeTypes.isTimestamp(type)) {
      timeBounds(column, type, kind, literal, pushed);
      return;
    }
    Object value = value(literal, type);
    if (value == null || (type.kind() == DataType.Kind.STRING && kind != SqlKind.EQUALS)) {
      return;
    }
    pushed.add(new ReadFilter.Compare(column, op(kind), value));
  }

  /** {@code col = a OR col = b ...} as {@code col IN (a, b, ...)}; any other disjunction is not pushed. */
  private static void in(RexCall or, TableSchema schema, List<ReadFilter> pushed) {
    String column = null;
    List<Object> values = new ArrayList<>();
    for (RexNode operand : or.getOperands()) {
      if (!(operand instanceof RexCall equal) || equal.getKind() != SqlKind.EQUALS) {
        return;
      }
      RexNode left = equal.getOperands().get(0);
      RexNode right = equal.getOperands().get(1);
      if (left instanceof RexLiteral) {
        RexNode swap = left;
        left = right;
        right = swap;
      }
      String name = column(left, schema);
      if (name == null || column != null && !column.equals(name) || !(right instanceof RexLiteral literal)) {
        return;
      }
      column = name;
      DataType type = schema.column(name).orElseThrow().type();
      Object value = LakeTypes.isTimestamp(type) ? null : value(literal, type);
      if (value == null) {
        return;
      }
      values.add(value);
    }
    pushed.add(new ReadFilter.In(column, values));
  }

  /**
   * A comparison of a time column (held by Calcite in milliseconds, rounded down) with a literal, as bounds on the
   * lake's microseconds that hold every row Calcite keeps: {@code [ms, ms + 1)} around the literal's millisecond.
   */
  private static void timeBounds(String column, DataType type, SqlKind kind, RexLiteral literal,
      List<ReadFilter> pushed) {
    SqlTypeName literalType = type.kind() == DataType.Kind.TIMESTAMP ? SqlTypeName.TIMESTAMP
        : SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE;
    if (literal.isNull() || literal.getTypeName() != literalType) {
      return;
    }
    long millis = literal.getValueAs(Long.class);
    switch (kind) {
      case LESS_THAN -> pushed.add(new ReadFilter.Compare(column, ReadFilter.Op.LT, time(millis, type)));
      case LESS_THAN_OR_EQUAL -> pushed.add(new ReadFilter.Compare(column, ReadFilter.Op.LT, time(millis + 1, type)));
      case EQUALS -> {
        pushed.add(new ReadFilter.Compare(column, ReadFilter.Op.GE, time(millis, type)));
        pushed.add(new ReadFilter.Compare(column, ReadFilter.Op.LT, time(millis + 1, type)));
      }
      default -> pushed.add(new ReadFilter.Compare(column, ReadFilter.Op.GE, time(millis, type)));
    }
  }

  private static Object time(long millis, DataType type) {
    Instant instant = Instant.ofEpochMilli(millis);
    return type.kind() == DataType.Kind.TIMESTAMP ? LocalDateTime.ofInstant(instant, ZoneOffset.UTC)
        : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  /** The column {@code node} reads (a widening cast of an integer column included), or null. */
  private static String column(RexNode node, TableSchema schema) {
    if (node.getKind() == SqlKind.CAST) {
      RexNode operand = ((RexCall) node).getOperands().get(0);
      boolean widening = operand.getType().getSqlTypeName() == SqlTypeName.INTEGER
          && node.getType().getSqlTypeName() == SqlTypeName.BIGINT;
      return widening ? column(operand, schema) : null;
    }
    return node instanceof RexInputRef ref && ref.getIndex() < schema.size() ? schema.column(ref.getIndex()).name() : null;
  }

  /** The literal as an exact value of the column's lake type, or null when it has none or the type is not pushed. */
  private static Object value(RexLiteral literal, DataType type) {
    if (literal.isNull()) {
      return null;
    }
    return switch (type.kind()) {
      case INT, LONG, DECIMAL -> number(literal, type);
      case STRING -> literal.getValue() instanceof NlsString text ? text.getValue() : null;
      case DATE -> literal.getTypeName() == SqlTypeName.DATE
          ? LocalDate.ofEpochDay(literal.getValueAs(Integer.class)) : null;
      default -> null;
    };
  }

  private static Object number(RexLiteral literal, DataType type) {
    if (!(literal.getValue() instanceof BigDecimal number)) {
      return null;
    }
    try {
      return switch (type.kind()) {
        case INT -> number.intValueExact();
        case LONG -> number.longValueExact();
        default -> {
          DataType.Decimal decimal = (DataType.Decimal) type;
          BigDecimal exact = number.setScale(decimal.scale());  // throws when digits would be lost
          yield exact.precision() <= decimal.precision() ? exact : null;
        }
      };
    } catch (ArithmeticException notExact) {
      return null;
    }
  }

  private static ReadFilter.Op op(SqlKind kind) {
    return switch (kind) {
      case EQUALS -> ReadFilter.Op.EQ;
      case LESS_THAN -> ReadFilter.Op.LT;
      case LESS_THAN_OR_EQUAL -> ReadFilter.Op.LE;
      case GREATER_THAN -> ReadFilter.Op.GT;
      default -> ReadFilter.Op.GE;
    };
  }
}
