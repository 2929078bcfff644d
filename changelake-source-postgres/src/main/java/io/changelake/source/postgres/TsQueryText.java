package io.changelake.source.postgres;

import static io.changelake.source.postgres.BinaryCopyValues.int16;
import static io.changelake.source.postgres.BinaryCopyValues.int32;

import java.nio.charset.StandardCharsets;

/**
 * A {@code tsquery} from its binary form to PostgreSQL's text form ({@code 'fat' & ( 'rat' | 'cat' )}), as
 * PostgreSQL's {@code tsqueryout} writes it. The binary form lists the items in prefix order, each operator
 * followed by its right operand, then its left one.
 */
final class TsQueryText {
  private static final int VALUE = 1;
  private static final int NOT = 1;
  private static final int AND = 2;
  private static final int OR = 3;
  private static final int PHRASE = 4;
  /** Binding strength of NOT, AND, OR and PHRASE (index: operator - 1). */
  private static final int[] PRIORITY = {4, 2, 1, 3};

  private final byte[] b;
  private int p;

  private TsQueryText(byte[] b, int offset) {
    this.b = b;
    this.p = offset;
  }

  static String decode(byte[] b, int o, int n) {
    int count = int32(b, o);
    return count == 0 ? "" : new TsQueryText(b, o + 4).item(-1, false).toString();
  }

  private StringBuilder item(int parentPriority, boolean rightOfPhrase) {
    int type = b[p++];
    if (type == VALUE) {
      return operand();
    }
    int operator = b[p++];
    int distance = 0;
    if (operator == PHRASE) {
      distance = int16(b, p);
      p += 2;
    }
    int priority = PRIORITY[operator - 1];
    StringBuilder s = new StringBuilder();
    if (operator == NOT) {
      boolean parenthesis = priority < parentPriority;
      s.append(parenthesis ? "( !" : "!").append(item(priority, false));
      return parenthesis ? s.append(" )") : s;
    }
    boolean parenthesis = priority < parentPriority || operator == PHRASE && rightOfPhrase;
    StringBuilder right = item(priority, operator == PHRASE);
    StringBuilder left = item(priority, false);
    s.append(parenthesis ? "( " : "").append(left);
    switch (operator) {
      case OR -> s.append(" | ");
      case AND -> s.append(" & ");
      default -> s.append(distance == 1 ? " <-> " : " <" + distance + "> ");
    }
    s.append(right);
    return parenthesis ? s.append(" )") : s;
  }

  /** {@code 'word':*AB}: the quoted word, then prefix match and weights when set. */
  private StringBuilder operand() {
    int weight = b[p++];
    boolean prefix = b[p++] != 0;
    int end = p;
    while (b[end] != 0) {
      end++;
    }
    String word = new String(b, p, end - p, StandardCharsets.UTF_8);
    p = end + 1;
    StringBuilder s = new StringBuilder().append('\'').append(word.replace("\\", "\\\\").replace("'", "''"))
        .append('\'');
    if (prefix || weight != 0) {
      s.append(':').append(prefix ? "*" : "");
      for (int bit = 3; bit >= 0; bit--) {
        if ((weight & (1 << bit)) != 0) {
          s.append((char) ('A' + 3 - bit));
        }
      }
    }
    return s;
  }
}
