package io.changelake.engine.transform;

import io.changelake.api.model.Row;
import io.changelake.api.model.TableSchema;
import java.util.List;

/**
 * A computed column compiled against one source schema.
 *
 * @param spec the column as written
 * @param node its compiled expression, typed
 * @param reads positions of the source columns it reads
 * @param keyOnly whether it reads primary key columns only
 * @param warnings what compiling noticed (bare words read as strings)
 */
record CompiledColumn(ComputedColumn spec, Node node, int[] reads, boolean keyOnly, List<String> warnings) {

  /**
   * Compiles {@code spec} against {@code schema}, its functions as {@code dialect} defines them.
   *
   * @throws io.changelake.api.config.ConfigException when the expression does not type-check
   */
  static CompiledColumn compile(ComputedColumn spec, TableSchema schema, FunctionDialect dialect) {
    ExpressionCompiler compiler = new ExpressionCompiler(schema, spec.name(), dialect);
    Node node;
    try {
      node = compiler.compile(spec.parsed());
    } catch (ExpressionError e) {
      throw spec.invalid(e.getMessage());
    }
    if (node.isNullLiteral()) {
      throw spec.invalid("the expression is always an untyped NULL; write CAST(NULL AS <type>)");
    }
    int[] reads = compiler.reads();
    boolean keyOnly = true;
    for (int position : reads) {
      keyOnly &= schema.primaryKey().contains(schema.column(position).name());
    }
    return new CompiledColumn(spec, node, reads, keyOnly, compiler.warnings());
  }

  /**
   * The value for {@code row}: {@link Row#UNAVAILABLE} when an input is unavailable, null when
   * {@code keyOnlyRow} (a delete that carries only the key) and this column reads other columns.
   *
   * @throws ComputedColumnException when evaluation fails
   */
  Object evaluate(Row row, boolean keyOnlyRow) {
    if (keyOnlyRow && !keyOnly) {
      return null;
    }
    for (int position : reads) {
      if (row.get(position) == Row.UNAVAILABLE) {
        return Row.UNAVAILABLE;
      }
    }
    try {
      return node.eval(row);
    } catch (RuntimeException e) {
      throw new ComputedColumnException(spec, e);
    }
  }
}
