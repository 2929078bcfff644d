package io.changelake.source.mysql;

import io.changelake.api.model.TableId;
import io.changelake.api.spi.SourceAdvice;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** MySQL's and MariaDB's fixes: the binlog's row image decides what updates and deletes carry. */
final class MysqlAdvice implements SourceAdvice {
  private static final String FULL_ROW_IMAGE = "SET GLOBAL binlog_row_image=FULL (and binlog_row_image=FULL in the"
      + " server's configuration)";
  /** A pipeline name as {@link MysqlSourceProvider#pipelineName} makes it: {@code <database-name>-<server-id>}. */
  private static final Pattern NAME = Pattern.compile("(.+)-(\\d+)");

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

  @Override
  public String runAs(String pipeline) {
    Matcher name = NAME.matcher(pipeline);
    return name.matches()
        ? "run this sync with database-name=" + name.group(1) + " and server-id=" + name.group(2)
            + " (a MySQL pipeline is named <database-name>-<server-id>)"
        : SourceAdvice.super.runAs(pipeline);
  }
}
