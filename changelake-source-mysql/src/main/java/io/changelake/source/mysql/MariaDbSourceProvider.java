package io.changelake.source.mysql;

/**
 * The {@code mariadb} source: the MySQL source under MariaDB's name. The reader tells the servers apart
 * itself (MariaDB reports the binlog position of a consistent snapshot, so its snapshot takes no lock).
 */
public final class MariaDbSourceProvider extends MysqlSourceProvider {
  public MariaDbSourceProvider() {
    super("mariadb");
  }
}
