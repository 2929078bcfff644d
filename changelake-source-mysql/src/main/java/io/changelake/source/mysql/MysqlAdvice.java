package io.changelake.source.mysql;

import io.changelake.api.model.TableId;
import io.changelake.api.spi.SourceAdvice;

/** MySQL's and MariaDB's fixes: the binlog's row image decides what updates and deletes carry. */
final class MysqlAdvice implements SourceAdvice {
  private static final String FULL_ROW_IMAGE = "SET GLOBAL binlog_row_image=FULL (and binlog_row_image=FULL in the"
      + " server's configuration)";

  @Override
  public String sendKeyColumns(TableId table) {
    return FULL_ROW_IMAGE + " so updates and deletes of " + table + " carry those columns";
  }

  @Override
  public String sendOldRow(TableId table) {
    return FULL_ROW_IMAGE + " so updates and deletes of " + table + " carry the old row";
  }

  @Override
  public String sendUnchangedValues(TableId table) {
    return FULL_ROW_IMAGE + " so updates of " + table + " carry every value";
  }
}
