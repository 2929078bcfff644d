package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.changelake.api.spi.WriteMode;
import io.changelake.testkit.DebeziumConnector;
import io.changelake.testkit.KafkaBroker;
import io.changelake.testkit.PostgresServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Debezium envelopes end to end: Debezium's own PostgreSQL connector, run in process and serialized by Kafka's
 * {@code JsonConverter} (schemas on) as a Connect worker would ({@link DebeziumConnector}), writes its snapshot
 * ({@code op=r}) and stream (inserts, updates, a primary key change, deletes with tombstones, a row set to NULLs)
 * into an in-process broker; {@code changelake sync --source kafka} with {@code envelope=debezium} reads the topics
 * into Iceberg, Delta and Paimon, stops, and a second run resumes with the changes made meanwhile, then takes a
 * redelivered insert of a row it already committed. Every lake table is compared row by row and value by value
 * with its source table (a duplicate key fails), one connector and table per {@code decimal.handling.mode}.
 */
class DebeziumLiveEndToEndTest {
  private static final String DB = "shop";
  /** Every awkward type, each column NULL in one row. */
  private static final String COLUMNS = "id int PRIMARY KEY, price numeric(12,3), amount numeric, ts timestamp(6),"
      + " tstz timestamptz, d date, t time(6), j json, jb jsonb, u uuid, b bytea, note text";
  /** Decimal mode of each table's connector. */
  private static final Map<String, String> MODES = Map.of("kinds_p", "precise", "kinds_s", "string",
      "kinds_d", "double");

  @RegisterExtension
  static final PostgresExtension PG = new PostgresExtension();
  private static KafkaBroker kafka;
  private static final List<DebeziumConnector> CONNECTORS = new ArrayList<>();
  @TempDir
  static Path offsets;

  @TempDir
  Path warehouse;

  @BeforeAll
  static void start() {
    kafka = KafkaBroker.start();
  }

  @AfterAll
  static void stop() {
    CONNECTORS.forEach(DebeziumConnector::close);
    if (kafka != null) {
      kafka.close();
    }
  }

  private static Map<String, String> postgresConnector(String table) {
    PostgresServer pg = PG.server();
    Map<String, String> config = new LinkedHashMap<>();
    config.put("name", "pg-" + table);
    config.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    config.put("database.hostname", pg.host());
    config.put("database.port", String.valueOf(pg.port()));
    config.put("database.user", pg.username());
    config.put("database.password", pg.password());
    config.put("database.dbname", DB);
    // a prefix per connector: connectors in one JVM with one prefix wait on each other's metrics names
    config.put("topic.prefix", prefix(table));
    config.put("plugin.name", "pgoutput");
    config.put("slot.name", "dbz_" + table);
    config.put("publication.name", "dbz_" + table + "_pub");
    config.put("publication.autocreate.mode", "filtered");
    config.put("table.include.list", "public." + table);
    config.put("decimal.handling.mode", MODES.get(table));
    return config;
  }

  private static String prefix(String table) {
    return "pg_" + MODES.get(table);
  }

  private static String topic(String table) {
    return prefix(table) + ".public." + table;
  }

  /** The same changes in every table. */
  private static void change(String... statements) {
    List<String> sql = new ArrayList<>();
    for (String table : MODES.keySet()) {
      for (String statement : statements) {
        sql.add(statement.replace("$T", table));
      }
    }
    PG.server().execute(DB, sql.toArray(String[]::new));
  }

  /**
   * The source tables as the lake must hold them: the {@code double} table's numerics read as float8 (what the
   * connector sends in that mode), the others as they are.
   */
  private static TableComparison.SourceRows source() {
    return (table, key) -> TableComparison.source(PG.server(), DB,
        table.equals("kinds_d") ? "kinds_d_as_double" : table, key);
  }

  private RunningSync sync() {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("bootstrap.servers", kafka.bootstrapServers());
    options.put("topics", String.join(",", MODES.keySet().stream().map(t -> topic(t)).sorted().toList()));
    options.put("envelope", "debezium");
    return new RunningSync(RunningSync.request("kafka", options, warehouse.toString(), WriteMode.UPSERT, List.of(),
        RunningSync.ALL_FORMATS));
  }

  private void awaitMirrored(RunningSync sync) throws Exception {
    for (String table : MODES.keySet()) {
      sync.awaitMirrored(source(), table, "id");
    }
  }

  @Test
  void postgresConnectorSnapshotStreamAndResumeInEveryFormat() throws Exception {
    PG.server().createDatabase(DB);
    change("CREATE TABLE $T (" + COLUMNS + ")",
        "INSERT INTO $T VALUES (1, 1234.567, 98765432109876.123456789, '2024-02-29 23:59:59.123456',"
            + " '2024-02-29 23:59:59.654321+05:30', '1999-12-31', '13:45:10.5', '{\"a\": [1, 2]}', '{\"b\": null}',"
            + " 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\x00ff10', 'first')",
        "INSERT INTO $T VALUES (2, -0.001, 0, '1970-01-01 00:00:00', '1969-12-31 23:59:59.999999+00', '0001-01-01',"
            + " '00:00:00', '[]', '{}', '00000000-0000-0000-0000-000000000000', '\\x', 'second')",
        "INSERT INTO $T VALUES (3, 999999999.999, -1.5, '2038-01-19 03:14:08', '2100-06-01 12:00:00-08',"
            + " '2100-06-01', '23:59:59.999999', '\"text\"', '[1, \"x\"]', 'ffffffff-ffff-ffff-ffff-ffffffffffff',"
            + " '\\xdeadbeef', 'third')",
        "INSERT INTO $T (id) VALUES (4)");
    PG.server().execute(DB, "CREATE VIEW kinds_d_as_double AS SELECT id, price::float8 AS price,"
        + " amount::float8 AS amount, ts, tstz, d, t, j, jb, u, b, note FROM kinds_d");
    for (String table : MODES.keySet()) {
      CONNECTORS.add(DebeziumConnector.start(kafka, offsets.resolve(table), postgresConnector(table)));
    }
    // streamed after the snapshot: an insert, updates, a primary key change, a delete, a row set to NULLs
    change("INSERT INTO $T VALUES (5, 0.5, 12.25, '2000-01-01 00:00:00.000001', '2000-01-01 00:00:00.000001+00',"
            + " '2000-01-01', '12:00:00.000001', '{}', '[]', '123e4567-e89b-12d3-a456-426614174000', '\\x01', 'fifth')",
        "UPDATE $T SET price = 7.000, note = 'second, updated', jb = '{\"k\": [true, false]}' WHERE id = 2",
        "UPDATE $T SET id = 30 WHERE id = 3",
        "DELETE FROM $T WHERE id = 1",
        "UPDATE $T SET price = NULL, amount = NULL, ts = NULL, tstz = NULL, d = NULL, t = NULL, j = NULL,"
            + " jb = NULL, u = NULL, b = NULL, note = NULL WHERE id = 5");
    for (String table : MODES.keySet()) {
      awaitRecords(topic(table));
    }
    try (RunningSync sync = sync()) {
      awaitMirrored(sync);
      assertEquals(0, sync.stop());
    }
    // while no sync runs: more changes
    change("INSERT INTO $T VALUES (6, 6.006, 6, '2006-06-06 06:06:06', '2006-06-06 06:06:06+06', '2006-06-06',"
            + " '06:06:06', '6', '6', '66666666-6666-6666-6666-666666666666', '\\x06', 'sixth')",
        "UPDATE $T SET note = 'thirty', u = NULL WHERE id = 30",
        "DELETE FROM $T WHERE id = 2",
        "INSERT INTO $T (id, note) VALUES (2, 'second again')");
    try (RunningSync sync = sync()) {
      awaitMirrored(sync);
      // a connector restarted before its offsets were flushed sends its last changes again: here the insert of 6,
      // already committed to the lake
      for (String table : MODES.keySet()) {
        redeliverInsert(topic(table), "\"id\":6");
      }
      change("UPDATE $T SET note = 'after the redelivery' WHERE id = 4");
      awaitMirrored(sync);
    }
  }

  /** Waits until the connector wrote to {@code topic} (a sync refuses a topic that is missing or empty). */
  private static void awaitRecords(String topic) throws Exception {
    TopicPartition partition = new TopicPartition(topic, 0);
    Instant deadline = Instant.now().plusSeconds(60);
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      while (Instant.now().isBefore(deadline)) {
        if (consumer.listTopics().containsKey(topic)
            && consumer.endOffsets(List.of(partition)).getOrDefault(partition, 0L) > 0) {
          return;
        }
        Thread.sleep(200);
      }
    }
    throw new AssertionError("The connector wrote nothing to " + topic + " within 60 s");
  }

  private static KafkaConsumer<byte[], byte[]> consumer() {
    return new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()), new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  /**
   * Writes the connector's {@code op=c} record of the row whose key holds {@code keyText} to {@code topic} once more,
   * byte for byte: what a connector restarted before its offsets were flushed sends again.
   */
  private static void redeliverInsert(String topic, String keyText) throws Exception {
    TopicPartition partition = new TopicPartition(topic, 0);
    Instant deadline = Instant.now().plusSeconds(60);
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(); KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      while (Instant.now().isBefore(deadline)) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          String key = new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
          String value = record.value() == null ? ""
              : new String(record.value(), java.nio.charset.StandardCharsets.UTF_8);
          if (key.contains(keyText) && value.contains("\"op\":\"c\"")) {
            producer.send(new ProducerRecord<>(topic, 0, record.key(), record.value())).get();
            return;
          }
        }
      }
    }
    throw new AssertionError("The connector wrote no insert of " + keyText + " to " + topic + " within 60 s");
  }
}
