package io.changelake.engine.transform;

import io.changelake.api.model.DataType;
import java.util.List;

/**
 * {@code CASE WHEN c1 THEN r1 ... ELSE e END}: the first condition that is TRUE (not NULL) picks its
 * result, else the ELSE result (NULL when absent). The results share one type: equal types, or
 * numbers promoted as {@link TypeRules#common} says.
 */
final class CaseWhen {
  private CaseWhen() { }

  static Node compile(List<Node> conditions, List<Node> results, Node otherwise) {
    DataType type = otherwise.type();
    for (Node result : results) {
      DataType common = TypeRules.common(type, result.type());
      if (common == null) {
        throw new ExpressionError("CASE results have types " + type + " and " + result.type()
            + "; CAST them to one type");
      }
      type = common;
    }
    Node.Evaluator[] tests = new Node.Evaluator[conditions.size()];
    Node.Evaluator[] values = new Node.Evaluator[results.size()];
    for (int i = 0; i < tests.length; i++) {
      tests[i] = Logic.requireBoolean("CASE WHEN", conditions.get(i)).evaluator();
      values[i] = type == null ? results.get(i).evaluator() : results.get(i).convertTo(type).evaluator();
    }
    Node.Evaluator fallback = type == null ? otherwise.evaluator() : otherwise.convertTo(type).evaluator();
    return new Node(type, row -> {
      for (int i = 0; i < tests.length; i++) {
        if (Boolean.TRUE.equals(tests[i].eval(row))) {
          return values[i].eval(row);
        }
      }
      return fallback.eval(row);
    }, false);
  }
}
