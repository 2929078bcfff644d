package io.changelake.engine.transform;

import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserConstants;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.parser.ParseException;
import net.sf.jsqlparser.parser.Token;
import net.sf.jsqlparser.parser.TokenMgrException;

/** Parses a SQL expression with JSqlParser; a syntax error says where, with a caret under the spot. */
final class ExpressionParser {
  private ExpressionParser() { }

  /**
   * The whole of {@code text} as one expression.
   *
   * @throws ExpressionError on a syntax error or trailing input, naming the line and column
   */
  static Expression parse(String text) {
    CCJSqlParser parser = CCJSqlParserUtil.newParser(text);
    try {
      Expression expression = parser.Expression();
      Token next = parser.getNextToken();
      if (next.kind != CCJSqlParserConstants.EOF) {
        throw error(text, next.beginLine, next.beginColumn, "unexpected '" + next.image + "' after a complete expression");
      }
      return expression;
    } catch (ParseException e) {
      Token at = e.currentToken == null || e.currentToken.next == null ? e.currentToken : e.currentToken.next;
      if (at == null) {
        throw new ExpressionError("syntax error: " + e.getMessage());
      }
      if (at.kind == CCJSqlParserConstants.EOF) {
        int line = 1 + (int) text.chars().filter(c -> c == '\n').count();
        throw error(text, line, text.length() - text.lastIndexOf('\n'), "the expression ends too early");
      }
      throw error(text, at.beginLine, at.beginColumn, "unexpected '" + at.image + "'");
    } catch (TokenMgrException e) {
      throw new ExpressionError("cannot read the expression (an unclosed quote?): " + e.getMessage());
    }
  }

  private static ExpressionError error(String text, int line, int column, String what) {
    StringBuilder message = new StringBuilder("syntax error at ");
    if (line > 1) {
      message.append("line ").append(line).append(", ");
    }
    message.append("column ").append(column).append(": ").append(what);
    if (text.indexOf('\n') < 0) {
      message.append("\n  ").append(text).append("\n  ").append(" ".repeat(Math.max(column - 1, 0))).append('^');
    }
    return new ExpressionError(message.toString());
  }
}
