package io.changelake.query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.prepare.RelOptTableImpl;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalSort;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;

/**
 * Gives timestamp results their microseconds back. Calcite's runtime holds a TIMESTAMP as epoch milliseconds, so
 * the lake's microseconds would be cut off. Where a query passes a lake timestamp column through unchanged (scans,
 * filters, sorts and projections of one table: {@code SELECT * ... WHERE ... ORDER BY ... LIMIT}), the plan is
 * rewritten to carry, next to it, the microseconds within its millisecond ({@link LakeTable#withMicros}), and the
 * result adds them back. Values Calcite computes (aggregates, arithmetic, joins) keep millisecond precision.
 */
final class ExactTimes {
  private ExactTimes() { }

  /**
   * A rewritten plan: its first {@code visible} fields are the query's, and {@code micros} maps a field among them
   * to the field holding its microseconds within the millisecond.
   */
  record Plan(RelNode rel, int visible, Map<Integer, Integer> micros) { }

  static Plan rewrite(RelNode query) {
    Widened widened = widen(query);
    return new Plan(widened.rel, query.getRowType().getFieldCount(), widened.micros);
  }

  /** A plan whose output has extra trailing fields: field → its microseconds field. */
  private record Widened(RelNode rel, Map<Integer, Integer> micros) {
    static Widened unchanged(RelNode rel) {
      return new Widened(rel, Map.of());
    }
  }

  private static Widened widen(RelNode rel) {
    if (rel instanceof LogicalTableScan scan) {
      return scan(scan);
    }
    if (rel instanceof LogicalFilter || rel instanceof LogicalSort) {
      Widened input = widen(rel.getInput(0));
      return input.micros.isEmpty() ? Widened.unchanged(rel)
          : new Widened(rel.copy(rel.getTraitSet(), List.of(input.rel)), input.micros);
    }
    if (rel instanceof LogicalProject project) {
      return project(project);
    }
    return Widened.unchanged(rel);
  }

  private static Widened scan(TableScan scan) {
    LakeTable table = scan.getTable().unwrap(LakeTable.class);
    if (table == null) {
      return Widened.unchanged(scan);
    }
    LakeTable wide = table.withMicros();
    if (wide.micros().isEmpty()) {
      return Widened.unchanged(scan);
    }
    RelOptTable original = scan.getTable();
    RelOptTable wideTable = RelOptTableImpl.create(original.getRelOptSchema(),
        wide.getRowType(scan.getCluster().getTypeFactory()), original.getQualifiedName(), wide, (Expression) null);
    Map<Integer, Integer> micros = new LinkedHashMap<>();
    int size = table.schema().size();
    for (int i = 0; i < wide.micros().size(); i++) {
      micros.put(wide.micros().get(i), size + i);
    }
    return new Widened(LogicalTableScan.create(scan.getCluster(), wideTable, scan.getHints()), micros);
  }

  private static Widened project(LogicalProject project) {
    Widened input = widen(project.getInput());
    if (input.micros.isEmpty()) {
      return Widened.unchanged(project);
    }
    List<RexNode> expressions = new ArrayList<>(project.getProjects());
    List<String> names = new ArrayList<>(project.getRowType().getFieldNames());
    Map<Integer, Integer> micros = new LinkedHashMap<>();
    for (int i = 0; i < project.getProjects().size(); i++) {
      if (project.getProjects().get(i) instanceof RexInputRef ref && input.micros.containsKey(ref.getIndex())) {
        int field = input.micros.get(ref.getIndex());
        micros.put(i, expressions.size());
        expressions.add(new RexInputRef(field, input.rel.getRowType().getFieldList().get(field).getType()));
        names.add("$micros$" + i);
      }
    }
    return new Widened(LogicalProject.create(input.rel, project.getHints(), expressions, names,
        project.getVariablesSet()), micros);
  }
}
