package io.changelake.source.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableId;
import io.changelake.api.spi.ChangeListener;
import io.changelake.api.spi.Source;
import io.changelake.api.spi.SourceTable;
import io.changelake.api.spi.TableFilter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Where the source starts each partition against a real in-process broker: a table started alone reads its topic
 * from its start while the others resume, and a topic the resumed vector lacks resumes where the commits that read
 * it stand.
 */
class KafkaSourceStartTest {
  @RegisterExtension
  static final EventTopics kafka = new EventTopics();

  private static Source source(String topics, String startFrom) {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("bootstrap.servers", kafka.broker().bootstrapServers());
    options.put("topics", topics);
    options.put("envelope", "append");
    options.put("auto.offset.reset", startFrom);
    return new KafkaSourceProvider().create(options, TableFilter.ALL);
  }

  /** The records a listener was given, as {@code topic-partition@offset}. */
  private static final class Records implements ChangeListener {
    private final Set<String> read = ConcurrentHashMap.newKeySet();
    private volatile Throwable failure;

    @Override
    public void onChange(ChangeEvent event) {
      String described = event.position().describe();
      read.add(described.substring(0, described.indexOf(' ')));
    }

    @Override
    public void onProgress(SourcePosition position) { }

    @Override
    public void onFailure(Throwable error) {
      failure = error;
    }

    /** Waits until {@code count} records were read, then a little longer for any beyond them; returns them sorted. */
    Set<String> await(int count) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (read.size() < count && failure == null && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      Thread.sleep(500);
      if (failure != null) {
        throw new AssertionError(failure);
      }
      return new TreeSet<>(read);
    }
  }

  private static Set<String> records(String topic, int partition, int from, int to) {
    Set<String> records = new TreeSet<>();
    for (int offset = from; offset < to; offset++) {
      records.add(topic + "-" + partition + "@" + offset);
    }
    return records;
  }

  private static TableId table(List<SourceTable> tables, String name) {
    return tables.stream().map(SourceTable::id).filter(id -> id.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void aTableStartedAloneReadsItsTopicFromItsStartWhileTheOthersResume() throws Exception {
    kafka.create("kept", 5);
    kafka.create("restarted", 3, 2);
    try (Source source = source("kept,restarted", "earliest")) {
      TableId restarted = table(source.discover(), "restarted");
      assertTrue(source.startsTablesAlone());
      Records listener = new Records();
      // the vector holds the started topic too (its lake tables were dropped): it is read from its start all the same
      source.start(Optional.of(source.parsePosition("kept:0=3,restarted:0=2,restarted:1=1")), Set.of(),
          Set.of(restarted), listener);

      Set<String> expected = new TreeSet<>(records("kept", 0, 3, 5));
      expected.addAll(records("restarted", 0, 0, 3));
      expected.addAll(records("restarted", 1, 0, 2));
      assertEquals(expected, listener.await(expected.size()));
      assertThrows(UnsupportedOperationException.class,
          () -> source.start(Optional.empty(), Set.of(restarted), Set.of(), listener));
    }
  }

  @Test
  void aTopicTheResumedVectorLacksResumesWhereTheCommitsThatReadItStand() throws Exception {
    kafka.create("older", 4);
    kafka.create("added", 3, 2);
    try (Source source = source("older,added", "latest")) {
      source.discover();
      // the commit of the added topic's table, from the run that added it, holds its partitions...
      source.parsePosition("older:0=3,added:0=1,added:1=0");
      Records listener = new Records();
      // ...and the lowest vector, a commit from before the topic was added, lacks them: not read again, not skipped
      source.start(Optional.of(source.parsePosition("older:0=2")), Set.of(), Set.of(), listener);

      Set<String> expected = new TreeSet<>(records("older", 0, 2, 4));
      expected.addAll(records("added", 0, 1, 3));
      expected.addAll(records("added", 1, 0, 2));
      assertEquals(expected, listener.await(expected.size()));
    }
  }
}
