package io.changelake.source.postgres;

import io.changelake.api.config.Config;
import io.changelake.api.config.ConfigDef;
import io.changelake.api.config.ConfigException;
import io.changelake.api.config.ConfigOption;
import io.changelake.api.source.SourceOptions;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Every option of the PostgreSQL source, declared once. Component name {@value #COMPONENT}. */
public final class PostgresSourceConfig {
  public static final String COMPONENT = "postgres";
  public static final String DEBEZIUM_PREFIX = "debezium.";

  public static final ConfigOption<String> HOSTNAME = ConfigOption.string("hostname").required()
      .doc("Host name or IP address of the PostgreSQL server.").build();
  public static final ConfigOption<Integer> PORT = ConfigOption.integer("port").defaultValue(5432)
      .check(p -> p > 0 && p < 65536, "must be a port number in [1, 65535]")
      .doc("Port of the PostgreSQL server.").build();
  public static final ConfigOption<String> USERNAME = ConfigOption.string("username").required()
      .doc("Role to connect as; needs LOGIN, REPLICATION and SELECT on the captured tables.").build();
  public static final ConfigOption<String> PASSWORD = ConfigOption.string("password").secret().defaultValue("")
      .doc("Password of the role.").build();
  public static final ConfigOption<String> DATABASE = ConfigOption.string("database-name").required()
      .doc("Database that holds the tables.").build();
  public static final ConfigOption<String> SCHEMA = ConfigOption.string("schema-name").defaultValue("public")
      .doc("Schema that holds the tables.").build();
  public static final ConfigOption<String> TABLE = SourceOptions.tableName()
      .doc("Tables to capture: one name, several as a|b|c, or a regular expression matched against the whole "
          + "table name within the schema. When absent, every table of the schema.").build();
  public static final ConfigOption<String> SLOT = ConfigOption.string("slot.name").defaultValue("changelake")
      .check(s -> s.matches("[a-z0-9_]{1,63}"), "must be 1-63 characters of lower-case letters, digits and '_'")
      .doc("Logical replication slot to read from; created when missing, kept on stop.").build();
  public static final ConfigOption<Duration> SLOT_BUSY_TIMEOUT = ConfigOption.duration("slot.busy.timeout")
      .defaultValue(Duration.ofSeconds(60))
      .doc("How long to wait for a slot another connection still holds before failing; after a crash the"
          + " server process of the previous run can hold it until it notices its client is gone.").build();
  public static final ConfigOption<Integer> RECONNECT_ATTEMPTS = ConfigOption.integer("reconnect.attempts")
      .defaultValue(10).check(n -> n >= 0, "must be 0 or more")
      .doc("How many times in a row the stream reconnects after losing its replication connection (a server"
          + " restart, a network drop) before the sync fails; 0 fails at once. It resumes from the last"
          + " commit, so nothing is lost or repeated.").build();
  public static final ConfigOption<Duration> RECONNECT_BACKOFF = ConfigOption.duration("reconnect.backoff")
      .defaultValue(Duration.ofSeconds(1)).check(d -> !d.isNegative() && !d.isZero(), "must be positive")
      .doc("Wait before the first reconnect attempt; it doubles at each further attempt, up to 30 s.").build();
  public static final ConfigOption<String> PUBLICATION = ConfigOption.string("publication.name")
      .defaultValue("changelake_pub")
      .doc("Publication listing the captured tables; created when missing, tables added when needed.").build();
  public static final ConfigOption<String> PLUGIN = ConfigOption.string("decoding.plugin.name").defaultValue("pgoutput")
      .check("pgoutput"::equals, "only 'pgoutput' is supported: it is built into PostgreSQL 10 and later and "
          + "needs no server-side install; remove the option or set it to pgoutput")
      .doc("Logical decoding plugin.").build();
  public static final ConfigOption<String> STARTUP_MODE = ConfigOption.string("scan.startup.mode")
      .defaultValue("initial").oneOf("initial", "latest-offset")
      .doc("initial: snapshot the tables, then stream changes; latest-offset: stream only changes made from now on.")
      .build();

  public static final ConfigOption<Integer> SNAPSHOT_PARALLELISM = ConfigOption.integer("scan.snapshot.parallelism")
      .defaultValue(4).check(n -> n >= 1 && n <= 64, "must be in [1, 64]")
      .doc("Connections that read the initial snapshot at once, each a chunk at a time, all from the new slot's"
          + " exported snapshot. When a captured table has a column type only Debezium decodes (arrays,"
          + " intervals, enums, ...), Debezium reads the snapshot instead, one connection per table.").build();
  public static final ConfigOption<Integer> SNAPSHOT_CHUNK_SIZE = ConfigOption.integer("scan.snapshot.chunk.size")
      .defaultValue(100_000).check(n -> n >= 1, "must be at least 1")
      .doc("Rows per snapshot chunk, estimated from the table's statistics; a chunk is a range of pages"
          + " (ctid), so any table splits, with or without a key (PostgreSQL 14 and later).").build();

  public static final ConfigDef DEFINITION = new ConfigDef(COMPONENT)
      .define(HOSTNAME).define(PORT).define(USERNAME).define(PASSWORD).define(DATABASE).define(SCHEMA)
      .define(TABLE).define(SLOT).define(SLOT_BUSY_TIMEOUT)
      .define(RECONNECT_ATTEMPTS).define(RECONNECT_BACKOFF).define(PUBLICATION).define(PLUGIN).define(STARTUP_MODE)
      .define(SNAPSHOT_PARALLELISM).define(SNAPSHOT_CHUNK_SIZE)
      .passthrough(DEBEZIUM_PREFIX, "Passed to the Debezium PostgreSQL connector without the prefix, e.g. "
          + "debezium.snapshot.mode=never, debezium.slot.drop.on.stop=true. changelake's own stream reader honours"
          + " those two; any other debezium.* option makes the source stream through Debezium.");

  /**
   * Debezium properties changelake sets itself: changing them would make decoding lossy or break
   * exactly-once, so a {@code debezium.} key for one of them is refused.
   */
  static final Set<String> MANAGED_DEBEZIUM_KEYS = Set.of(
      "name", "connector.class", "topic.prefix", "offset.storage", "offset.flush.interval.ms",
      "offset.commit.policy", "database.hostname", "database.port", "database.user", "database.password",
      "database.dbname", "plugin.name", "slot.name", "publication.name", "publication.autocreate.mode",
      "table.include.list", "table.exclude.list", "schema.include.list", "decimal.handling.mode",
      "time.precision.mode", "binary.handling.mode", "interval.handling.mode", "hstore.handling.mode",
      "column.propagate.source.type", "datatype.propagate.source.type", "tombstones.on.delete",
      "unavailable.value.placeholder", "notification.enabled.channels", "notification.sink.topic.name",
      "errors.max.retries", "skipped.operations", "converters", "transforms");

  private final Config config;

  private PostgresSourceConfig(Config config) {
    this.config = config;
  }

  /**
   * Validates user options.
   *
   * @throws ConfigException naming the key, the value and the fix
   */
  public static PostgresSourceConfig parse(Map<String, String> values) {
    Config config = DEFINITION.parse(values);
    Set<String> refused = new TreeSet<>(config.withPrefix(DEBEZIUM_PREFIX).keySet());
    refused.retainAll(MANAGED_DEBEZIUM_KEYS);
    if (!refused.isEmpty()) {
      throw new ConfigException("Option(s) " + refused.stream().map(k -> DEBEZIUM_PREFIX + k).toList()
          + " cannot be set: changelake sets them to keep changes lossless and exactly once. Remove them"
          + " (use hostname, port, username, password, database-name, slot.name, publication.name and"
          + " table-name instead of their Debezium equivalents).");
    }
    return new PostgresSourceConfig(config);
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

  public String schema() {
    return config.get(SCHEMA);
  }

  /** The table-name pattern, or null when every table of the schema is selected. */
  public Pattern tablePattern() {
    String text = config.get(TABLE);
    return text == null ? null : Pattern.compile(text);
  }

  public String slotName() {
    return config.get(SLOT);
  }

  public Duration slotBusyTimeout() {
    return config.get(SLOT_BUSY_TIMEOUT);
  }

  public int reconnectAttempts() {
    return config.get(RECONNECT_ATTEMPTS);
  }

  public Duration reconnectBackoff() {
    return config.get(RECONNECT_BACKOFF);
  }

  public String publicationName() {
    return config.get(PUBLICATION);
  }

  /** True for {@code initial}, false for {@code latest-offset}. */
  public boolean snapshotFirst() {
    return "initial".equals(config.get(STARTUP_MODE));
  }

  /**
   * Whether a start without a position copies every table first, so that nothing the slot retains
   * is needed ({@code scan.startup.mode=initial} and no {@code debezium.snapshot.mode} other than
   * {@code initial} or {@code always}).
   */
  public boolean snapshotReplacesSlot() {
    String mode = debeziumProperties().getOrDefault("snapshot.mode", "initial");
    return snapshotFirst() && (mode.equals("initial") || mode.equals("always"));
  }

  public int snapshotParallelism() {
    return config.get(SNAPSHOT_PARALLELISM);
  }

  public int snapshotChunkSize() {
    return config.get(SNAPSHOT_CHUNK_SIZE);
  }

  /** The {@code debezium.*} passthrough entries with the prefix removed. */
  public Map<String, String> debeziumProperties() {
    return config.withPrefix(DEBEZIUM_PREFIX);
  }

  /** Whether the slot is dropped when the source closes ({@code debezium.slot.drop.on.stop}). */
  public boolean dropSlotOnStop() {
    return Boolean.parseBoolean(debeziumProperties().getOrDefault("slot.drop.on.stop", "false"));
  }

  @Override
  public String toString() {
    return config.toString();
  }
}
