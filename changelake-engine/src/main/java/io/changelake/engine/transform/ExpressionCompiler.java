package io.changelake.engine.transform;

import io.changelake.api.model.DataType;
import io.changelake.api.model.TableSchema;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.CaseExpression;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.WhenClause;
import net.sf.jsqlparser.expression.operators.arithmetic.Addition;
import net.sf.jsqlparser.expression.operators.arithmetic.Concat;
import net.sf.jsqlparser.expression.operators.arithmetic.Division;
import net.sf.jsqlparser.expression.operators.arithmetic.Modulo;
import net.sf.jsqlparser.expression.operators.arithmetic.Multiplication;
import net.sf.jsqlparser.expression.operators.arithmetic.Subtraction;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.GreaterThan;
import net.sf.jsqlparser.expression.operators.relational.GreaterThanEquals;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.MinorThan;
import net.sf.jsqlparser.expression.operators.relational.MinorThanEquals;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Column;

/**
 * Compiles one parsed expression against a source schema into a {@link Node} tree, typing it on
 * the way. Column names resolve as PostgreSQL resolves them: unquoted names ignore case, quoted
 * names ({@code "Price"}) match exactly. An unquoted name that is no column is read as a string
 * (the Paimon guide's {@code THEN ''budget''} reaches us as {@code THEN budget} after the shell has
 * eaten the quotes), with a warning.
 *
 * <p>One instance compiles one expression; it also records the columns the expression reads.
 */
final class ExpressionCompiler {
  private final TableSchema schema;
  private final String target;
  private final FunctionDialect dialect;
  private final BitSet reads = new BitSet();
  private final List<String> warnings = new ArrayList<>();

  /**
   * @param schema the source schema that column names resolve against
   * @param target the computed column being compiled, for warnings
   * @param dialect whose definition of the functions applies where SQL and Paimon differ
   */
  ExpressionCompiler(TableSchema schema, String target, FunctionDialect dialect) {
    this.schema = schema;
    this.target = target;
    this.dialect = dialect;
  }

  /** Positions of the source columns the compiled expressions read, ascending. */
  int[] reads() {
    return reads.stream().toArray();
  }

  List<String> warnings() {
    return List.copyOf(warnings);
  }

  Node compile(Expression e) {
    if (e instanceof ParenthesedExpressionList<?> list && list.size() == 1) {
      return compile(list.get(0));
    }
    if (e instanceof Column column) {
      return column(column);
    }
    if (e instanceof StringValue value) {
      return Node.constant(DataType.STRING, value.getNotExcapedValue());
    }
    if (e instanceof LongValue value) {
      return integer(value.getBigIntegerValue());
    }
    if (e instanceof DoubleValue value) {
      return number(value.toString());
    }
    if (e instanceof BooleanValue value) {
      return Node.constant(DataType.BOOLEAN, value.getValue());
    }
    if (e instanceof NullValue) {
      return Node.constant(null, null);
    }
    if (e instanceof SignedExpression signed) {
      return signed(signed);
    }
    if (e instanceof NotExpression not) {
      return Logic.not(compile(not.getExpression()));
    }
    if (e instanceof IsNullExpression isNull) {
      return Logic.isNull(compile(isNull.getLeftExpression()), isNull.isNot());
    }
    if (e instanceof CaseExpression caseExpression) {
      return caseWhen(caseExpression);
    }
    if (e instanceof CastExpression cast && (cast.keyword == null || cast.keyword.equalsIgnoreCase("cast"))) {
      return compile(cast.getLeftExpression()).convertTo(SqlTypes.of(cast.getColDataType()));
    }
    if (e instanceof Function function) {
      return function(function);
    }
    if (e instanceof BinaryExpression binary) {
      return binary(binary);
    }
    throw unsupported(e);
  }

  private Node binary(BinaryExpression e) {
    Node left = compile(e.getLeftExpression());
    Node right = compile(e.getRightExpression());
    String symbol = e.getStringExpression();
    if (e instanceof AndExpression) {
      return Logic.and(left, right);
    }
    if (e instanceof OrExpression) {
      return Logic.or(left, right);
    }
    if (e instanceof Concat) {
      return Node.map2(DataType.STRING, left.convertTo(DataType.STRING), right.convertTo(DataType.STRING),
          (a, b) -> (String) a + b);
    }
    ArithmeticOp arithmetic = e instanceof Addition ? ArithmeticOp.ADD
        : e instanceof Subtraction ? ArithmeticOp.SUBTRACT
        : e instanceof Multiplication ? ArithmeticOp.MULTIPLY
        : e instanceof Division ? ArithmeticOp.DIVIDE
        : e instanceof Modulo ? ArithmeticOp.MODULO : null;
    if (arithmetic != null) {
      return Arithmetic.binary(arithmetic, left, right);
    }
    Comparisons.Op comparison = e instanceof EqualsTo ? Comparisons.Op.EQ
        : e instanceof NotEqualsTo ? Comparisons.Op.NE
        : e instanceof MinorThan ? Comparisons.Op.LT
        : e instanceof MinorThanEquals ? Comparisons.Op.LE
        : e instanceof GreaterThan ? Comparisons.Op.GT
        : e instanceof GreaterThanEquals ? Comparisons.Op.GE : null;
    if (comparison != null) {
      return Comparisons.compare(comparison, symbol, left, right);
    }
    throw unsupported(e);
  }

  private Node column(Column column) {
    if (column.getTable() != null && column.getTable().getName() != null) {
      throw new ExpressionError("qualified column name " + column + " is not supported; write the column name alone");
    }
    String name = column.getUnquotedColumnName();
    boolean quoted = !name.equals(column.getColumnName());
    int position = quoted ? schema.indexOf(name) : resolveUnquoted(name);
    if (position >= 0) {
      reads.set(position);
      return Node.column(schema.column(position).type(), position);
    }
    if (quoted) {
      throw new ExpressionError("no column " + column.getColumnName() + " in the source table; its columns are "
          + schema.columnNames());
    }
    warnings.add("Computed column " + target + ": '" + name + "' is no column of the source table, so it is read as"
        + " the string '" + name + "'. Write string literals in single quotes ('" + name + "'); in a shell"
        + " argument that is itself single-quoted, write '\\''" + name + "'\\''.");
    return Node.constant(DataType.STRING, name);
  }

  /** PostgreSQL folds unquoted names to lower case; other sources keep case, so fall back to a unique match. */
  private int resolveUnquoted(String name) {
    int folded = schema.indexOf(name.toLowerCase(Locale.ROOT));
    if (folded >= 0) {
      return folded;
    }
    int found = -1;
    for (int i = 0; i < schema.size(); i++) {
      if (schema.column(i).name().equalsIgnoreCase(name)) {
        if (found >= 0) {
          throw new ExpressionError("column name " + name + " is ambiguous: " + schema.column(found).name() + " or "
              + schema.column(i).name() + "; write it in double quotes with the exact case, e.g. \""
              + schema.column(i).name() + "\"");
        }
        found = i;
      }
    }
    return found;
  }

  private static Node integer(BigInteger value) {
    if (value.bitLength() < Integer.SIZE) {
      return Node.constant(DataType.INT, value.intValue());
    }
    if (value.bitLength() < Long.SIZE) {
      return Node.constant(DataType.LONG, value.longValue());
    }
    return decimal(new BigDecimal(value));
  }

  /** A literal with a point is a decimal as in SQL; one with an exponent is a double. */
  private static Node number(String literal) {
    if (literal.indexOf('e') >= 0 || literal.indexOf('E') >= 0) {
      return Node.constant(DataType.DOUBLE, Double.valueOf(literal));
    }
    return decimal(new BigDecimal(literal));
  }

  private static Node decimal(BigDecimal value) {
    if (value.precision() > DataType.MAX_DECIMAL_PRECISION) {
      throw new ExpressionError("number " + value + " has more than 38 digits");
    }
    return Node.constant(DataType.decimal(Math.max(value.precision(), value.scale()), value.scale()), value);
  }

  private Node signed(SignedExpression e) {
    Node operand = compile(e.getExpression());
    return switch (e.getSign()) {
      case '-' -> Arithmetic.negate(operand);
      case '+' -> {
        Arithmetic.requireNumeric("unary +", operand.type());
        yield operand;
      }
      default -> throw unsupported(e);
    };
  }

  private Node caseWhen(CaseExpression e) {
    Node subject = e.getSwitchExpression() == null ? null : compile(e.getSwitchExpression());
    List<Node> conditions = new ArrayList<>();
    List<Node> results = new ArrayList<>();
    for (WhenClause when : e.getWhenClauses()) {
      Node condition = compile(when.getWhenExpression());
      conditions.add(subject == null ? condition : Comparisons.compare(Comparisons.Op.EQ, "CASE ... WHEN", subject, condition));
      results.add(compile(when.getThenExpression()));
    }
    Node otherwise = e.getElseExpression() == null ? Node.constant(null, null) : compile(e.getElseExpression());
    return CaseWhen.compile(conditions, results, otherwise);
  }

  private Node function(Function f) {
    if (f.getMultipartName().size() > 1) {
      throw new ExpressionError("unknown function '" + f.getName() + "'; supported: "
          + BuiltinFunction.supported(dialect));
    }
    BuiltinFunction function = BuiltinFunction.named(f.getName(), dialect);
    if (f.isDistinct() || f.isAllColumns() || f.getNamedParameters() != null) {
      throw unsupported(f);
    }
    List<Node> args = new ArrayList<>();
    if (f.getParameters() != null) {
      f.getParameters().forEach(p -> args.add(compile(p)));
    }
    return function.compile(args);
  }

  private ExpressionError unsupported(Expression e) {
    return new ExpressionError("unsupported expression '" + e + "'; computed columns support + - * / %,"
        + " = <> != < <= > >=, AND, OR, NOT, IS [NOT] NULL, CASE, ||, literals, column names and the functions "
        + BuiltinFunction.supported(dialect));
  }
}
