package io.changelake.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class MariaDbServerTest {

  @Test
  void startsOnLoopbackWithRowBinlogAndEnforcedGrants() throws Exception {
    Path dataDir;
    try (MariaDbServer db = MariaDbServer.start()) {
      try (Connection c = db.connect(null); Statement s = c.createStatement()) {
        assertEquals("ROW", variable(s, "binlog_format"));
        assertEquals("FULL", variable(s, "binlog_row_image"));
        assertEquals("FULL", variable(s, "binlog_row_metadata"));
        assertEquals("1", variable(s, "log_bin"));
        assertEquals("1", variable(s, "server_id"));
        assertEquals("127.0.0.1", variable(s, "bind_address"));
        assertTrue(variable(s, "version").startsWith("11.4"), "MariaDB 11.4");
        dataDir = Path.of(variable(s, "datadir"));
      }
      db.createDatabase("shop");
      db.execute("shop", "CREATE TABLE t (id int primary key)", "INSERT INTO t VALUES (1)");
      try (Connection c = db.connect("shop", MariaDbServer.REPLICATOR, MariaDbServer.REPLICATOR_PASSWORD);
          Statement s = c.createStatement()) {
        assertEquals("1", single(s, "SELECT count(*) FROM t"));
        assertThrows(SQLException.class, () -> s.execute("INSERT INTO t VALUES (2)"), "only SELECT");
        try (ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
          assertTrue(rs.next(), "binlog position visible to the replication user");
        }
      }
      assertThrows(IllegalStateException.class, () -> db.connect(null, MariaDbServer.ADMIN, "wrong").close());
    }
    assertFalse(Files.exists(dataDir), "data directory removed on close");
  }

  @Test
  void acceptsSettings() throws Exception {
    try (MariaDbServer db = MariaDbServer.builder().setting("binlog-format", "STATEMENT").start();
        Connection c = db.connect(null); Statement s = c.createStatement()) {
      assertEquals("STATEMENT", variable(s, "binlog_format"));
    }
  }

  private static String variable(Statement s, String name) throws SQLException {
    return single(s, "SELECT @@" + name);
  }

  private static String single(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
