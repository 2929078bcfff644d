package io.changelake.source.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.SourcePosition;
import io.changelake.api.spi.ChangeListener;
import io.changelake.api.spi.Source;
import io.changelake.api.spi.SourceMetric;
import io.changelake.api.spi.TableFilter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The source's {@code lag_records} against a real in-process broker, as acknowledgements and records come. */
class KafkaSourceMetricsTest {
  private static final ChangeListener IGNORED = new ChangeListener() {
    @Override
    public void onChange(ChangeEvent event) { }

    @Override
    public void onProgress(SourcePosition position) { }

    @Override
    public void onFailure(Throwable error) { }
  };

  @RegisterExtension
  static final EventTopics kafka = new EventTopics();

  private static Source source(String topic, String startFrom) {
    return source(topic, startFrom, Map.of());
  }

  private static Source source(String topic, String startFrom, Map<String, String> more) {
    Map<String, String> options = new LinkedHashMap<>(more);
    options.put("bootstrap.servers", kafka.broker().bootstrapServers());
    options.put("topics", topic);
    options.put("envelope", "append");
    options.put("auto.offset.reset", startFrom);
    return new KafkaSourceProvider().create(options, TableFilter.ALL);
  }

  private static KafkaPosition vector(String topic, long first, long second) {
    return KafkaPosition.of(Map.of(new TopicPartition(topic, 0), first, new TopicPartition(topic, 1), second));
  }

  /** The source's {@code lag_records} once it equals {@code expected} (the broker's end offsets may trail a send). */
  private static void awaitLag(Source source, long expected) throws InterruptedException {
    awaitMetrics(source, lag(expected));
  }

  /** The source's figures once they equal {@code expected} (the brokers may trail a send or a new topic). */
  private static void awaitMetrics(Source source, List<SourceMetric> expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    List<SourceMetric> metrics = source.metrics();
    while (!metrics.equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      metrics = source.metrics();
    }
    assertEquals(expected, metrics);
  }

  private static List<SourceMetric> lag(long records) {
    return List.of(new SourceMetric("lag_records", "records of the partitions read not yet committed to every table",
        records));
  }

  @Test
  void lagRecordsCountsWhatIsNotAcknowledgedAndGrowsWithTheTopic() throws Exception {
    kafka.create("lagging", 6, 4);
    try (Source source = source("lagging", "earliest")) {
      source.discover();
      assertEquals(List.of(), source.metrics(), "no figures before the source starts");
      source.start(Optional.empty(), IGNORED);
      awaitLag(source, 10); // nothing acknowledged: from the first record of each partition
      source.acknowledge(vector("lagging", 4, 1));
      awaitLag(source, 2 + 3);
      source.acknowledge(vector("lagging", 6, 4));
      awaitLag(source, 0);
      kafka.produce("lagging", 1, 3);
      awaitLag(source, 3);
      source.close();
      assertEquals(List.of(), source.metrics(), "no figures, and no error, once closed");
    }
  }

  @Test
  void aPartitionNoCommitHoldsCountsFromWhereTheStartupModeStartsIt() throws Exception {
    kafka.create("resumed", 5, 7);
    try (Source source = source("resumed", "latest")) {
      source.discover();
      // the committed vector holds partition 0 only; partition 1 starts at its end (auto.offset.reset=latest)
      source.start(Optional.of(source.parsePosition("resumed:0=2")), IGNORED);
      awaitLag(source, 3);
      kafka.produce("resumed", 1, 2);
      awaitLag(source, 3 + 2);
      source.acknowledge(vector("resumed", 5, 8));
      awaitLag(source, 1);
    }
  }

  @Test
  void aTopicThePatternMatchesMadeAfterTheStartIsCountedUnreadUntilTheNextStart() throws Exception {
    kafka.create("watched.one", 2);
    Map<String, String> options = new LinkedHashMap<>();
    options.put("bootstrap.servers", kafka.broker().bootstrapServers());
    options.put("topic.pattern", "watched\\..*");
    options.put("envelope", "append");
    SourceMetric none = new SourceMetric("unread_topics", "topics matching topic.pattern made after the sync"
        + " started, read from its next start", 0);
    try (Source source = new KafkaSourceProvider().create(options, TableFilter.ALL)) {
      source.discover();
      source.start(Optional.empty(), IGNORED);
      awaitMetrics(source, List.of(lag(2).get(0), none)); // nothing acknowledged: both records
      kafka.create("watched.two", 1);
      kafka.create("unwatched", 1);
      awaitMetrics(source, List.of(lag(2).get(0), new SourceMetric(none.name(), none.description(), 1)));
    }
    try (Source source = new KafkaSourceProvider().create(options, TableFilter.ALL)) {
      assertEquals(2, source.discover().size(), "the next start reads it");
    }
  }

  @Test
  void brokersThatDoNotAnswerGiveNoFigureAndNoError() throws Exception {
    kafka.create("gone", 1);
    try (Source source = source("gone", "earliest", Map.of("connect.timeout", "2s"))) {
      source.discover();
      source.start(Optional.empty(), IGNORED);
      awaitLag(source, 1);
      try (var admin = kafka.broker().admin()) {
        admin.deleteTopics(List.of("gone")).all().get();
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!source.metrics().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertTrue(source.metrics().isEmpty(), "a partition the brokers no longer know gives no figure");
    }
  }
}
