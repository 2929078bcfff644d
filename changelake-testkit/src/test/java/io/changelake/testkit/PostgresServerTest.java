package io.changelake.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PostgresServerTest {

  @Test
  void startsWithLogicalDecodingAndPasswordAuth() throws Exception {
    Path dataDir;
    try (PostgresServer pg = PostgresServer.start()) {
      try (Connection c = pg.connect(pg.database()); Statement s = c.createStatement()) {
        assertEquals("logical", single(s, "SHOW wal_level"));
        assertEquals("10", single(s, "SHOW max_replication_slots"));
        dataDir = Path.of(single(s, "SHOW data_directory"));
      }
      assertThrows(SQLException.class,
          () -> DriverManager.getConnection(pg.jdbcUrl(pg.database()), pg.username(), "wrong").close());
      pg.createDatabase("shop");
      pg.execute("shop", "CREATE TABLE t (id int primary key)", "INSERT INTO t VALUES (1)");
      pg.createRole("shop", "reader", "pw");
      try (Connection c = DriverManager.getConnection(pg.jdbcUrl("shop"), "reader", "pw");
          Statement s = c.createStatement()) {
        assertEquals("1", single(s, "SELECT count(*) FROM t"));
        assertEquals("f", single(s, "SELECT rolreplication FROM pg_roles WHERE rolname = current_user"));
      }
    }
    assertTrue(!Files.exists(dataDir), "data directory removed on close");
  }

  @Test
  void restartKeepsDataPortAndSettings() throws Exception {
    try (PostgresServer pg = PostgresServer.start()) {
      pg.execute(pg.database(), "CREATE TABLE kept (id int primary key)", "INSERT INTO kept VALUES (7)");
      Connection before = pg.connect(pg.database());
      pg.restart(java.time.Duration.ofMillis(200));
      assertThrows(SQLException.class, () -> before.createStatement().execute("SELECT 1"));
      try (Connection c = pg.connect(pg.database()); Statement s = c.createStatement()) {
        assertEquals("7", single(s, "SELECT id FROM kept"));
        assertEquals("logical", single(s, "SHOW wal_level"));
      }
      assertThrows(SQLException.class,
          () -> DriverManager.getConnection(pg.jdbcUrl(pg.database()), pg.username(), "wrong").close());
    }
  }

  @Test
  void acceptsSettings() throws Exception {
    try (PostgresServer pg = PostgresServer.builder().setting("wal_level", "replica").start();
        Connection c = pg.connect(pg.database()); Statement s = c.createStatement()) {
      assertEquals("replica", single(s, "SHOW wal_level"));
    }
  }

  private static String single(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
