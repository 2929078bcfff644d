package io.changelake.cli;

import io.changelake.testkit.PostgresServer;
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
 * }</pre>
 */
final class PostgresExtension implements BeforeAllCallback, AfterAllCallback {
  private PostgresServer server;

  @Override
  public void beforeAll(ExtensionContext context) {
    server = PostgresServer.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      server.close();
      server = null;
    }
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
