package io.changelake.cli;

import io.changelake.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One private PostgreSQL server for a whole test class, started before its {@code @BeforeAll}
 * methods and removed after the last test:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PostgresExtension PG = new PostgresExtension();
 * ... PG.server().execute(db, "CREATE TABLE ...");
 *
 * @RegisterExtension
 * static final PostgresExtension PG = PostgresExtension.withDatabase("shop", "CREATE TABLE items (...)");
 * }</pre>
 */
final class PostgresExtension implements BeforeAllCallback, AfterAllCallback {
  private final String database;
  private final List<String> statements;
  private PostgresServer server;

  PostgresExtension() {
    this(null, List.of());
  }

  private PostgresExtension(String database, List<String> statements) {
    this.database = database;
    this.statements = statements;
  }

  /** A server that also holds {@code database}, created by {@code statements} before the class's tests. */
  static PostgresExtension withDatabase(String database, String... statements) {
    return new PostgresExtension(database, List.of(statements));
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    server = PostgresServer.start();
    if (database != null) {
      server.createDatabase(database);
      server.execute(database, statements.toArray(String[]::new));
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  /** The replication slots of the server, by name, as seen from database {@code db}. */
  List<String> slots(String db) throws SQLException {
    List<String> slots = new ArrayList<>();
    try (Connection c = server().connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT slot_name FROM pg_replication_slots ORDER BY 1")) {
      while (rs.next()) {
        slots.add(rs.getString(1));
      }
    }
    return slots;
  }

  /** The running server; only between the class's start and end. */
  PostgresServer server() {
    if (server == null) {
      throw new IllegalStateException("PostgreSQL runs only while the test class runs;"
          + " register this extension on a static field");
    }
    return server;
  }
}
