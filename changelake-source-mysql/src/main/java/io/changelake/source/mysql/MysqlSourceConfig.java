package io.changelake.source.mysql;

import io.changelake.api.config.Config;
import io.changelake.api.config.ConfigDef;
import io.changelake.api.config.ConfigOption;
import io.changelake.api.source.SourceOptions;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Every option of the MySQL / MariaDB source, declared once; names follow Flink CDC's MySQL connector so
 * that Paimon's {@code --mysql_conf} lines work verbatim. Component name {@value #COMPONENT}.
 */
public final class MysqlSourceConfig {
  public static final String COMPONENT = "mysql";
  public static final String JDBC_PREFIX = "jdbc.properties.";
  /** The first server id changelake picks when {@code server-id} is absent. */
  static final long SERVER_ID_BASE = 5400;
  /** How many heartbeat intervals of silence make a binlog connection dead. */
  static final int SILENCE_HEARTBEATS = 4;
  private static final long SERVER_ID_SPAN = 1_000_000;

  public static final ConfigOption<String> HOSTNAME = ConfigOption.string("hostname").required()
      .doc("Host name or IP address of the MySQL or MariaDB server.").build();
  public static final ConfigOption<Integer> PORT = ConfigOption.integer("port").defaultValue(3306)
      .check(p -> p > 0 && p < 65536, "must be a port number in [1, 65535]")
      .doc("Port of the server.").build();
  public static final ConfigOption<String> USERNAME = ConfigOption.string("username").required()
      .doc("User to connect as; needs SELECT on the captured tables and REPLICATION SLAVE, REPLICATION CLIENT"
          + " on *.* (MySQL without MariaDB's consistent-snapshot position also RELOAD).").build();
  public static final ConfigOption<String> PASSWORD = ConfigOption.string("password").secret().defaultValue("")
      .doc("Password of the user.").build();
  public static final ConfigOption<String> DATABASE = ConfigOption.string("database-name").required()
      .check(s -> !s.isBlank(), "must be a database name")
      .doc("Database (schema) that holds the tables.").build();
  public static final ConfigOption<String> TABLE = SourceOptions.tableName()
      .doc("Tables to capture: one name, several as a|b|c, or a regular expression matched against the whole"
          + " table name. When absent, every table of the database.").build();
  public static final ConfigOption<String> SERVER_ID = ConfigOption.string("server-id")
      .check(s -> s.matches("\\d{1,10}(-\\d{1,10})?") && firstId(s) > 0 && firstId(s) <= 0xFFFFFFFFL,
          "must be a number in [1, 4294967295] (or a range a-b as Flink CDC takes; the first is used)")
      .doc("Server id the binlog reader registers with; must differ from the server's and every other replica's"
          + " (two readers with one id disconnect each other). When absent, " + SERVER_ID_BASE + " plus a number"
          + " derived from database-name and table-name.").build();
  public static final ConfigOption<String> SERVER_TIME_ZONE = ConfigOption.string("server-time-zone")
      .doc("Accepted for Flink CDC compatibility, without effect: TIMESTAMP values are read as UTC instants and"
          + " DATETIME values as written, whatever the server's time zone.").build();
  public static final ConfigOption<String> STARTUP_MODE = ConfigOption.string("scan.startup.mode")
      .defaultValue("initial").oneOf("initial", "latest-offset")
      .doc("initial: snapshot the tables, then stream the binlog; latest-offset: stream only changes made from"
          + " now on.").build();
  public static final ConfigOption<Integer> SNAPSHOT_PARALLELISM = ConfigOption.integer("scan.snapshot.parallelism")
      .defaultValue(4).check(n -> n >= 1 && n <= 64, "must be in [1, 64]")
      .doc("Connections that read the initial snapshot at once, a chunk at a time, all in transactions that"
          + " see the same binlog position.").build();
  public static final ConfigOption<Integer> CHUNK_SIZE = ConfigOption.integer("scan.incremental.snapshot.chunk.size")
      .defaultValue(100_000).check(n -> n >= 1, "must be at least 1")
      .doc("Rows per snapshot chunk, estimated from the table's statistics; a chunk is a range of a single"
          + " integer primary key column (other tables are read as one chunk).").build();
  public static final ConfigOption<Boolean> GTID_REQUIRED = ConfigOption.bool("gtid.required").defaultValue(false)
      .doc("Refuse to start unless the server writes GTIDs consistently (MySQL: gtid_mode=ON and"
          + " enforce_gtid_consistency=ON; MariaDB: gtid_strict_mode=ON). Positions carry GTID sets and resume by"
          + " them whenever the server writes GTIDs (MariaDB always, MySQL with gtid_mode=ON), with or without this"
          + " option; otherwise they are binlog file + offset.")
      .build();
  public static final ConfigOption<Duration> MIN_RETENTION = ConfigOption.duration("binlog.min-retention")
      .defaultValue(Duration.ofHours(1)).check(d -> !d.isNegative(), "must not be negative")
      .doc("Refuse to start when the server purges binlogs sooner than this (binlog_expire_logs_seconds,"
          + " expire_logs_days): a stopped pipeline must find its position again. 0 turns the check off.")
      .build();
  public static final ConfigOption<Duration> HEARTBEAT = ConfigOption.duration("heartbeat.interval")
      .defaultValue(Duration.ofSeconds(10)).check(d -> d.toMillis() >= 100 && d.toSeconds() <= 600,
          "must be between 100ms and 10m")
      .doc("How often the server sends a heartbeat on an idle binlog connection; a connection silent for"
          + " " + SILENCE_HEARTBEATS + " times as long is taken as dead: the sync stops (exit code 1) instead of"
          + " waiting forever, and a restart resumes from its last commit.").build();
  public static final ConfigOption<Duration> CONNECT_TIMEOUT = ConfigOption.duration("connect.timeout")
      .defaultValue(Duration.ofSeconds(30))
      .doc("How long to wait for a connection to the server.").build();

  public static final ConfigDef DEFINITION = new ConfigDef(COMPONENT)
      .define(HOSTNAME).define(PORT).define(USERNAME).define(PASSWORD).define(DATABASE).define(TABLE)
      .define(SERVER_ID).define(SERVER_TIME_ZONE).define(STARTUP_MODE).define(SNAPSHOT_PARALLELISM)
      .define(CHUNK_SIZE).define(GTID_REQUIRED).define(MIN_RETENTION).define(HEARTBEAT).define(CONNECT_TIMEOUT)
      .passthrough(JDBC_PREFIX, "Passed to the JDBC driver (MariaDB Connector/J) without the prefix, e.g."
          + " jdbc.properties.sslMode=verify-full.");

  private final Config config;

  private MysqlSourceConfig(Config config) {
    this.config = config;
  }

  /**
   * Validates user options.
   *
   * @throws io.changelake.api.config.ConfigException naming the key, the value and the fix
   */
  public static MysqlSourceConfig parse(Map<String, String> values) {
    return new MysqlSourceConfig(DEFINITION.parse(values));
  }

  private static long firstId(String text) {
    int dash = text.indexOf('-');
    return Long.parseLong(dash < 0 ? text : text.substring(0, dash));
  }

  public String hostname() {
    return config.get(HOSTNAME);
  }

  public int port() {
    return config.get(PORT);
  }

  public String username() {
    return config.get(USERNAME);
  }

  public String password() {
    return config.get(PASSWORD);
  }

  public String database() {
    return config.get(DATABASE);
  }

  /** The table-name pattern, or null when every table of the database is selected. */
  public Pattern tablePattern() {
    String text = config.get(TABLE);
    return text == null ? null : Pattern.compile(text);
  }

  /** {@code server-id}, or a stable number derived from the database and table selection. */
  public long serverId() {
    String given = config.get(SERVER_ID);
    if (given != null) {
      return firstId(given);
    }
    String selection = database() + "/" + (config.get(TABLE) == null ? "" : config.get(TABLE));
    return SERVER_ID_BASE + Math.floorMod(selection.hashCode(), SERVER_ID_SPAN);
  }

  /** True for {@code initial}, false for {@code latest-offset}. */
  public boolean snapshotFirst() {
    return "initial".equals(config.get(STARTUP_MODE));
  }

  public int snapshotParallelism() {
    return config.get(SNAPSHOT_PARALLELISM);
  }

  public int chunkSize() {
    return config.get(CHUNK_SIZE);
  }

  public boolean gtidRequired() {
    return config.get(GTID_REQUIRED);
  }

  public Duration minRetention() {
    return config.get(MIN_RETENTION);
  }

  public Duration heartbeatInterval() {
    return config.get(HEARTBEAT);
  }

  public Duration connectTimeout() {
    return config.get(CONNECT_TIMEOUT);
  }

  /** The {@code jdbc.properties.*} entries without the prefix. */
  public Properties jdbcProperties() {
    Properties props = new Properties();
    props.putAll(config.withPrefix(JDBC_PREFIX));
    return props;
  }

  @Override
  public String toString() {
    return config.toString();
  }
}
