package io.changelake.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * An Apache Kafka broker in this process: one KRaft node that is broker and controller at once, listening on
 * loopback, with its logs in a fresh folder removed by {@link #close()}. Start one per test class:
 *
 * <pre>{@code
 * try (KafkaBroker kafka = KafkaBroker.start()) {
 *   kafka.createTopic("orders", 2);
 *   String servers = kafka.bootstrapServers();
 * }
 * }</pre>
 *
 * <p>The broker comes from {@code kafka-test-common-runtime}, {@code kafka_2.13} and {@code kafka-server},
 * optional dependencies of the test kit: a module that starts one declares them with test scope.
 */
public final class KafkaBroker implements AutoCloseable {
  private final KafkaClusterTestKit cluster;

  private KafkaBroker(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  /** Formats and starts a broker; returns once it takes requests. */
  public static KafkaBroker start() {
    KafkaClusterTestKit cluster = null;
    try {
      TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1)
          .setNumControllerNodes(1).build();
      cluster = new KafkaClusterTestKit.Builder(nodes)
          .setConfigProp("offsets.topic.replication.factor", "1")
          .setConfigProp("transaction.state.log.replication.factor", "1")
          .setConfigProp("transaction.state.log.min.isr", "1")
          .setConfigProp("group.initial.rebalance.delay.ms", "0")
          .setConfigProp("auto.create.topics.enable", "false")
          .build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      return new KafkaBroker(cluster);
    } catch (Exception e) {
      closeQuietly(cluster);
      throw new IllegalStateException("Could not start a Kafka broker: " + e.getMessage(), e);
    }
  }

  /** host:port of the broker, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /**
   * Creates {@code topic} with {@code partitions} partitions (replication factor 1); returns once every partition
   * has a leader. A producer writing before the broker has applied the new partition can lose its first batch
   * silently, idempotent and acks=all though it is (KAFKA-15591: the batch fails NOT_LEADER_OR_FOLLOWER, the next
   * one is appended, the retried first one is then out of sequence until it expires).
   */
  public void createTopic(String topic, int partitions) {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!led(admin, topic)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("The partitions of topic " + topic + " got no leader within 30 s");
        }
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Could not create topic " + topic + ": " + e.getCause().getMessage(), e);
    }
  }

  /** Whether every partition of {@code topic} has a leader; false while the broker does not know the topic yet. */
  private static boolean led(Admin admin, String topic) throws InterruptedException, ExecutionException {
    TopicDescription description;
    try {
      description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return false; // created, but the broker has not applied the topic's metadata yet
      }
      throw e;
    }
    return description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
  }

  /**
   * Every record of {@code topic} as the broker holds it, partition by partition in offset order: what a test
   * compares a mirror with, independently of what its producer meant to write.
   */
  public List<ConsumerRecord<byte[], byte[]>> records(String topic) {
    Properties properties = new Properties();
    properties.put("bootstrap.servers", bootstrapServers());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).sorted(Comparator.comparingInt(TopicPartition::partition))
          .toList();
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      for (TopicPartition partition : partitions) {
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (consumer.position(partition) < ends.get(partition)) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("Could not read " + partition + " to its end within 60 s");
          }
          consumer.poll(Duration.ofMillis(200)).records(partition).forEach(records::add);
        }
      }
      return records;
    }
  }

  /** An admin client of this broker; the caller closes it. */
  public Admin admin() {
    return Admin.create(Map.of("bootstrap.servers", bootstrapServers()));
  }

  /** A producer of raw bytes, acks=all and idempotent; the caller closes it. */
  public KafkaProducer<byte[], byte[]> producer() {
    Properties properties = new Properties();
    properties.put("bootstrap.servers", bootstrapServers());
    properties.put("acks", "all");
    properties.put("enable.idempotence", "true");
    return new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Writes one record and waits for the broker to take it; null key or value as given. */
  public void send(String topic, int partition, byte[] key, byte[] value) {
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      producer.send(new ProducerRecord<>(topic, partition, key, value)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Could not write to " + topic + ": " + e.getCause().getMessage(), e);
    }
  }

  @Override
  public void close() {
    closeQuietly(cluster);
  }

  private static void closeQuietly(KafkaClusterTestKit cluster) {
    if (cluster == null) {
      return;
    }
    try {
      cluster.close();
    } catch (Exception e) {
      // the folder goes with the test run's temporary files
    }
  }
}
