package io.changelake.bench;

import io.changelake.testkit.KafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.CloseableIterable;

/**
 * The reference for {@code --source kafka --with-reference}: the Apache Iceberg Kafka Connect sink
 * ({@code IcebergSinkConnector} 1.12, one task, {@code DebeziumTransform}) in Kafka Connect's standalone worker, a
 * JVM of its own started like the sync, reading the same topic into an Iceberg Hadoop catalog, its control topic on
 * the same broker. The Apache sink only appends (it has no CDC or upsert mode), so it does not mirror the table: the
 * round ends at the first commit holding every record, which is then read back with Iceberg's reader and counted by
 * the transform's {@code _cdc.op} against the produced events. JSON only: the Avro topics need Confluent's
 * AvroConverter, which is not served here.
 */
final class KafkaReference {
  static final String LABEL = "Apache Iceberg Kafka Connect sink 1.12 (append)";
  private static final TableIdentifier TABLE = TableIdentifier.of("bench", "orders");

  private KafkaReference() { }

  /** Whether the reference can read a topic of this serialization. */
  static boolean reads(String serialization) {
    return serialization.equals("json");
  }

  /**
   * What the sink took. {@code commitSeconds}: launch to the commit holding every record; {@code ops}: the table's
   * records by {@code _cdc.op}, equal to {@code expectedOps}.
   */
  record Result(String round, long records, double commitSeconds, double streamSeconds, ProcStats process,
                int exitCode, int commits, Map<String, Long> ops) {
    double recordsPerSecond() {
      return records / commitSeconds;
    }

    double streamRecordsPerSecond() {
      return records / streamSeconds;
    }

    double recordsPerCpuSecond() {
      return records / process.cpuSeconds();
    }
  }

  /** The {@code _cdc.op} counts an append of every event holds: I for reads and inserts, U, D. */
  static Map<String, Long> expectedOps(KafkaOrders orders) {
    return new TreeMap<>(Map.of("I", orders.events() - orders.updates() - orders.deletes(), "U", orders.updates(),
        "D", orders.deletes()));
  }

  /** Runs the sink on {@code topic} until its table holds every record; {@code keep} keeps its warehouse. */
  static Result run(KafkaBroker broker, KafkaBench.Topic topic, KafkaOrders orders, RoundSettings settings,
                    boolean keep, Consumer<String> log) throws Exception {
    String round = topic.serialization() + "-reference";
    Path dir = settings.runDir().resolve(round);
    Files.createDirectories(dir);
    Path warehouse = dir.resolve("warehouse");
    String control = "control-iceberg-" + topic.serialization();
    broker.createTopic(control, 1);
    Path worker = write(dir.resolve("worker.properties"), workerConf(broker, dir));
    Path sink = write(dir.resolve("iceberg-sink.properties"), sinkConf(topic.name(), warehouse, control,
        settings.commitIntervalMs()));
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + settings.heap(), "-cp", System.getProperty("java.class.path"),
        "org.apache.kafka.connect.cli.ConnectStandalone", worker.toString(), sink.toString());
    log.accept("[" + round + "] " + LABEL + " in ConnectStandalone (log " + dir.resolve("connect.log") + ")");
    try (SyncProcess process = SyncProcess.launch(command, dir.resolve("connect.log"))) {
      HadoopCatalog catalog = new HadoopCatalog(new Configuration(), warehouse.toUri().toString());
      Snapshot complete = awaitAll(catalog, orders.events(), process, settings.timeout());
      ProcStats stats = process.stats();
      int exitCode = process.stop();
      Table table = catalog.loadTable(TABLE);
      int commits = 0;
      long first = Long.MAX_VALUE;
      for (Snapshot s : table.snapshots()) {
        commits++;
        first = Math.min(first, s.timestampMillis());
      }
      Map<String, Long> ops = ops(table, complete.snapshotId());
      if (!ops.equals(expectedOps(orders))) {
        throw new Equality.MismatchException("The Iceberg Kafka Connect sink's table holds " + ops + " records by"
            + " _cdc.op, expected " + expectedOps(orders) + " (see " + dir.resolve("connect.log") + ")");
      }
      double commitSeconds = (complete.timestampMillis() - process.launchedAtMillis()) / 1000.0;
      double streamSeconds = (complete.timestampMillis() - first) / 1000.0;
      Result result = new Result(round, orders.events(), commitSeconds, streamSeconds, stats, exitCode, commits, ops);
      log.accept(String.format(java.util.Locale.ROOT, "[%s] every record committed at %.1f s: %.0f records/s;"
          + " peak RSS %d MiB, CPU %.1f s, %d commits, exit %d; _cdc.op %s", round, commitSeconds,
          result.recordsPerSecond(), stats.peakRssMib(), stats.cpuSeconds(), commits, exitCode, ops));
      return result;
    } finally {
      if (!keep) {
        Dirs.delete(warehouse);
      }
    }
  }

  private static Map<String, String> workerConf(KafkaBroker broker, Path dir) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("bootstrap.servers", broker.bootstrapServers());
    conf.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
    conf.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    conf.put("key.converter.schemas.enable", "true");
    conf.put("value.converter.schemas.enable", "true");
    conf.put("offset.storage.file.filename", dir.resolve("connect.offsets").toString());
    conf.put("offset.flush.interval.ms", "1000");
    conf.put("listeners", "http://127.0.0.1:0");
    conf.put("plugin.discovery", "only_scan");
    return conf;
  }

  /** The settings Iceberg's docs give for Debezium change events, minus what the Apache sink lacks (CDC, upsert). */
  private static Map<String, String> sinkConf(String topic, Path warehouse, String control, long commitMs) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("name", "iceberg-bench");
    conf.put("connector.class", "org.apache.iceberg.connect.IcebergSinkConnector");
    conf.put("tasks.max", "1");
    conf.put("topics", topic);
    conf.put("transforms", "debezium");
    conf.put("transforms.debezium.type", "org.apache.iceberg.connect.transforms.DebeziumTransform");
    conf.put("iceberg.tables", TABLE.toString());
    conf.put("iceberg.tables.auto-create-enabled", "true");
    conf.put("iceberg.catalog.type", "hadoop");
    conf.put("iceberg.catalog.warehouse", warehouse.toUri().toString());
    conf.put("iceberg.control.topic", control);
    conf.put("iceberg.control.commit.interval-ms", Long.toString(commitMs));
    return conf;
  }

  private static Path write(Path file, Map<String, String> conf) throws IOException {
    return Files.writeString(file, conf.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining("\n", "", "\n")));
  }

  /** The first snapshot whose summary counts every record; fails when the worker exits or the timeout passes. */
  private static Snapshot awaitAll(HadoopCatalog catalog, long records, SyncProcess process, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.alive()) {
        throw new IllegalStateException("The Connect worker exited before it committed every record");
      }
      if (catalog.tableExists(TABLE)) {
        Table table = catalog.loadTable(TABLE);
        for (Snapshot s : table.snapshots()) {
          String total = s.summary().get("total-records");
          if (total != null && Long.parseLong(total) >= records) {
            return s;
          }
        }
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("The Iceberg Kafka Connect sink did not commit " + records + " records within "
        + timeout.toSeconds() + " s");
  }

  private static Map<String, Long> ops(Table table, long snapshotId) {
    Map<String, Long> ops = new TreeMap<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).useSnapshot(snapshotId).build()) {
      for (Record row : rows) {
        Record cdc = (Record) row.getField("_cdc");
        ops.merge(String.valueOf(cdc.getField("op")), 1L, Long::sum);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ops;
  }
}
