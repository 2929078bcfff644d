package io.changelake.source.kafka;

import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableId;
import io.changelake.api.spi.ChangeListener;
import io.changelake.api.spi.Source;
import io.changelake.api.spi.SourceAdvice;
import io.changelake.api.spi.SourceException;
import io.changelake.api.spi.SourceMetric;
import io.changelake.api.spi.SourceTable;
import io.changelake.api.spi.TableFilter;
import io.changelake.debezium.ChangeRecordDecoder;
import io.changelake.debezium.DecodedChange;
import io.changelake.debezium.FieldValues;
import io.changelake.debezium.FieldValuesReader;
import io.changelake.debezium.MalformedRecordException;
import io.changelake.source.kafka.registry.SchemaRegistryClient;
import io.changelake.source.kafka.registry.SubjectCompatibility;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.storage.Converter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka topics as a change stream. One consumer thread reads every partition of the selected topics by
 * {@code assign} and {@code seek} (never a group subscription, never auto-commit): where each partition resumes
 * comes from the table commits ({@link KafkaPosition}); the consumer group's offsets are only written on
 * {@link #acknowledge}, for monitoring tools. Each record's key and value are converted to Kafka Connect data by
 * the configured {@link Converter}s, then decoded by the envelope's {@link ChangeRecordDecoder}. When the decoder
 * {@link ChangeRecordDecoder#readsFieldValues() reads field values} and the value converter is also a {@link
 * FieldValuesReader}, the value is read straight into field values instead where that reader can.
 *
 * <p>Tables come from the records: {@link #discover()} decodes the newest record of each partition, so an empty
 * topic is refused (its columns cannot be known). A topic whose records name several source tables yields one
 * lake table per source table; a record naming a table {@link #discover()} did not see stops the sync with a
 * message (restart it to add the table).
 *
 * <p>A record the converters or the decoder cannot read goes to {@link BadRecords}, which carries out
 * {@code on-error}: the sync stops, the raw record becomes a change of the {@link ErrorsTable} (declared by
 * {@link #discover()} as a table the source owns), or the listener suspends the record's table at it.
 *
 * <p>A table none of whose lake tables holds a commit yet (its topic just added to the pipeline, or its lake
 * tables dropped) is {@linkplain #startsTablesAlone() started alone}: its topics are read from
 * {@code auto.offset.reset} while every other partition resumes where its tables stand ({@link #resumeOffset}).
 *
 * <p>A restart resumes every partition at the lowest vector a table holds, and the consumer interleaves
 * partitions differently than before. A table whose commit was further along must never commit a vector behind
 * its own in any partition (it would take records it holds again). So the reader first catches up through the
 * committed vectors it was given ({@link #parsePosition}), in order: it reads each partition only up to the
 * next committed vector, pausing the partitions that reached it, and moves on once all have. Within one run the
 * committed vectors only grow, so they are ordered and every table that takes a record during the catch-up
 * holds a vector no further than the one being read.
 *
 * <p>{@link #metrics()} runs on the caller's thread with an {@link Admin} client of its own (the consumer is
 * not thread-safe and belongs to the reader).
 */
final class KafkaSource implements Source {
  private static final SourceAdvice ADVICE = new KafkaAdvice();
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSource.class);
  private static final Duration POLL = Duration.ofMillis(200);
  /** The longest {@link #metrics()} waits for the brokers (runtimes call it every few seconds). */
  private static final Duration METRICS_WAIT = Duration.ofSeconds(10);
  /** Records read at a time, backwards from a partition's end, to find the newest that carries a change. */
  private static final int NEWEST_WINDOW = 100;

  private final KafkaSourceConfig config;
  private final TableFilter filter;
  private final Supplier<ChangeRecordDecoder> decoders;
  private final Converter keys;
  private final Converter values;
  private final FieldValuesReader fieldValues;
  private final AtomicReference<KafkaPosition> toAcknowledge = new AtomicReference<>();
  /** The newest acknowledged vector, for {@link #metrics()}; null until the first acknowledgement. */
  private volatile KafkaPosition acknowledged;
  /** The vector {@link #start} began at, for {@link #metrics()}; null until then. */
  private volatile KafkaPosition started;
  private final List<TopicPartition> partitions = new ArrayList<>();
  private final Set<TableId> tables = new TreeSet<>();
  private final Set<KafkaPosition> committed = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** The tables each topic feeds, found by {@link #discover()} (before the filter). */
  private final Map<String, Set<TableId>> topicTables = new LinkedHashMap<>();
  private final ErrorsTable errors;
  private final BadRecords badRecords;
  private volatile boolean stopping;
  private KafkaConsumer<byte[], byte[]> consumer;
  private Thread reader;
  private SchemaRegistryClient registry;
  /** The unread topics {@link #metrics()} logged, each once. */
  private final Set<String> unreadLogged = ConcurrentHashMap.newKeySet();
  /** The client {@link #metrics()} asks for end offsets, made on first use; guarded by this. */
  private Admin admin;

  KafkaSource(KafkaSourceConfig config, TableFilter filter, Supplier<ChangeRecordDecoder> decoders) {
    this.config = config;
    this.filter = filter;
    this.decoders = decoders;
    this.keys = KafkaFormats.converter(config.keyFormat(), true, this::registry);
    this.values = KafkaFormats.converter(config.valueFormat(), false, this::registry);
    this.fieldValues = values instanceof FieldValuesReader reader ? reader : FieldValuesReader.NONE;
    this.errors = config.onError() == OnError.SKIP ? ErrorsTable.of(config) : null;
    this.badRecords = new BadRecords(config.onError(), errors, filter, topicTables);
  }

  /** The schema registry client the registry formats share, made on first use. */
  private SchemaRegistryClient registry() {
    if (registry == null) {
      registry = new SchemaRegistryClient(config.registry());
    }
    return registry;
  }

  @Override
  public List<SourceTable> discover() {
    consumer = new KafkaConsumer<>(config.consumerProperties());
    Map<String, List<PartitionInfo>> existing = listTopics();
    List<String> selected = select(existing);
    for (String topic : selected) {
      if (KafkaFormats.usesRegistry(config.keyFormat())) {
        new SubjectCompatibility(registry()).check(topic, true);
      }
      if (KafkaFormats.usesRegistry(config.valueFormat())) {
        new SubjectCompatibility(registry()).check(topic, false);
      }
    }
    existing.entrySet().stream().filter(e -> selected.contains(e.getKey()))
        .forEach(e -> e.getValue().forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition()))));
    partitions.sort(Comparator.comparing(TopicPartition::toString));
    Map<TableId, SourceTable> found = new LinkedHashMap<>();
    ChangeRecordDecoder decoder = decoders.get();
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, config.connectTimeout());
    Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions, config.connectTimeout());
    for (String topic : selected) {
      List<TopicPartition> ofTopic = partitions.stream().filter(p -> p.topic().equals(topic)).toList();
      boolean empty = true;
      for (TopicPartition partition : ofTopic) {
        if (ends.get(partition) > starts.get(partition)) {
          empty = false;
          newest(partition, starts.get(partition), ends.get(partition), decoder).ifPresent(change -> {
            found.putIfAbsent(change.table(), new SourceTable(change.table(), change.schema(), -1));
            topicTables.computeIfAbsent(topic, t -> new TreeSet<>()).add(change.table());
          });
        }
      }
      if (empty) {
        throw new SourceException("Kafka topic " + topic + " holds no record, so its columns are unknown: produce"
            + " its first record before the sync starts, or leave the topic out.");
      }
    }
    List<SourceTable> result = new ArrayList<>(found.values().stream().filter(t -> filter.test(t.id())).toList());
    result.forEach(t -> tables.add(t.id()));
    if (errors != null) {
      result.add(errors.declared());
    }
    return result;
  }

  /** The topics and their partitions read, and the consumer group; nothing is created in the brokers. */
  @Override
  public List<String> capturePlan() {
    Map<String, Long> counts = new TreeMap<>();
    partitions.forEach(p -> counts.merge(p.topic(), 1L, Long::sum));
    List<String> plan = new ArrayList<>();
    counts.forEach((topic, n) -> plan.add("topic " + topic + ": " + n + " partition" + (n == 1 ? "" : "s") + ", read"));
    plan.add("consumer group '" + config.name() + "': mirrors the offsets the lake commits hold; nothing is created"
        + " in the brokers");
    return plan;
  }

  private Map<String, List<PartitionInfo>> listTopics() {
    try {
      return consumer.listTopics(config.connectTimeout());
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw new SourceException("The Kafka brokers at " + config.bootstrapServers() + " did not answer within "
          + config.connectTimeout().toSeconds() + " s. Check bootstrap.servers, that the brokers run, and the"
          + " consumer.security.* / consumer.sasl.* options.", e);
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new SourceException("Cannot reach the Kafka brokers at " + config.bootstrapServers() + ": "
          + e.getMessage(), e);
    }
  }

  private List<String> select(Map<String, List<PartitionInfo>> existing) {
    if (config.topicPattern() == null) {
      for (String topic : config.topics()) {
        if (!existing.containsKey(topic)) {
          List<String> similar = existing.keySet().stream().filter(t -> !t.startsWith("__"))
              .filter(t -> similar(t, topic)).sorted().limit(5).toList();
          throw new SourceException("Kafka topic " + topic + " does not exist at " + config.bootstrapServers()
              + "." + (similar.isEmpty() ? "" : " Similar topics: " + String.join(", ", similar) + "."));
        }
      }
      return config.topics();
    }
    List<String> matched = existing.keySet().stream().filter(t -> config.topicPattern().matcher(t).matches())
        .sorted().toList();
    if (matched.isEmpty()) {
      throw new SourceException("No Kafka topic at " + config.bootstrapServers() + " matches topic.pattern "
          + config.topicPattern() + " (matched against the whole name).");
    }
    return matched;
  }

  private static boolean similar(String a, String b) {
    String x = a.toLowerCase(java.util.Locale.ROOT);
    String y = b.toLowerCase(java.util.Locale.ROOT);
    return x.contains(y) || y.contains(x) || x.endsWith(y.substring(y.lastIndexOf('.') + 1));
  }

  /**
   * The change of the newest record of {@code partition} that carries one (records such as a delete's tombstone
   * carry none), reading back from {@code end} a window at a time; empty when none does.
   */
  private Optional<DecodedChange> newest(TopicPartition partition, long start, long end, ChangeRecordDecoder decoder) {
    consumer.assign(List.of(partition));
    for (long to = end; to > start; to = Math.max(start, to - NEWEST_WINDOW)) {
      long from = Math.max(start, to - NEWEST_WINDOW);
      consumer.seek(partition, from);
      List<ConsumerRecord<byte[], byte[]>> window = new ArrayList<>();
      long deadline = System.nanoTime() + config.connectTimeout().toNanos();
      while (consumer.position(partition) < to) {
        if (System.nanoTime() > deadline) {
          throw new SourceException("Could not read the newest records of Kafka partition " + partition + " within "
              + config.connectTimeout().toSeconds() + " s.");
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
          if (record.offset() < to) {
            window.add(record);
          }
        }
      }
      // newest first, so that older records (possibly before every table's position) are not decoded
      for (int i = window.size() - 1; i >= 0; i--) {
        Optional<DecodedChange> change = newest(window.get(i), decoder);
        if (change.isPresent()) {
          return change;
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The change of a record read to learn a table's columns; with {@code on-error} other than fail, a record
   * that cannot be read is passed over (the sync meets it again and handles it then).
   */
  private Optional<DecodedChange> newest(ConsumerRecord<byte[], byte[]> record, ChangeRecordDecoder decoder) {
    try {
      return decode(record, decoder);
    } catch (UnreadableRecordException e) {
      if (config.onError() == OnError.FAIL) {
        throw new SourceException(e.reason() + ". Fix: correct what produces the topic, or set on-error=skip or"
            + " on-error=suspend, then restart the sync.", e);
      }
      LOG.warn("Passed over {} while learning the columns of topic {}: {}", BadRecords.where(record), record.topic(),
          e.reason());
      return Optional.empty();
    }
  }

  /**
   * The change {@code record} holds, if any.
   *
   * @throws UnreadableRecordException when the converters or the decoder cannot read it
   */
  private Optional<DecodedChange> decode(ConsumerRecord<byte[], byte[]> record, ChangeRecordDecoder decoder) {
    try {
      SchemaAndValue key = keys.toConnectData(record.topic(), record.headers(), record.key());
      FieldValues read = decoder.readsFieldValues() ? fieldValues.read(record.topic(), record.value()) : null;
      SchemaAndValue value = read != null ? new SchemaAndValue(read.schema(), read)
          : values.toConnectData(record.topic(), record.headers(), record.value());
      return decoder.decode(new SinkRecord(record.topic(), record.partition(), key.schema(), key.value(),
          value.schema(), value.value(), record.offset(), record.timestamp(), record.timestampType()));
    } catch (DataException | MalformedRecordException e) {
      throw new UnreadableRecordException("Kafka record " + BadRecords.where(record) + " cannot be read as "
          + config.envelope() + " (key.format=" + config.keyFormat() + ", value.format=" + config.valueFormat()
          + "): " + e.getMessage(), e);
    }
  }

  @Override
  public void start(Optional<SourcePosition> resumeFrom, ChangeListener listener) {
    start(resumeFrom, Set.of(), Set.of(), listener);
  }

  /** A topic added to the pipeline (or a table whose lake tables were dropped) is read from its start alone. */
  @Override
  public boolean startsTablesAlone() {
    return true;
  }

  /**
   * Seeks each partition to where the tables it feeds need it ({@link #resumeOffset}), those no vector places at
   * {@code auto.offset.reset}, and reads from there on a thread of its own.
   *
   * @throws UnsupportedOperationException when asked to copy tables: a topic holds changes, not a table to copy
   */
  @Override
  public void start(Optional<SourcePosition> resumeFrom, Set<TableId> copies, Set<TableId> starts,
      ChangeListener listener) {
    if (!copies.isEmpty()) {
      throw new UnsupportedOperationException("The Kafka source does not copy tables alone; it starts them alone");
    }
    Set<String> fromStart = new TreeSet<>();
    topicTables.forEach((topic, fed) -> {
      if (fed.stream().anyMatch(starts::contains)) {
        fromStart.add(topic);
      }
    });
    if (!fromStart.isEmpty()) {
      LOG.info("Reading topic(s) {} from auto.offset.reset={} for {}, which hold no commit yet", fromStart,
          config.fromEarliest() ? "earliest" : "latest", starts);
    }
    consumer.assign(partitions);
    List<TopicPartition> unheld = new ArrayList<>();
    for (TopicPartition partition : partitions) {
      long next = resumeOffset(partition, resumeFrom.map(KafkaPosition.class::cast),
          fromStart.contains(partition.topic()));
      if (next >= 0) {
        consumer.seek(partition, next);
      } else {
        unheld.add(partition);
      }
    }
    // an empty collection would mean every assigned partition
    if (!unheld.isEmpty() && config.fromEarliest()) {
      consumer.seekToBeginning(unheld);
    } else if (!unheld.isEmpty()) {
      consumer.seekToEnd(unheld);
    }
    Map<TopicPartition, Long> start = new LinkedHashMap<>();
    partitions.forEach(p -> start.put(p, consumer.position(p, config.connectTimeout())));
    KafkaPosition first = KafkaPosition.of(start);
    started = first;
    LOG.info("Reading {} Kafka partitions from {}", partitions.size(), first.describe());
    ChangeRecordDecoder decoder = decoders.get();
    List<KafkaPosition> stops = committed.stream().filter(p -> ahead(p, first)).sorted().toList();
    reader = new Thread(() -> read(first, stops, decoder, listener), "changelake-kafka");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * The offset {@code partition} resumes at, or -1 to start it at {@code auto.offset.reset}:
   * <ul>
   *   <li>a partition of a topic that feeds a table started alone ({@code fromStart}): -1, so that the table reads
   *       the topic from its start (the topic's other tables skip what they hold); with {@code latest}, the offset
   *       {@code resumeFrom} holds for it when it holds one, as the topic's other tables may need those records;
   *   <li>otherwise the offset {@code resumeFrom} holds for it;
   *   <li>when {@code resumeFrom} holds no partition of the topic at all, it is the commit of a table from before the
   *       topic was added to the pipeline, a table the topic does not feed: the lowest offset any committed vector
   *       holds for the partition, those vectors coming from runs that read the topic (so a topic added to the
   *       pipeline is not read again while the tables from before it commit nothing). -1 when none holds it;
   *   <li>-1 for a partition added to a topic the vector holds.
   * </ul>
   */
  private long resumeOffset(TopicPartition partition, Optional<KafkaPosition> resumeFrom, boolean fromStart) {
    long next = resumeFrom.map(p -> p.nextOffset(partition)).orElse(-1L);
    if (fromStart) {
      return config.fromEarliest() ? -1 : next;
    }
    if (next >= 0 || resumeFrom.isEmpty()
        || resumeFrom.get().offsets().keySet().stream().anyMatch(p -> p.topic().equals(partition.topic()))) {
      return next;
    }
    return committed.stream().mapToLong(p -> p.nextOffset(partition)).filter(o -> o >= 0).min().orElse(-1L);
  }

  /** Whether {@code vector} is ahead of {@code first} in some partition read: a vector to catch up through. */
  private boolean ahead(KafkaPosition vector, KafkaPosition first) {
    return partitions.stream().anyMatch(p -> vector.nextOffset(p) > first.nextOffset(p));
  }

  private void read(KafkaPosition first, List<KafkaPosition> stops, ChangeRecordDecoder decoder,
      ChangeListener listener) {
    KafkaPosition position = first;
    CatchUp catchUp = new CatchUp(stops);
    try {
      listener.onProgress(position);
      while (!stopping) {
        catchUp.pauseAt(position);
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        for (TopicPartition partition : records.partitions()) {
          for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
            if (catchUp.beyond(partition, record.offset())) {
              consumer.seek(partition, record.offset());
              break;
            }
            position = position.afterRecord(partition, record.offset());
            emit(record, decoder, position, listener);
          }
        }
        for (TopicPartition partition : partitions) {
          if (!catchUp.beyond(partition, position.nextOffset(partition))) {
            position = position.at(partition, Math.max(position.nextOffset(partition), consumer.position(partition)));
          }
        }
        listener.onProgress(position);
        commitAcknowledged();
      }
    } catch (WakeupException e) {
      // closing
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (!stopping) {
        listener.onFailure(e);
      }
    }
  }

  private void emit(ConsumerRecord<byte[], byte[]> record, ChangeRecordDecoder decoder, KafkaPosition position,
      ChangeListener listener) throws InterruptedException {
    Optional<DecodedChange> change;
    try {
      change = decode(record, decoder);
    } catch (UnreadableRecordException e) {
      badRecords.handle(record, e, position, listener);
      return;
    }
    if (change.isEmpty() || !filter.test(change.get().table())) {
      return;
    }
    if (!tables.contains(change.get().table())) {
      throw new SourceException("Kafka record " + record.topic() + "-" + record.partition() + "@"
          + record.offset() + " changes table " + change.get().table() + ", which was not among the tables"
          + " found when the sync started (" + tables + "): several source tables share the topic."
          + " Restart the sync to mirror it too, or exclude it with --exclude.");
    }
    listener.onChange(change.get().at(position));
  }

  /** The catch-up through committed vectors after a restart (see the class comment); consumer thread only. */
  private final class CatchUp {
    private final List<KafkaPosition> stops;
    private int next;

    CatchUp(List<KafkaPosition> stops) {
      this.stops = stops;
    }

    /** Whether {@code offset} of {@code partition} lies beyond the vector being caught up to. */
    boolean beyond(TopicPartition partition, long offset) {
      return next < stops.size() && offset >= stops.get(next).nextOffset(partition);
    }

    /** Pauses the partitions that reached the vector, moving to the next vector once all have. */
    void pauseAt(KafkaPosition position) {
      while (next < stops.size() && partitions.stream().allMatch(p -> beyond(p, position.nextOffset(p)))) {
        LOG.info("Caught up to {}", stops.get(next).describe());
        next++;
      }
      List<TopicPartition> paused = partitions.stream().filter(p -> beyond(p, position.nextOffset(p))).toList();
      consumer.resume(partitions);
      consumer.pause(paused);
    }
  }

  /** Mirrors the acknowledged vector into the consumer group, for monitoring (asynchronous, best effort). */
  private void commitAcknowledged() {
    KafkaPosition acknowledged = toAcknowledge.getAndSet(null);
    if (acknowledged != null) {
      Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
      acknowledged.offsets().forEach((partition, next) -> offsets.put(partition, new OffsetAndMetadata(next)));
      consumer.commitAsync(offsets, (committed, error) -> {
        if (error != null) {
          LOG.debug("Could not mirror the committed offsets to consumer group {}: {}", config.name(), error.toString());
        }
      });
    }
  }

  @Override
  public SourceAdvice advice() {
    return ADVICE;
  }

  @Override
  public void acknowledge(SourcePosition position) {
    acknowledged = (KafkaPosition) position;
    toAcknowledge.set((KafkaPosition) position);
  }

  /**
   * {@code lag_records}: the records of the read partitions that are not acknowledged yet (committed to every
   * table), the sum over partitions of the end offset minus the acknowledged next offset, or, for a partition
   * no acknowledgement holds yet, minus the offset the sync started it at (its committed offset, or per
   * {@code auto.offset.reset}). With {@code topic.pattern}, also {@code unread_topics}: the topics it matches that
   * were made after the sync started, which the sync reads from its next start (each such topic is logged once).
   * Empty before {@link #start} and while the brokers do not answer.
   */
  @Override
  public List<SourceMetric> metrics() {
    KafkaPosition from = started;
    Admin client = from == null ? null : admin();
    if (client == null) {
      return List.of();
    }
    try {
      List<SourceMetric> figures = new ArrayList<>();
      figures.add(new SourceMetric("lag_records", "records of the partitions read not yet committed to every table",
          lagRecords(client, from)));
      if (config.topicPattern() != null) {
        figures.add(new SourceMetric("unread_topics", "topics matching topic.pattern made after the sync started,"
            + " read from its next start", unreadTopics(client).size()));
      }
      return figures;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      LOG.debug("Could not read the end offsets of the partitions or the topics: {}", e.toString());
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }

  private long lagRecords(Admin client, KafkaPosition from)
      throws ExecutionException, TimeoutException, InterruptedException {
    Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
    from.offsets().keySet().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
    Map<TopicPartition, ListOffsetsResultInfo> ends = client.listOffsets(latest).all()
        .get(metricsWait(), TimeUnit.MILLISECONDS);
    KafkaPosition done = acknowledged;
    long lag = 0;
    for (Map.Entry<TopicPartition, ListOffsetsResultInfo> end : ends.entrySet()) {
      long next = done == null ? -1 : done.nextOffset(end.getKey());
      lag += Math.max(0, end.getValue().offset() - (next >= 0 ? next : from.nextOffset(end.getKey())));
    }
    return lag;
  }

  /**
   * The topics {@code topic.pattern} matches now that the sync does not read (the consumer reads the partitions it
   * found at start); each is logged once, with what to do.
   */
  private List<String> unreadTopics(Admin client) throws ExecutionException, TimeoutException, InterruptedException {
    Set<String> read = new TreeSet<>();
    partitions.forEach(p -> read.add(p.topic()));
    List<String> unread = client.listTopics().names().get(metricsWait(), TimeUnit.MILLISECONDS).stream()
        .filter(t -> config.topicPattern().matcher(t).matches() && !read.contains(t)).sorted().toList();
    for (String topic : unread) {
      if (unreadLogged.add(topic)) {
        LOG.warn("Kafka topic {} matches topic.pattern {} but was made after the sync started: restart the sync to"
            + " mirror it (its table is read from the topic's start, the other tables resume; the topic needs a"
            + " record by then)", topic, config.topicPattern());
      }
    }
    return unread;
  }

  private long metricsWait() {
    return Math.min(config.connectTimeout().toMillis(), METRICS_WAIT.toMillis());
  }

  /** The client {@link #metrics()} uses, made on first use; null once closing. */
  private synchronized Admin admin() {
    if (admin == null && !stopping) {
      admin = Admin.create(config.adminProperties());
    }
    return admin;
  }

  @Override
  public SourcePosition parsePosition(String serialized) {
    KafkaPosition position = KafkaPosition.parse(serialized);
    committed.add(position);
    return position;
  }

  @Override
  public void close() {
    stopping = true;
    synchronized (this) {
      if (admin != null) {
        admin.close(Duration.ofSeconds(5));
        admin = null;
      }
    }
    if (consumer == null) {
      return;
    }
    if (reader != null) {
      consumer.wakeup();
      try {
        reader.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    consumer.close(Duration.ofSeconds(5));
  }
}
