package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.changelake.api.model.TableId;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.RowScan;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.SourceException;
import io.changelake.api.spi.TableSink;
import io.changelake.api.spi.TableSnapshot;
import io.changelake.api.spi.WriteMode;
import io.changelake.testkit.KafkaBroker;
import io.changelake.testkit.SchemaRegistryServer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka topics into every table format through the command, against a real in-process broker: upsert topics
 * (tombstones as deletes) across a stop and resume, append topics through kill -9 rounds (a duplicate or a
 * lost record shows in the row-by-row comparison), and bad input (a malformed record, a missing topic, a broker
 * that does not answer) failing as a source error.
 */
class KafkaEndToEndTest {
  private static final Schema KEY = SchemaBuilder.struct().name("k").field("id", Schema.INT64_SCHEMA).build();
  private static final Schema ORDER = SchemaBuilder.struct().name("order").field("id", Schema.INT64_SCHEMA)
      .field("name", Schema.OPTIONAL_STRING_SCHEMA).field("amount", Decimal.builder(2).optional().build()).build();
  private static final Schema EVENT = SchemaBuilder.struct().name("event").field("seq", Schema.INT64_SCHEMA)
      .field("what", Schema.STRING_SCHEMA).build();
  private static KafkaBroker kafka;
  private static JsonConverter keys;
  private static JsonConverter values;

  @TempDir
  Path warehouse;

  @BeforeAll
  static void startBroker() {
    kafka = KafkaBroker.start();
    keys = converter(true);
    values = converter(false);
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  private static JsonConverter converter(boolean forKeys) {
    JsonConverter converter = new JsonConverter();
    converter.configure(Map.of("schemas.enable", "true", "decimal.format", "NUMERIC"), forKeys);
    return converter;
  }

  private static Map<String, String> options(String topic, String envelope) {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("bootstrap.servers", kafka.bootstrapServers());
    options.put("topics", topic);
    options.put("envelope", envelope);
    return options;
  }

  private RunningSync sync(Map<String, String> options, WriteMode mode) {
    return new RunningSync(RunningSync.request("kafka", options, warehouse.toString(), mode, List.of(),
        RunningSync.ALL_FORMATS));
  }

  /** Upserts {@code id} (or deletes it with a tombstone when {@code name} is null), keeping {@code expected}. */
  private static void upsert(KafkaProducer<byte[], byte[]> producer, String topic, int partitions, long id,
      String name, Map<String, Map<String, String>> expected) {
    byte[] key = keys.fromConnectData(topic, KEY, new Struct(KEY).put("id", id));
    byte[] value = null;
    String k = id + "|";
    if (name == null) {
      expected.remove(k);
    } else {
      BigDecimal amount = BigDecimal.valueOf(id * 7 + name.length(), 2);
      value = values.fromConnectData(topic, ORDER, new Struct(ORDER).put("id", id).put("name", name)
          .put("amount", amount));
      Map<String, String> row = new LinkedHashMap<>();
      row.put("id", Long.toString(id));
      row.put("name", name);
      row.put("amount", amount.toPlainString());
      expected.put(k, row);
    }
    producer.send(new ProducerRecord<>(topic, (int) (id % partitions), key, value));
  }

  @Test
  void upsertTopicWithTombstonesAcrossStopAndResumeInEveryFormat() throws Exception {
    kafka.createTopic("orders", 3);
    Map<String, Map<String, String>> expected = new TreeMap<>();
    TableComparison.SourceRows source = (table, key) -> new TreeMap<>(expected);
    try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
      for (long id = 1; id <= 30; id++) {
        upsert(producer, "orders", 3, id, "n" + id, expected);
      }
      upsert(producer, "orders", 3, 4, "renamed", expected);
      upsert(producer, "orders", 3, 5, null, expected);
      producer.flush();
      try (RunningSync sync = sync(options("orders", "upsert"), WriteMode.UPSERT)) {
        sync.awaitMirrored(source, "orders", "id");
        for (long id = 6; id <= 12; id++) {
          upsert(producer, "orders", 3, id, id % 2 == 0 ? null : "again" + id, expected);
        }
        producer.flush();
        sync.awaitMirrored(source, "orders", "id");
        assertEquals(0, sync.stop());
      }
      for (long id = 25; id <= 40; id++) {
        upsert(producer, "orders", 3, id, id % 3 == 0 ? null : "third" + id, expected);
      }
      producer.flush();
    }
    try (RunningSync sync = sync(options("orders", "upsert"), WriteMode.UPSERT)) {
      sync.awaitMirrored(source, "orders", "id");
    }
  }

  @Test
  void upsertTopicThroughKillNineRoundsLosesNothing() throws Exception {
    kafka.createTopic("ledger", 3);
    Map<String, Map<String, String>> expected = new TreeMap<>();
    Map<String, String> options = options("ledger", "upsert");
    options.put("name", "ledger-mirror");
    List<String> args = new ArrayList<>(List.of("sync-table", "--source", "kafka", "--warehouse",
        warehouse.toString(), "--database", "lake", "--commit-interval", "300ms",
        "--format", String.join(",", RunningSync.ALL_FORMATS)));
    args.addAll(RunningSync.asFlags("--source-conf", options));
    Random random = new Random(14);
    int version = 0;
    try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
      for (long id = 1; id <= 300; id++) {
        upsert(producer, "ledger", 3, id, "v0", expected);
      }
      producer.flush();
      for (int round = 0; round < 3; round++) {
        // a log per round: a round waits for a commit of its own
        SyncProcess sync = SyncProcess.start(warehouse.resolveSibling(warehouse.getFileName() + "-" + round + ".log"),
            args);
        assertTrue(sync.awaitLog("Committed 3 table\\(s\\), [1-9]", 120_000), () -> "no commit:\n" + sync.log());
        for (int batch = 0; batch < 3 + random.nextInt(5); batch++) {
          version++;
          for (int i = 0; i < 40; i++) {
            long id = 1 + random.nextInt(320);
            upsert(producer, "ledger", 3, id, random.nextInt(5) == 0 ? null : "v" + version, expected);
          }
          producer.flush();
          Thread.sleep(100);
        }
        assertTrue(sync.isAlive(), () -> "the sync ended:\n" + sync.log());
        sync.kill();
      }
    }
    // the source is what the broker holds: a write the producer gave up on is not the mirror's to have
    Map<String, Map<String, String>> held = upsertState("ledger");
    String producerNote = held.equals(expected) ? "The broker holds every record the producer wrote.\n"
        : "The broker holds " + held.size() + " keys, the producer meant " + expected.size() + " (a failed write).\n";
    TableComparison.SourceRows topic = (table, key) -> new TreeMap<>(held);
    SyncProcess last = SyncProcess.start(warehouse.resolveSibling(warehouse.getFileName() + "-last.log"), args);
    try {
      List<String> differences = new ArrayList<>();
      for (String format : RunningSync.ALL_FORMATS) {
        String location = LakeFormats.location(warehouse.toString(), format, true);
        Instant deadline = Instant.now().plusSeconds(180); // a loaded 2-core machine takes its time to catch up
        while (Instant.now().isBefore(deadline)
            && !TableComparison.same(topic, "ledger", format, location, "lake", "ledger", "id")) {
          Thread.sleep(300);
        }
        try {
          TableComparison.assertSame(topic, "ledger", format, location, "lake", "ledger", "id");
        } catch (AssertionError e) {
          differences.add(e.getMessage());
        }
      }
      assertTrue(differences.isEmpty(), () -> String.join("\n", differences) + "\n" + producerNote
          + "What each run did:\n"
          + runs(warehouse, "-0.log", "-1.log", "-2.log", "-last.log") + "Iceberg snapshots:\n"
          + icebergHistory(LakeFormats.location(warehouse.toString(), "iceberg", true)));
    } finally {
      assertEquals(0, last.stop(), () -> last.log());
    }
  }

  /** The state an upsert topic describes: each key's last record, a tombstone removing it. */
  private static Map<String, Map<String, String>> upsertState(String topic) {
    Map<String, Map<String, String>> state = new TreeMap<>();
    for (var record : kafka.records(topic)) {
      Struct key = (Struct) keys.toConnectData(topic, record.key()).value();
      if (record.value() == null) {
        state.remove(key.get("id") + "|");
        continue;
      }
      Struct value = (Struct) values.toConnectData(topic, record.value()).value();
      Map<String, String> row = new LinkedHashMap<>();
      row.put("id", value.get("id").toString());
      row.put("name", value.getString("name"));
      row.put("amount", ((BigDecimal) value.get("amount")).toPlainString());
      state.put(key.get("id") + "|", row);
    }
    return state;
  }

  /** Each snapshot of the Iceberg table: sequence number, operation, position, rows added and deleted. */
  private static String icebergHistory(String location) {
    StringBuilder out = new StringBuilder();
    for (var snapshot : TableComparison.lakeTable(location, "lake", "ledger").snapshots()) {
      var summary = snapshot.summary();
      out.append(snapshot.sequenceNumber()).append(' ').append(snapshot.operation()).append(' ')
          .append(summary.get(io.changelake.api.spi.CommitMetadata.POSITION)).append(" +")
          .append(summary.getOrDefault("added-records", "0")).append(" -eq")
          .append(summary.getOrDefault("added-equality-deletes", "0")).append(" -files")
          .append(summary.getOrDefault("deleted-data-files", "0")).append('\n');
    }
    return out.toString();
  }

  /** The lines of each run's log that say where it resumed, caught up, committed or failed. */
  private static String runs(Path warehouse, String... logs) {
    StringBuilder out = new StringBuilder();
    for (String name : logs) {
      Path log = warehouse.resolveSibling(warehouse.getFileName() + name);
      out.append("--- ").append(log.getFileName()).append('\n');
      try {
        Files.readAllLines(log).stream()
            .filter(l -> l.matches(".*(Resuming|Reading|Caught up|Committed|Suspended|ERROR|WARN|replaced).*")
                && !l.contains("high watermark"))
            .forEach(l -> out.append(l).append('\n'));
      } catch (java.io.IOException e) {
        out.append(e).append('\n');
      }
    }
    return out.toString();
  }

  @Test
  void appendTopicResumesWithoutDuplicates() throws Exception {
    kafka.createTopic("events", 3);
    Map<String, Map<String, String>> expected = new TreeMap<>();
    TableComparison.SourceRows source = (table, key) -> new TreeMap<>(expected);
    try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
      long seq = append(producer, 0, 12, expected);
      try (RunningSync sync = sync(options("events", "append"), WriteMode.APPEND)) {
        sync.awaitMirrored(source, "events", "seq");
        sync.await("no record left to acknowledge in the status",
            () -> statusOutput().contains("source lag_records: 0 (records of the partitions read not yet"));
        assertEquals(0, sync.stop());
      }
      append(producer, seq, 6, expected);
    }
    try (RunningSync sync = sync(options("events", "append"), WriteMode.APPEND)) {
      sync.awaitMirrored(source, "events", "seq");
    }
  }

  /** Appends {@code count} events after {@code seq} to topic events (3 partitions); returns the last seq. */
  private static long append(KafkaProducer<byte[], byte[]> producer, long seq, int count,
      Map<String, Map<String, String>> expected) {
    return append(producer, "events", 3, seq, count, expected);
  }

  /** Appends {@code count} events after {@code seq} to {@code topic}, seq modulo {@code partitions} its partition. */
  private static long append(KafkaProducer<byte[], byte[]> producer, String topic, int partitions, long seq, int count,
      Map<String, Map<String, String>> expected) {
    for (long s = seq + 1; s <= seq + count; s++) {
      String what = "e" + s;
      producer.send(new ProducerRecord<>(topic, (int) (s % partitions), null,
          values.fromConnectData(topic, EVENT, new Struct(EVENT).put("seq", s).put("what", what))));
      Map<String, String> row = new LinkedHashMap<>();
      row.put("seq", Long.toString(s));
      row.put("what", what);
      expected.put(s + "|", row);
    }
    producer.flush();
    return seq + count;
  }

  /**
   * The flow of a user adding a topic: a sync of two append topics stops, both get more records, a third topic is
   * made, and the sync starts again with the three (a new derived pipeline name, which takes the two tables over
   * from the stopped one). The two take only their new records (a re-read would replace them: every version of
   * theirs since holds all it held before, and the run commits only the new changes), the new topic is read from
   * its start, and its first commit holds every partition's offset.
   */
  @Test
  void aTopicAddedToTheSelectionIsReadFromItsStartWhileTheOthersResumeInEveryFormat() throws Exception {
    kafka.createTopic("clicks", 2);
    kafka.createTopic("views", 1);
    Map<String, Map<String, Map<String, String>>> expected = Map.of("clicks", new TreeMap<>(), "views",
        new TreeMap<>(), "carts", new TreeMap<>());
    TableComparison.SourceRows source = (table, key) -> new TreeMap<>(expected.get(table));
    Map<String, Map<String, Integer>> versionsBefore = new TreeMap<>();
    try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
      append(producer, "clicks", 2, 0, 10, expected.get("clicks"));
      append(producer, "views", 1, 0, 6, expected.get("views"));
      try (RunningSync sync = sync(options("clicks,views", "append"), WriteMode.APPEND)) {
        sync.awaitMirrored(source, "clicks", "seq");
        sync.awaitMirrored(source, "views", "seq");
        assertEquals(0, sync.stop());
      }
      forEachTable(List.of("clicks", "views"), (format, table, lake) -> versionsBefore
          .computeIfAbsent(format, f -> new TreeMap<>()).put(table, lake.snapshots().size()));
      append(producer, "clicks", 2, 10, 4, expected.get("clicks"));
      append(producer, "views", 1, 6, 3, expected.get("views"));
      kafka.createTopic("carts", 2);
      append(producer, "carts", 2, 0, 7, expected.get("carts"));
    }

    try (RunningSync sync = sync(options("clicks,views,carts", "append"), WriteMode.APPEND)) {
      for (String table : List.of("clicks", "views", "carts")) {
        sync.awaitMirrored(source, table, "seq");
      }
      assertEquals(0, sync.stop());
    }

    StatusFile.Status status = StatusFile.readAll(warehouse.toString()).stream()
        .filter(s -> s.pipeline().equals("changelake-clicks_views_carts")).findFirst().orElseThrow();
    Map<String, Long> newRecords = Map.of("clicks", 4L, "views", 3L, "carts", 7L);
    for (var table : status.tables()) {
      assertEquals(newRecords.get(table.lake().name()), table.totalChanges(), () -> table.format() + " "
          + table.lake() + " committed other changes than the records new to it: " + table);
    }
    assertEquals(9, status.tables().size(), status::toString);
    forEachTable(List.of("clicks", "views", "carts"), (format, table, lake) -> {
      assertEquals("changelake-clicks_views_carts", lake.lastCommit().orElseThrow().pipeline(), format + " " + table);
      List<TableSnapshot> versions = lake.snapshots();
      if (table.equals("carts")) {
        // (a format's first version may be the table's creation, without a position; the others' offsets are where
        // the lowest vector a table held put them)
        String first = versions.stream().map(v -> v.summary().get(CommitMetadata.POSITION))
            .filter(Objects::nonNull).findFirst().orElseThrow();
        assertTrue(first.matches("carts:0=0,carts:1=0,clicks:0=[0-5],clicks:1=[0-5],views:0=[0-6]"), () -> format
            + ": the first commit of the added topic's table holds every partition, its own at the start: " + first);
        return;
      }
      int held = expected.get(table).size() - newRecords.get(table).intValue();
      for (TableSnapshot version : versions.subList(versionsBefore.get(format).get(table), versions.size())) {
        assertTrue(rows(lake, version.id()) >= held, () -> format + " " + table + " version " + version.id() + " ("
            + version.operation() + ") lacks rows it held before: it was read again");
      }
    });
  }

  /** A check of one lake table in one format. */
  private interface LakeCheck {
    void accept(String format, String table, SinkTable lake) throws Exception;
  }

  /** Runs {@code check} on each of {@code tables} of database lake in every format of the warehouse. */
  private void forEachTable(List<String> tables, LakeCheck check) throws Exception {
    Map<String, TableSink> sinks = LakeFormats.openExisting(warehouse.toString(), RunningSync.ALL_FORMATS, Map.of());
    try {
      for (var sink : sinks.entrySet()) {
        for (String table : tables) {
          check.accept(sink.getKey(), table, sink.getValue().find(new TableId("lake", table)).orElseThrow());
        }
      }
    } finally {
      sinks.values().forEach(TableSink::close);
    }
  }

  /** The rows of {@code lake}'s version {@code snapshot}. */
  private static long rows(SinkTable lake, long snapshot) {
    long rows = 0;
    try (RowScan scan = lake.scan(snapshot)) {
      for (var row : scan) {
        rows++;
      }
    }
    return rows;
  }

  @Test
  void malformedRecordStopsTheSyncAsASourceErrorNamingIt() throws Exception {
    kafka.createTopic("broken", 1);
    Map<String, Map<String, String>> expected = new TreeMap<>();
    try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
      upsert(producer, "broken", 1, 1, "one", expected);
      producer.send(new ProducerRecord<>("broken", 0, keys.fromConnectData("broken", KEY, new Struct(KEY).put("id", 2L)),
          "not json {".getBytes(StandardCharsets.UTF_8)));
      upsert(producer, "broken", 1, 3, "three", expected);
      producer.flush();
    }
    try (RunningSync sync = sync(options("broken", "upsert"), WriteMode.UPSERT)) {
      Throwable failure = sync.awaitFailure();
      assertInstanceOf(SourceException.class, failure.getCause(), () -> sync.output.toString());
      assertEquals(ExitCode.SOURCE, ErrorHandler.exitCode(failure));
      assertTrue(failure.getMessage().contains("broken-0@1"), failure::getMessage);
    }
    for (String format : RunningSync.ALL_FORMATS) {
      String location = LakeFormats.location(warehouse.toString(), format, true);
      Map<String, Map<String, String>> lake = TableComparison.lake(format, location, "lake", "broken", "id");
      assertTrue(!lake.containsKey("3|"), () -> format + " holds a record after the malformed one: " + lake);
    }
  }

  /** Sends {@code key}/{@code value} raw to {@code topic}'s {@code partition}, adding it to {@code errors} as the row the errors table must hold. */
  private static void sendBad(KafkaProducer<byte[], byte[]> producer, String topic, int partition, byte[] key,
      byte[] value, String meant, Map<String, Map<String, String>> errors) throws Exception {
    RecordMetadata sent = producer.send(new ProducerRecord<>(topic, partition, key, value)).get();
    Map<String, String> row = new LinkedHashMap<>();
    row.put("topic", topic);
    row.put("partition", Integer.toString(partition));
    row.put("offset", Long.toString(sent.offset()));
    row.put("key", key == null ? null : HexFormat.of().formatHex(key));
    row.put("value", value == null ? null : HexFormat.of().formatHex(value));
    row.put("table_name", meant);
    row.put("timestamp", Instant.ofEpochMilli(sent.timestamp()).toString());
    row.put("_change_op", "c");
    errors.put(partition + "|" + sent.offset() + "|", row);
  }

  /** Three kinds of unreadable upsert records, one on each partition of {@code topic}: bytes that are not JSON, no key, a value without the key column. */
  private static void sendThreeBad(KafkaProducer<byte[], byte[]> producer, String topic, long id,
      Map<String, Map<String, String>> errors) throws Exception {
    byte[] key = keys.fromConnectData(topic, KEY, new Struct(KEY).put("id", id));
    byte[] row = values.fromConnectData(topic, ORDER, new Struct(ORDER).put("id", id).put("name", "keyless"));
    byte[] noKeyColumn = values.fromConnectData(topic, EVENT, new Struct(EVENT).put("seq", id).put("what", "x"));
    sendBad(producer, topic, 0, key, ("not json {" + id).getBytes(StandardCharsets.UTF_8), topic, errors);
    sendBad(producer, topic, 1, null, row, topic, errors);
    sendBad(producer, topic, 2, key, noKeyColumn, topic, errors);
  }

  /** Each errors-table row's reason names its record, what could not be read, in every format. */
  private void assertReasons(String errorsTable, Map<String, Map<String, String>> errors) {
    for (String format : RunningSync.ALL_FORMATS) {
      Map<String, Map<String, String>> lake = TableComparison.lake(format, LakeFormats.location(warehouse.toString(),
          format, true), "lake", errorsTable, "partition,offset");
      assertEquals(errors.keySet(), lake.keySet(), format);
      lake.values().forEach(row -> assertTrue(row.get("reason").startsWith("Kafka record " + row.get("topic") + "-"
          + row.get("partition") + "@" + row.get("offset") + " cannot be read as upsert"), () -> format + ": " + row));
    }
  }

  @Test
  void skipWritesUnreadableRecordsRawToTheErrorsTableOnceAcrossStopAndResumeInEveryFormat() throws Exception {
    kafka.createTopic("payments", 3);
    Map<String, Map<String, String>> expected = new TreeMap<>();
    Map<String, Map<String, String>> errors = new TreeMap<>();
    TableComparison.SourceRows source = (table, key) -> new TreeMap<>(table.equals("payments") ? expected : errors);
    Map<String, String> options = options("payments", "upsert");
    options.put("on-error", "skip");
    try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
      for (long id = 1; id <= 15; id++) {
        upsert(producer, "payments", 3, id, "p" + id, expected);
      }
      sendThreeBad(producer, "payments", 16, errors);
      for (long id = 10; id <= 25; id++) {
        upsert(producer, "payments", 3, id, id % 4 == 0 ? null : "q" + id, expected);
      }
      producer.flush();
      try (RunningSync sync = sync(options, WriteMode.UPSERT)) {
        sync.awaitMirrored(source, "payments", "id");
        sync.awaitMirrored(source, "_changelake_errors", "partition,offset");
        assertEquals(0, sync.stop());
      }
      sendThreeBad(producer, "payments", 26, errors);
      for (long id = 20; id <= 30; id++) {
        upsert(producer, "payments", 3, id, "r" + id, expected);
      }
      producer.flush();
    }
    // a duplicate error row fails the comparison (its partition and offset are the key)
    try (RunningSync sync = sync(options, WriteMode.UPSERT)) {
      sync.awaitMirrored(source, "payments", "id");
      sync.awaitMirrored(source, "_changelake_errors", "partition,offset");
    }
    assertEquals(6, errors.size());
    assertReasons("_changelake_errors", errors);
  }

  @Test
  void suspendStopsOnlyTheTableOfTheUnreadableRecordUntilSkipIsChosenInEveryFormat() throws Exception {
    kafka.createTopic("stock", 1);
    kafka.createTopic("prices", 2);
    Map<String, Map<String, String>> stock = new TreeMap<>();
    Map<String, Map<String, String>> prices = new TreeMap<>();
    Map<String, Map<String, String>> errors = new TreeMap<>();
    Map<String, Map<String, String>> stockBefore;
    TableComparison.SourceRows source = (table, key) -> new TreeMap<>(switch (table) {
      case "stock" -> stock;
      case "prices" -> prices;
      default -> errors;
    });
    Map<String, String> options = options("stock,prices", "upsert");
    options.put("on-error", "suspend");
    try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
      for (long id = 1; id <= 10; id++) {
        upsert(producer, "stock", 1, id, "s" + id, stock);
        upsert(producer, "prices", 2, id, "p" + id, prices);
      }
      upsert(producer, "stock", 1, 3, null, stock);
      producer.flush();
      stockBefore = new TreeMap<>(stock);
      byte[] key = keys.fromConnectData("stock", KEY, new Struct(KEY).put("id", 11L));
      sendBad(producer, "stock", 0, key, "{\"schema\": truncated".getBytes(StandardCharsets.UTF_8), "stock",
          errors);
      String where = "stock-0@" + errors.values().iterator().next().get("offset");
      for (long id = 11; id <= 15; id++) {
        upsert(producer, "stock", 1, id, "s" + id, stock);
        upsert(producer, "prices", 2, id, "p" + id, prices);
      }
      producer.flush();
      TableComparison.SourceRows held = (table, k) -> new TreeMap<>(stockBefore);
      try (RunningSync sync = sync(options, WriteMode.UPSERT)) {
        sync.awaitMirrored(source, "prices", "id");
        awaitSuspended(sync, held, where);
        for (long id = 16; id <= 20; id++) {
          upsert(producer, "prices", 2, id, "later" + id, prices);
          upsert(producer, "stock", 1, id, "later" + id, stock);
        }
        producer.flush();
        sync.awaitMirrored(source, "prices", "id");
        String status = statusOutput();
        assertTrue(status.contains("SUSPENDED") && status.contains(where) && status.contains("on-error=skip"),
            status);
        assertEquals(0, sync.stop());
      }
      // a restart meets the record again: the table stays where it was
      try (RunningSync sync = sync(options, WriteMode.UPSERT)) {
        awaitSuspended(sync, held, where);
        sync.awaitMirrored(source, "prices", "id");
      }
    }
    options.put("on-error", "skip");
    try (RunningSync sync = sync(options, WriteMode.UPSERT)) {
      sync.awaitMirrored(source, "stock", "id");
      sync.awaitMirrored(source, "prices", "id");
      sync.awaitMirrored(source, "_changelake_errors", "partition,offset");
    }
  }

  /** Waits until every format suspended lake.stock naming record {@code where}, then checks it holds {@code held}. */
  private static void awaitSuspended(RunningSync sync, TableComparison.SourceRows held, String where)
      throws Exception {
    for (String format : RunningSync.ALL_FORMATS) {
      String suspended = "SUSPENDED " + format + " lake.stock: Kafka record " + where + " cannot be read";
      sync.await(format + " stock suspended", () -> sync.output.toString().contains(suspended));
      TableComparison.assertSame(held, "stock", format, sync.location(format), "lake", "stock", "id");
    }
  }

  /** What {@code changelake status} prints for the warehouse. */
  private String statusOutput() {
    java.io.PrintStream original = System.out;
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try {
      System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
      assertEquals(ExitCode.OK, Main.execute("status", "--warehouse", warehouse.toString()));
    } finally {
      System.setOut(original);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void planNamesTheTopicsPartitionsAndGroupAndCreatesNothing() throws Exception {
    kafka.createTopic("planned", 2);
    try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
      upsert(producer, "planned", 2, 1, "one", new TreeMap<>());
      upsert(producer, "planned", 2, 2, "two", new TreeMap<>());
      producer.flush();
    }
    List<String> args = new ArrayList<>(List.of("plan", "--source", "kafka", "--warehouse", warehouse.toString(),
        "--format", "iceberg,delta,paimon", "--output", "json"));
    args.addAll(RunningSync.asFlags("--source-conf", options("planned", "upsert")));

    CommandResult result = CommandResult.run(args.toArray(String[]::new));

    assertEquals(0, result.code(), result::toString);
    JsonNode plan = StatusFile.JSON.readTree(result.out());
    assertEquals("[\"topic planned: 2 partitions, read\",\"consumer group 'changelake-planned': mirrors the offsets"
        + " the lake commits hold; nothing is created in the brokers\"]", plan.get("sourceObjects").toString());
    assertEquals(3, plan.get("tables").size(), result.out());
    for (JsonNode table : plan.get("tables")) {
      assertEquals("[\"id\"]", table.get("key").toString(), result.out());
      List<String> columns = new ArrayList<>();
      table.get("columns").forEach(c -> columns.add(c.get("name").asText()));
      assertEquals(List.of("id", "name", "amount"), columns);
    }
    try (var files = Files.list(warehouse)) {
      assertEquals(List.of(), files.toList(), "the plan wrote into the warehouse");
    }
  }

  @Test
  void missingTopicAndSilentBrokerAreSourceErrorsThatSayWhatToFix() throws Exception {
    kafka.createTopic("customers", 1);
    try (RunningSync sync = sync(options("customer", "upsert"), WriteMode.UPSERT)) {
      Throwable failure = sync.awaitFailure();
      assertInstanceOf(SourceException.class, failure);
      assertTrue(failure.getMessage().contains("Kafka topic customer does not exist")
          && failure.getMessage().contains("Similar topics: customers"), failure::getMessage);
    }
    Map<String, String> down = options("customers", "upsert");
    down.put("bootstrap.servers", "127.0.0.1:1");
    down.put("connect.timeout", "3s");
    try (RunningSync sync = sync(down, WriteMode.UPSERT)) {
      Throwable failure = sync.awaitFailure();
      assertInstanceOf(SourceException.class, failure);
      assertTrue(failure.getMessage().contains("127.0.0.1:1 did not answer within 3 s"), failure::getMessage);
    }
  }

  /** Debezium's value schema of table inventory.items in JSON Schema, as Confluent's JsonSchemaConverter registers it. */
  private static final String ITEMS_SCHEMA = """
      {"type":"object","title":"pg.inventory.items.Envelope","properties":{
        "before":{"oneOf":[{"type":"null"},$ROW],"connect.index":0},
        "after":{"oneOf":[{"type":"null"},$ROW],"connect.index":1},
        "source":{"type":"object","title":"io.debezium.connector.postgresql.Source","connect.index":2,"properties":{
          "connector":{"type":"string","connect.index":0},
          "ts_ms":{"type":"integer","connect.index":1,"connect.type":"int64"},
          "db":{"type":"string","connect.index":2},
          "schema":{"type":"string","connect.index":3},
          "table":{"type":"string","connect.index":4}}},
        "op":{"type":"string","connect.index":3},
        "ts_ms":{"oneOf":[{"type":"null"},{"type":"integer","connect.type":"int64"}],"connect.index":4}}}
      """.replace("$ROW", """
      {"type":"object","title":"pg.inventory.items.Value","properties":{
        "id":{"type":"integer","connect.index":0,"connect.type":"int64"},
        "name":{"oneOf":[{"type":"null"},{"type":"string"}],"connect.index":1},
        "created_at":{"oneOf":[{"type":"null"},{"type":"integer","title":"io.debezium.time.MicroTimestamp",
          "connect.version":1,"connect.type":"int64"}],"connect.index":2}}}""");

  /** One Debezium change of inventory.items in the Confluent wire format (schema {@code id}), keeping {@code expected}. */
  private static void change(KafkaProducer<byte[], byte[]> producer, int schemaId, String op, long id, String name,
      Map<String, Map<String, String>> expected) {
    String topic = "pg.inventory.items";
    byte[] key = keys.fromConnectData(topic, KEY, new Struct(KEY).put("id", id));
    long micros = 1_733_400_000_123_456L + id;
    String row = "{\"id\":" + id + ",\"name\":\"" + name + "\",\"created_at\":" + micros + "}";
    boolean delete = op.equals("d");
    String json = "{\"before\":" + (delete ? row : "null") + ",\"after\":" + (delete ? "null" : row)
        + ",\"source\":{\"connector\":\"postgresql\",\"ts_ms\":1733400000123,\"db\":\"shop\","
        + "\"schema\":\"inventory\",\"table\":\"items\"},\"op\":\"" + op + "\",\"ts_ms\":1733400000200}";
    byte[] payload = json.getBytes(StandardCharsets.UTF_8);
    byte[] value = java.nio.ByteBuffer.allocate(5 + payload.length).put((byte) 0).putInt(schemaId).put(payload).array();
    producer.send(new ProducerRecord<>(topic, 0, key, value));
    if (delete) {
      producer.send(new ProducerRecord<>(topic, 0, key, null)); // Debezium's tombstone after a delete
      expected.remove(id + "|");
    } else {
      Map<String, String> expectedRow = new LinkedHashMap<>();
      expectedRow.put("id", Long.toString(id));
      expectedRow.put("name", name);
      expectedRow.put("created_at", java.time.LocalDateTime.ofInstant(java.time.Instant.EPOCH.plus(micros,
          java.time.temporal.ChronoUnit.MICROS), java.time.ZoneOffset.UTC).toString()); // MicroTimestamp: no zone
      expected.put(id + "|", expectedRow);
    }
  }

  @Test
  void debeziumEnvelopesInJsonSchemaThroughTheRegistryInEveryFormat() throws Exception {
    kafka.createTopic("pg.inventory.items", 1);
    Map<String, Map<String, String>> expected = new TreeMap<>();
    TableComparison.SourceRows source = (table, key) -> new TreeMap<>(expected);
    try (SchemaRegistryServer registry = SchemaRegistryServer.start();
        KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
      int schemaId = registry.register("pg.inventory.items-value", "JSON", ITEMS_SCHEMA);
      for (long id = 1; id <= 5; id++) {
        change(producer, schemaId, "r", id, "snap" + id, expected);
      }
      change(producer, schemaId, "r", 2, "snap2-again", expected); // a snapshot read repeated: an upsert
      change(producer, schemaId, "c", 6, "created", expected);
      change(producer, schemaId, "u", 3, "updated", expected);
      change(producer, schemaId, "d", 4, "gone", expected);
      producer.flush();
      Map<String, String> options = options("pg.inventory.items", "debezium");
      options.put("value.format", "json-schema");
      options.put("schema.registry.url", registry.url().toString());
      try (RunningSync sync = sync(options, WriteMode.UPSERT)) {
        sync.awaitMirrored(source, "items", "id");
        change(producer, schemaId, "u", 1, "streamed", expected);
        change(producer, schemaId, "d", 5, "gone", expected);
        producer.flush();
        sync.awaitMirrored(source, "items", "id");
      }
    }
  }
}
