package io.changelake.bench;

import io.changelake.api.spi.TableSnapshot;
import io.changelake.testkit.KafkaBroker;
import io.changelake.testkit.SchemaRegistryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code --source kafka}: the {@code orders} workload as Debezium change events ({@link KafkaOrders}) produced into
 * one topic of {@link #PARTITIONS} partitions per serialization (JSON, Avro through the test kit's registry) on the
 * test kit's in-process broker, before any sync runs; then, per serialization and lake format, a plain consumer
 * reading the topic as fast as it can (the broker's limit) and changelake syncing it, timed from launch to the lake
 * commit whose digest equals the expected table's. See bench/README.md.
 */
final class KafkaBench {
  static final String NAME = "kafka";
  static final int PARTITIONS = 4;

  private final RoundSettings settings;
  private final List<String> formats;
  private final Changelake changelake;
  private final boolean keep;
  private final boolean withReference;
  private final Consumer<String> log;

  /**
   * @param keep keep the warehouses (logs stay either way)
   * @param withReference also run {@link KafkaReference} on each topic it can read
   */
  KafkaBench(RoundSettings settings, List<String> formats, Changelake changelake, boolean keep,
             boolean withReference, Consumer<String> log) {
    this.settings = settings;
    this.formats = formats;
    this.changelake = changelake;
    this.keep = keep;
    this.withReference = withReference;
    this.log = log;
  }

  /** What one topic took to fill. */
  record Topic(String name, String serialization, Rate produced, long bytes) { }

  /** One sync of one topic into one format; every figure counts only because the digests matched. */
  record Result(Topic topic, String format, Rate consumed, double detectedSeconds, double commitSeconds,
                double streamSeconds, ProcStats process, int exitCode, int commits, String digest, String selfCheck) {
    double recordsPerSecond() {
      return topic.produced().count() / commitSeconds;
    }

    /** Records per second from the sync's first lake commit (it reads from then on) to the equal commit. */
    double streamRecordsPerSecond() {
      return topic.produced().count() / streamSeconds;
    }

    double recordsPerCpuSecond() {
      return topic.produced().count() / process.cpuSeconds();
    }
  }

  /** The syncs in order (serialization, then format) and the reference rounds, by serialization. */
  record Results(List<Result> syncs, List<KafkaReference.Result> references) { }

  /** Runs every round. */
  Results run() throws Exception {
    KafkaOrders orders = new KafkaOrders(settings.rows(), settings.changes());
    String expectedDigest = expectedDigest(orders);
    log.accept("expected table digest " + expectedDigest);
    List<Result> results = new ArrayList<>();
    List<KafkaReference.Result> references = new ArrayList<>();
    try (KafkaBroker broker = KafkaBroker.start(); SchemaRegistryServer registry = SchemaRegistryServer.start()) {
      for (String serialization : List.of("json", "avro")) {
        String name = KafkaOrders.SERVER + "-" + serialization + ".public.orders";
        KafkaSerialization serializer = serialization.equals("json") ? KafkaSerialization.json()
            : KafkaSerialization.avro(registry, name);
        Topic topic = produce(broker, name, serializer, orders);
        for (String format : formats) {
          results.add(sync(broker, topic, serializer, format, orders, expectedDigest));
        }
        if (withReference && KafkaReference.reads(serialization)) {
          references.add(KafkaReference.run(broker, topic, orders, settings, keep, log));
        } else if (withReference) {
          log.accept("[" + serialization + "-reference] not run: " + KafkaReference.LABEL + " reads JSON topics"
              + " only here");
        }
      }
    }
    return new Results(results, references);
  }

  private Topic produce(KafkaBroker broker, String name, KafkaSerialization serializer, KafkaOrders orders) {
    broker.createTopic(name, PARTITIONS);
    Properties properties = new Properties();
    properties.put("bootstrap.servers", broker.bootstrapServers());
    properties.put("acks", "all");
    properties.put("enable.idempotence", "true");
    properties.put("linger.ms", "20");
    properties.put("batch.size", Integer.toString(256 * 1024));
    properties.put("buffer.memory", Long.toString(64L * 1024 * 1024));
    long[] bytes = new long[1];
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(),
        new ByteArraySerializer())) {
      RuntimeException[] failure = new RuntimeException[1];
      orders.emit(event -> {
        byte[] key = serializer.key(name, event);
        byte[] value = serializer.value(name, event);
        bytes[0] += key.length + value.length;
        producer.send(new ProducerRecord<>(name, key, value), (metadata, e) -> {
          if (e != null) {
            failure[0] = new IllegalStateException("Producing to " + name + " failed: " + e.getMessage(), e);
          }
        });
      });
      producer.flush();
      if (failure[0] != null) {
        throw failure[0];
      }
    }
    Rate rate = new Rate(orders.events(), Sql.since(start), Dirs.mib(bytes[0]));
    log.accept(String.format(Locale.ROOT, "[%s] produced %d records (%s) in %.1f s: %.0f records/s", name,
        rate.count(), rate.detail(), rate.seconds(), rate.perSecond()));
    return new Topic(name, serializer.name(), rate, bytes[0]);
  }

  /** The broker's limit: one plain consumer reading every partition from the start to its end, bytes discarded. */
  static Rate consume(KafkaBroker broker, String topic) {
    Properties properties = new Properties();
    properties.put("bootstrap.servers", broker.bootstrapServers());
    properties.put("max.poll.records", "10000");
    properties.put("max.partition.fetch.bytes", Integer.toString(8 * 1024 * 1024));
    properties.put("fetch.max.bytes", Integer.toString(64 * 1024 * 1024));
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      long start = System.nanoTime();
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      long records = 0;
      long bytes = 0;
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Could not read " + topic + " to its end within 10 minutes");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          records++;
          bytes += (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
        }
      }
      return new Rate(records, Sql.since(start), Dirs.mib(bytes));
    }
  }

  private Result sync(KafkaBroker broker, Topic topic, KafkaSerialization serializer, String format,
                      KafkaOrders orders, String expectedDigest) throws Exception {
    String round = topic.serialization() + "-" + format;
    Rate consumed = consume(broker, topic.name());
    log.accept(String.format(Locale.ROOT, "[%s] broker consume rate: %d records (%s) in %.2f s, %.0f records/s",
        round, consumed.count(), consumed.detail(), consumed.seconds(), consumed.perSecond()));
    Path dir = settings.runDir().resolve(round);
    Files.createDirectories(dir);
    Path warehouse = dir.resolve("warehouse");
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("bootstrap.servers", broker.bootstrapServers());
    conf.put("topics", topic.name());
    conf.put("envelope", "debezium");
    conf.put("name", "bench-" + round);
    conf.putAll(serializer.sourceConf());
    List<String> args = new ArrayList<>(List.of("--source", NAME));
    conf.forEach((k, v) -> args.addAll(List.of("--source-conf", k + "=" + v)));
    SyncProcess.Settings sync = new SyncProcess.Settings(format, warehouse, settings.commitIntervalMs(),
        settings.heap(), "bench_" + format);
    try (LakeTable lake = new LakeTable(format, warehouse);
        SyncProcess process = SyncProcess.start(changelake, args, sync, dir.resolve("sync.log"))) {
      long lastId = orders.lastInsertedId();
      Equality.Match match = Equality.await(lake, () -> expectedDigest, () -> lake.contains(lastId),
          process.launchedNanos(), settings.timeout(),
          process::alive, () -> Equality.compare(fingerprints(orders), lake));
      double commitSeconds = (match.committedAt().toEpochMilli() - process.launchedAtMillis()) / 1000.0;
      ProcStats stats = process.stats();
      int exitCode = process.stop();
      List<TableSnapshot> snapshots = lake.snapshots();
      int commits = snapshots.size();
      Instant firstCommit = snapshots.stream().map(TableSnapshot::committedAt).min(Instant::compareTo)
          .orElse(match.committedAt());
      double streamSeconds = (match.committedAt().toEpochMilli() - firstCommit.toEpochMilli()) / 1000.0;
      log.accept(String.format(Locale.ROOT, "[%s] SYNC equal to the produced rows at commit %.1f s: %.0f records/s"
          + " = %.3f x the broker's consume rate; peak RSS %d MiB, CPU %.1f s, exit %d", round, commitSeconds,
          orders.events() / commitSeconds, orders.events() / commitSeconds / consumed.perSecond(),
          stats.peakRssMib(), stats.cpuSeconds(), exitCode));
      String selfCheck = settings.selfCheck() ? selfCheck(orders, lake, expectedDigest) : null;
      if (selfCheck != null) {
        log.accept("[" + round + "] " + selfCheck);
      }
      return new Result(topic, format, consumed, match.detectedSeconds(), commitSeconds, streamSeconds, stats,
          exitCode, commits, match.digest(), selfCheck);
    } finally {
      if (!keep) {
        Dirs.delete(warehouse);
      }
    }
  }

  private static String expectedDigest(KafkaOrders orders) {
    Digest digest = new Digest(false);
    orders.expected(digest::add);
    return digest.value();
  }

  private static Map<Long, Long> fingerprints(KafkaOrders orders) {
    Map<Long, Long> rows = new HashMap<>();
    orders.expected(row -> rows.put(row.id(), row.fingerprint()));
    return rows;
  }

  /**
   * Proves the check can fail: the expected rows with one row's quantity + 1 (the lake never saw that change) must
   * give another digest, and the full comparison must name that row.
   */
  private static String selfCheck(KafkaOrders orders, LakeTable lake, String expectedDigest) {
    Digest digest = new Digest(false);
    long[] corrupted = {-1};
    Map<Long, Long> rows = new HashMap<>();
    orders.expected(row -> {
      OrderRow r = row;
      if (corrupted[0] < 0) {
        corrupted[0] = row.id();
        r = new OrderRow(row.id(), row.customerId(), row.quantity() + 1, row.price(), row.status(), row.note(),
            row.paid(), row.orderDate(), row.createdAt(), row.updatedAt(), row.shippedAt(), row.tracking(),
            row.weight(), row.score(), null, null);
      }
      digest.add(r);
      rows.put(r.id(), r.fingerprint());
    });
    String lakeDigest = lake.digest();
    if (!lakeDigest.equals(expectedDigest) || digest.value().equals(lakeDigest)) {
      throw new Equality.MismatchException("SELF-CHECK FAILED: expected row id " + corrupted[0] + " changed, the"
          + " digest of the lake (" + lakeDigest + ") " + (lakeDigest.equals(expectedDigest)
          ? "still equals the corrupted expectation" : "no longer equals the produced rows"));
    }
    String comparison = Equality.compare(rows, lake);
    if (!comparison.contains("id " + corrupted[0] + " differs")) {
      throw new Equality.MismatchException("SELF-CHECK FAILED: expected row id " + corrupted[0]
          + " was changed but the full comparison did not name it: " + comparison);
    }
    return "passed: expected row id " + corrupted[0] + " changed (quantity + 1) -> digest mismatch detected; "
        + comparison.replaceAll(": lake row .*", "");
  }

  /** The results block of a run. */
  static String render(RunInfo run, RoundSettings settings, Results all, String changelake, String loadAtEnd) {
    List<Result> results = all.syncs();
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%n### %s — commit %s — SOURCE=kafka ROWS=%d CHANGES=%d RECORDS=%d"
            + " PARTITIONS=%d COMMIT_INTERVAL=%dms%n%n", run.date(), run.commit(), settings.rows(), settings.changes(),
        settings.rows() + settings.changes(), PARTITIONS, settings.commitIntervalMs()));
    out.append(String.format(Locale.ROOT, "Machine: %s; load avg start→end: %s → %s. Kafka broker: changelake-testkit"
            + " KafkaBroker (in-process KRaft, 1 node), schema registry: changelake-testkit SchemaRegistryServer."
            + " %s; sync JVM -Xmx%s (%s). Debezium envelopes (op=r for the rows, then the changes), key and value"
            + " in the same format.%n%n", run.machine(), run.loadAtStart(), loadAtEnd, run.java(), settings.heap(),
        changelake));
    out.append("| figure |");
    results.forEach(r -> out.append(" ").append(r.topic().serialization()).append(" → ").append(r.format())
        .append(" |"));
    out.append("\n| --- |").append(" --- |".repeat(results.size())).append('\n');
    row(out, results, "topic: records, key+value bytes", r -> r.topic().produced().count() + ", "
        + r.topic().produced().detail());
    row(out, results, "producer (serialize + send, acks=all, before the sync)", r -> fmt("%.1f s, %.0f records/s",
        r.topic().produced().seconds(), r.topic().produced().perSecond()));
    row(out, results, "broker consume rate (plain KafkaConsumer, bytes discarded) — limit", r -> fmt(
        "%.2f s, %.0f records/s", r.consumed().seconds(), r.consumed().perSecond()));
    row(out, results, "SYNC: launch → commit equal to the produced rows", r -> fmt(
        "%.1f s → %.0f records/s = %.3f × consume (digest equal seen at %.1f s)", r.commitSeconds(),
        r.recordsPerSecond(), r.recordsPerSecond() / r.consumed().perSecond(), r.detectedSeconds()));
    row(out, results, "target ≥ 100k records/s", r -> r.recordsPerSecond() >= 100_000 ? "met" : "missed");
    row(out, results, "streaming: first lake commit (reading starts) → commit equal", r -> fmt(
        "%.1f s → %.0f records/s", r.streamSeconds(), r.streamRecordsPerSecond()));
    row(out, results, "sync peak RSS (VmHWM) / RSS at end (target ≤ 768 MiB)", r -> r.process().peakRssMib()
        + " MiB / " + r.process().rssMib() + " MiB");
    row(out, results, "sync CPU total / records per CPU-second", r -> fmt("%.1f s / %.0f", r.process().cpuSeconds(),
        r.recordsPerCpuSecond()));
    row(out, results, "lake commits", r -> Integer.toString(r.commits()));
    row(out, results, "sync exit code after SIGTERM", r -> Integer.toString(r.exitCode()));
    out.append('\n');
    Result first = results.get(0);
    out.append("Digest of the produced table: `").append(first.digest()).append("` (matched in every lake table).\n");
    results.stream().filter(r -> r.selfCheck() != null).forEach(r -> out.append("Self-check (")
        .append(r.topic().serialization()).append(" → ").append(r.format()).append("): ").append(r.selfCheck())
        .append('\n'));
    all.references().forEach(reference -> renderReference(out, settings, results, reference));
    return out.toString();
  }

  /** The reference beside changelake's Iceberg round on the same topic, and their ratios. */
  private static void renderReference(StringBuilder out, RoundSettings settings, List<Result> results,
                                      KafkaReference.Result reference) {
    Result sync = results.stream().filter(r -> reference.round().startsWith(r.topic().serialization() + "-")
        && r.format().equals("iceberg")).findFirst().orElse(null);
    out.append(String.format(Locale.ROOT, "%nReference on the %s topic: %s, `IcebergSinkConnector` in Kafka"
            + " Connect 4.3's `ConnectStandalone` (its own JVM, -Xmx%s), tasks.max=1, `DebeziumTransform`, Hadoop"
            + " catalog on local disk, `iceberg.control.commit.interval-ms=%d`, control topic on the same broker,"
            + " Connect's consumer defaults. The Apache sink has no CDC/upsert mode: it APPENDS every event"
            + " (%d records, `_cdc.op` %s checked by reading the table back), it does not mirror the table.%n%n",
        reference.round().replace("-reference", ""), KafkaReference.LABEL, settings.heap(),
        settings.commitIntervalMs(), reference.records(), reference.ops()));
    String syncHeader = sync == null ? "(no changelake Iceberg round)" : sync.topic().serialization() + " → iceberg:"
        + " changelake (mirror)";
    out.append("| figure | ").append(syncHeader).append(" | reference: Iceberg Kafka Connect sink (append) |\n")
        .append("| --- | --- | --- |\n");
    referenceRow(out, "launch → every record in the lake", sync == null ? "" : fmt("%.1f s → %.0f records/s"
        + " (equal commit)", sync.commitSeconds(), sync.recordsPerSecond()), fmt("%.1f s → %.0f records/s"
        + " (commit holding every record)", reference.commitSeconds(), reference.recordsPerSecond()));
    referenceRow(out, "× broker consume rate", sync == null ? "" : fmt("%.3f", sync.recordsPerSecond()
        / sync.consumed().perSecond()), sync == null ? "" : fmt("%.3f", reference.recordsPerSecond()
        / sync.consumed().perSecond()));
    referenceRow(out, "first lake commit → complete", sync == null ? "" : fmt("%.1f s → %.0f records/s",
        sync.streamSeconds(), sync.streamRecordsPerSecond()), fmt("%.1f s → %.0f records/s",
        reference.streamSeconds(), reference.streamRecordsPerSecond()));
    referenceRow(out, "peak RSS (VmHWM) / RSS at end", sync == null ? "" : sync.process().peakRssMib() + " MiB / "
        + sync.process().rssMib() + " MiB", reference.process().peakRssMib() + " MiB / "
        + reference.process().rssMib() + " MiB");
    referenceRow(out, "CPU total / records per CPU-second / µs CPU per record", sync == null ? "" : cpu(
        sync.process(), sync.topic().produced().count()), cpu(reference.process(), reference.records()));
    referenceRow(out, "lake commits", sync == null ? "" : Integer.toString(sync.commits()),
        Integer.toString(reference.commits()));
    referenceRow(out, "exit code after SIGTERM", sync == null ? "" : Integer.toString(sync.exitCode()),
        Integer.toString(reference.exitCode()));
    if (sync != null) {
      referenceRow(out, "changelake ÷ reference: records/s (launch → complete)", fmt("%.2f",
          sync.recordsPerSecond() / reference.recordsPerSecond()), "1");
      referenceRow(out, "changelake ÷ reference: CPU per record", fmt("%.2f", sync.process().cpuSeconds()
          / sync.topic().produced().count() / (reference.process().cpuSeconds() / reference.records())), "1");
    }
  }

  private static String cpu(ProcStats process, long records) {
    return fmt("%.1f s / %.0f / %.1f", process.cpuSeconds(), records / process.cpuSeconds(),
        process.cpuSeconds() * 1e6 / records);
  }

  private static void referenceRow(StringBuilder out, String label, String sync, String reference) {
    out.append("| ").append(label).append(" | ").append(sync).append(" | ").append(reference).append(" |\n");
  }

  private static void row(StringBuilder out, List<Result> results, String label,
                          java.util.function.Function<Result, String> value) {
    out.append("| ").append(label).append(" |");
    results.forEach(r -> out.append(' ').append(value.apply(r)).append(" |"));
    out.append('\n');
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

}
