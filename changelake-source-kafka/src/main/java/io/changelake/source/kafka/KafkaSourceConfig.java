package io.changelake.source.kafka;

import io.changelake.api.config.Config;
import io.changelake.api.config.ConfigDef;
import io.changelake.api.config.ConfigException;
import io.changelake.api.config.ConfigOption;
import io.changelake.source.kafka.registry.RegistryConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Every option of the Kafka source, declared once. Component name {@value #COMPONENT}. Options under
 * {@value #CONSUMER_PREFIX} go to the {@code KafkaConsumer} without the prefix (SASL, SSL, timeouts), except the
 * few the source owns (offsets are committed in the lake tables, not by the consumer).
 */
public final class KafkaSourceConfig {
  public static final String COMPONENT = "kafka";
  public static final String CONSUMER_PREFIX = "consumer.";
  /** Consumer settings the source sets itself: given under {@value #CONSUMER_PREFIX} they are refused. */
  private static final List<String> OWNED = List.of("enable.auto.commit", "key.deserializer", "value.deserializer",
      "bootstrap.servers", "group.id", "auto.offset.reset");

  public static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOption.string("bootstrap.servers").required()
      .check(s -> !s.isBlank(), "must be host:port[,host:port...]")
      .doc("Brokers to connect to first, host:port separated by commas.").build();
  public static final ConfigOption<String> TOPICS = ConfigOption.string("topics")
      .check(s -> Arrays.stream(s.split(",")).noneMatch(String::isBlank), "must be topic names separated by commas")
      .doc("Topics to read, separated by commas. Give this or topic.pattern.").build();
  public static final ConfigOption<String> TOPIC_PATTERN = ConfigOption.string("topic.pattern")
      .check(KafkaSourceConfig::isRegex, "must be a Java regular expression")
      .doc("A Java regular expression matched against the whole topic name; the topics it matches when the sync"
          + " starts are read. Give this or topics.").build();
  public static final ConfigOption<String> ENVELOPE = ConfigOption.string("envelope").defaultValue("debezium")
      .oneOf("debezium", "flattened", "upsert", "append", "dynamodb")
      .doc("What a record holds. debezium: a Debezium change event (before/after/op/source); flattened: its"
          + " flattened form (ExtractNewRecordState, __deleted, __op, __table); upsert: the key is the row's key, the value the row, a null value"
          + " (tombstone) a delete; append: every value is a new row, the key ignored; dynamodb: DynamoDB stream records"
          + " (the Confluent DynamoDB CDC source connector), columns inferred from the items.").build();
  public static final ConfigOption<String> DYNAMODB_NUMBERS = ConfigOption.string("dynamodb.numbers")
      .defaultValue("decimal").oneOf("decimal", "string")
      .doc("With envelope=dynamodb, the column type of N (number) attributes. decimal: DECIMAL(38,18) (at most 20"
          + " integer and 18 fractional digits; a number that does not fit is a record error, handled by on-error);"
          + " string: the number's text, exact for every DynamoDB number. Choose before a table's first sync.").build();
  public static final ConfigOption<String> VALUE_FORMAT = ConfigOption.string("value.format").defaultValue("json")
      .doc("How record values are serialized. json: Kafka Connect's JsonConverter with schemas"
          + " (schemas.enable=true, as Debezium writes them); avro, json-schema, protobuf: the Confluent wire"
          + " format, each record's schema fetched by id from schema.registry.url.").build();
  public static final ConfigOption<String> KEY_FORMAT = ConfigOption.string("key.format").defaultValue("json")
      .doc("How record keys are serialized; the values value.format takes.").build();
  public static final ConfigOption<String> NAME = ConfigOption.string("name")
      .check(s -> s.matches("[A-Za-z0-9._-]+"), "must be letters, digits, '.', '_' or '-'")
      .doc("The pipeline's name, recorded in table commits; also the consumer group whose offsets mirror the"
          + " committed positions for monitoring. Default: changelake- followed by the topic list or pattern.")
      .build();
  public static final ConfigOption<String> AUTO_OFFSET_RESET = ConfigOption.string("auto.offset.reset")
      .defaultValue("earliest").oneOf("earliest", "latest")
      .doc("Where a partition that no table commit holds starts: its first record (earliest) or the records"
          + " produced from now on (latest).").build();
  public static final ConfigOption<Duration> CONNECT_TIMEOUT = ConfigOption.duration("connect.timeout")
      .defaultValue(Duration.ofSeconds(30)).check(d -> d.toMillis() > 0, "must be positive")
      .doc("How long to wait for the brokers to answer before the sync stops with an error.").build();

  public static final ConfigOption<String> ON_ERROR = ConfigOption.string("on-error").defaultValue("fail")
      .oneOf("fail", "skip", "suspend")
      .doc("What a record the source cannot read (malformed bytes, an unknown schema id, an upsert record without"
          + " its key, a value that does not fit its schema) does. fail: the sync stops (exit code 3), nothing"
          + " after it written; skip: the raw record is written to the errors table (errors.table) and the sync"
          + " goes on; suspend: only the record's table stops, holding every record before it, and the others go"
          + " on (a record no single table can be named for stops the sync). Tableflow's"
          + " record_failure_strategy.").build();
  public static final ConfigOption<String> ERRORS_TABLE = ConfigOption.string("errors.table")
      .defaultValue(ErrorsTable.DEFAULT_NAME)
      .check(s -> s.matches("[A-Za-z_][A-Za-z0-9_]*"), "must be a table name: letters, digits and '_'")
      .doc("With on-error=skip, the lake table (in the sync's database) that takes the records the source cannot"
          + " read: topic, partition, offset, key and value bytes, reason, the table meant when known, record"
          + " timestamp. Give each pipeline writing into one database its own.").build();

  public static final ConfigDef DEFINITION = RegistryConfig.define(new ConfigDef(COMPONENT)
      .define(BOOTSTRAP_SERVERS).define(TOPICS).define(TOPIC_PATTERN).define(ENVELOPE).define(VALUE_FORMAT)
      .define(KEY_FORMAT).define(NAME).define(AUTO_OFFSET_RESET).define(CONNECT_TIMEOUT).define(ON_ERROR)
      .define(ERRORS_TABLE)
      .define(DYNAMODB_NUMBERS)
      .passthrough(CONSUMER_PREFIX, "Passed to the Kafka consumer without the prefix, e.g."
          + " consumer.security.protocol=SASL_SSL, consumer.sasl.jaas.config=... (masked in every output)."));

  private final Config config;

  private KafkaSourceConfig(Config config) {
    this.config = config;
  }

  /**
   * Validates user options.
   *
   * @throws ConfigException naming the key, the value and the fix
   */
  public static KafkaSourceConfig parse(Map<String, String> values) {
    KafkaSourceConfig parsed = new KafkaSourceConfig(DEFINITION.parse(values));
    if (parsed.config.contains(TOPICS) == parsed.config.contains(TOPIC_PATTERN)) {
      throw new ConfigException("Give the kafka source either 'topics' (names separated by commas) or"
          + " 'topic.pattern' (a regular expression), not " + (parsed.config.contains(TOPICS) ? "both." : "neither."));
    }
    if (parsed.config.contains(ERRORS_TABLE) && parsed.onError() != OnError.SKIP) {
      throw new ConfigException("'" + ERRORS_TABLE.name() + "' names the table that on-error=skip writes unreadable"
          + " records to, but on-error is " + parsed.config.get(ON_ERROR) + ": set on-error=skip, or remove "
          + ERRORS_TABLE.name() + ".");
    }
    if (parsed.config.contains(DYNAMODB_NUMBERS) && !"dynamodb".equals(parsed.envelope())) {
      throw new ConfigException("'" + DYNAMODB_NUMBERS.name() + "' types the number attributes of envelope=dynamodb,"
          + " but envelope is " + parsed.envelope() + ": set envelope=dynamodb, or remove " + DYNAMODB_NUMBERS.name()
          + ".");
    }
    for (String key : parsed.config.withPrefix(CONSUMER_PREFIX).keySet()) {
      if (OWNED.contains(key)) {
        throw new ConfigException("The kafka source sets '" + key + "' itself; remove " + CONSUMER_PREFIX + key
            + (key.equals("group.id") ? " (use 'name')" : key.equals("auto.offset.reset") ? " (use"
                + " 'auto.offset.reset')" : key.equals("bootstrap.servers") ? " (use 'bootstrap.servers')" : "")
            + ".");
      }
    }
    return parsed;
  }

  private static boolean isRegex(String text) {
    try {
      Pattern.compile(text);
      return !text.isBlank();
    } catch (PatternSyntaxException e) {
      return false;
    }
  }

  public String bootstrapServers() {
    return config.get(BOOTSTRAP_SERVERS);
  }

  /** The topics named by {@code topics}, or empty when a pattern selects them. */
  public List<String> topics() {
    String text = config.get(TOPICS);
    return text == null ? List.of() : Arrays.stream(text.split(",")).map(String::trim).toList();
  }

  /** {@code topic.pattern}, or null when topics are named. */
  public Pattern topicPattern() {
    String text = config.get(TOPIC_PATTERN);
    return text == null ? null : Pattern.compile(text);
  }

  public String envelope() {
    return config.get(ENVELOPE);
  }

  /** Whether {@code dynamodb.numbers=string}: number attributes as text rather than DECIMAL(38,18). */
  public boolean dynamoDbNumbersAsText() {
    return "string".equals(config.get(DYNAMODB_NUMBERS));
  }

  public String valueFormat() {
    return config.get(VALUE_FORMAT);
  }

  /** The schema registry options; {@code schema.registry.url} is demanded here, by a registry format only. */
  public RegistryConfig registry() {
    return RegistryConfig.from(config);
  }

  public String keyFormat() {
    return config.get(KEY_FORMAT);
  }

  /** {@code name}, or one derived from the topic selection. */
  public String name() {
    String given = config.get(NAME);
    if (given != null) {
      return given;
    }
    String selection = config.contains(TOPICS) ? String.join("_", topics()) : config.get(TOPIC_PATTERN);
    return "changelake-" + selection.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  public Duration connectTimeout() {
    return config.get(CONNECT_TIMEOUT);
  }

  /** The consumer's properties: the pass-through ones plus those the source owns. */
  public Properties consumerProperties() {
    Properties properties = new Properties();
    properties.putAll(config.withPrefix(CONSUMER_PREFIX));
    properties.put("bootstrap.servers", bootstrapServers());
    properties.put("group.id", name());
    properties.put("enable.auto.commit", "false");
    properties.put("auto.offset.reset", config.get(AUTO_OFFSET_RESET));
    properties.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    properties.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    properties.putIfAbsent("default.api.timeout.ms", Long.toString(connectTimeout().toMillis()));
    properties.putIfAbsent("request.timeout.ms", Long.toString(Math.min(connectTimeout().toMillis(), 30_000)));
    return properties;
  }

  /**
   * The properties of the admin client that reads the partitions' end offsets: the pass-through ones (the
   * consumer's security options apply to it too) and the brokers, without those only a consumer takes.
   */
  public Properties adminProperties() {
    Properties properties = consumerProperties();
    for (String consumerOnly : List.of("group.id", "enable.auto.commit", "auto.offset.reset", "key.deserializer",
        "value.deserializer")) {
      properties.remove(consumerOnly);
    }
    return properties;
  }

  /** What a record the source cannot read does ({@code on-error}). */
  public OnError onError() {
    return OnError.valueOf(config.get(ON_ERROR).toUpperCase(java.util.Locale.ROOT));
  }

  /** The name of the errors table that {@code on-error=skip} writes to ({@code errors.table}). */
  public String errorsTable() {
    return config.get(ERRORS_TABLE);
  }

  /** Whether partitions no commit holds start at their first record. */
  public boolean fromEarliest() {
    return "earliest".equals(config.get(AUTO_OFFSET_RESET));
  }

  @Override
  public String toString() {
    return config.toString();
  }
}
