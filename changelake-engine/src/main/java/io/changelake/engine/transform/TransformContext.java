package io.changelake.engine.transform;

import java.util.Objects;

/**
 * What the transforms need to know that a {@link io.changelake.api.model.ChangeEvent} does not
 * carry.
 *
 * @param databaseName the source database (PostgreSQL {@code database-name}), for the
 *     {@code database_name} metadata column
 * @param functionDialect whose semantics computed columns' functions follow where SQL and Paimon
 *     differ ({@code substring}): the command style the user chose
 */
public record TransformContext(String databaseName, FunctionDialect functionDialect) {
  public TransformContext {
    Objects.requireNonNull(databaseName, "databaseName");
    Objects.requireNonNull(functionDialect, "functionDialect");
  }
}
