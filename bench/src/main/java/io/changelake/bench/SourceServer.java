package io.changelake.bench;

import io.changelake.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The private PostgreSQL the bench measures against (changelake-testkit's embedded binaries), set up
 * like the anchors' {@code start-pg.sh}: logical WAL, 1 GB shared buffers, fsync and full page writes on.
 */
final class SourceServer implements AutoCloseable {
  static final String DATABASE = "bench";

  private final PostgresServer server;

  private SourceServer(PostgresServer server) {
    this.server = server;
  }

  static SourceServer start(String sharedBuffers) {
    return new SourceServer(PostgresServer.builder()
        .setting("shared_buffers", sharedBuffers)
        .setting("fsync", "on")
        .setting("synchronous_commit", "on")
        .setting("full_page_writes", "on")
        .setting("max_connections", "50")
        .start());
  }

  /** Drops the bench database (and the slots on it) if present, then creates it empty. */
  void recreateDatabase() {
    server.execute(server.database(),
        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '" + DATABASE + "'",
        "DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
    server.createDatabase(DATABASE);
  }

  /** Drops the slots no process uses (changelake's, after it stopped). */
  void dropInactiveSlots() {
    server.dropInactiveSlots();
  }

  Connection connect() throws SQLException {
    Connection c = server.connect(DATABASE);
    c.setAutoCommit(true);
    return c;
  }

  String version() {
    try (Connection c = server.connect(server.database())) {
      return Sql.text(c, "SHOW server_version");
    } catch (SQLException e) {
      return "unknown";
    }
  }

  String host() {
    return server.host();
  }

  int port() {
    return server.port();
  }

  String username() {
    return server.username();
  }

  String password() {
    return server.password();
  }

  @Override
  public void close() {
    server.close();
  }
}
