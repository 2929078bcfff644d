package io.changelake.core.transform;

import java.util.Objects;

/**
 * What the transforms need to know that a {@link io.changelake.core.model.ChangeEvent} does not
 * carry.
 *
 * @param databaseName the source database (PostgreSQL {@code database-name}), for the
 *     {@code database_name} metadata column
 */
public record TransformContext(String databaseName) {
  public TransformContext {
    Objects.requireNonNull(databaseName, "databaseName");
  }
}
