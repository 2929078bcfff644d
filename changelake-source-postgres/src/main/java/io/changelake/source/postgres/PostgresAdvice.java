package io.changelake.source.postgres;

import io.changelake.api.model.TableId;
import io.changelake.api.spi.SourceAdvice;

/** PostgreSQL's fixes: a table's replica identity decides what its updates and deletes carry. */
final class PostgresAdvice implements SourceAdvice {

  @Override
  public String sendKeyColumns(TableId table) {
    return replicaIdentityFull(table) + " so updates and deletes carry those columns";
  }

  @Override
  public String sendOldRow(TableId table) {
    return replicaIdentityFull(table) + " so updates and deletes carry the old row";
  }

  @Override
  public String sendUnchangedValues(TableId table) {
    return replicaIdentityFull(table) + " so updates carry every value, unchanged large (TOAST) ones too";
  }

  @Override
  public String runAs(String pipeline) {
    return "run this sync with slot.name=" + pipeline + " (a PostgreSQL pipeline is named by its slot)";
  }

  private static String replicaIdentityFull(TableId table) {
    return "ALTER TABLE " + table + " REPLICA IDENTITY FULL";
  }
}
