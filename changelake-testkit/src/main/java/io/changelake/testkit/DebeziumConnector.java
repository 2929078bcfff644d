package io.changelake.testkit;

import io.debezium.embedded.Connect;
import io.debezium.embedded.async.ConvertingAsyncEngineBuilderFactory;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * A Debezium source connector (Debezium's own, e.g. {@code io.debezium.connector.postgresql.PostgresConnector})
 * writing its change events into a {@link KafkaBroker} as a Kafka Connect worker with Kafka's
 * {@code JsonConverter} ({@code schemas.enable=true} for keys and values) would: same topics, keys, values and
 * tombstones. The connector runs in Debezium's embedded engine; each batch is written and acknowledged by the
 * broker before the engine may commit its offsets (at least once, like Connect), kept in a file of a fresh folder
 * so that a connector started again with the same folder resumes. Topics are created on first use, one partition.
 *
 * <pre>{@code
 * try (DebeziumConnector pg = DebeziumConnector.start(kafka, Map.of("connector.class", ..., "topic.prefix", "pg"))) {
 *   ... the topics pg.<schema>.<table> fill up
 * }
 * }</pre>
 *
 * <p>A Kafka Connect worker in process (connect-runtime 4.3.0's {@code StandaloneHerder}) refuses Debezium 3.6.1's
 * connectors: its config validation fails on {@code internal.legacy.snapshot.max.threads}, a key the connector
 * defines but does not validate. The engine is the same connector code, without that validation.
 *
 * <p>Needs {@code debezium-embedded}, {@code connect-json}, the connector and the broker's jars: optional
 * dependencies of the test kit, declared with test scope by a module that uses this class.
 */
public final class DebeziumConnector implements AutoCloseable {
  private final DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
  private final Thread thread;
  private final KafkaProducer<byte[], byte[]> producer;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final CountDownLatch stopped = new CountDownLatch(1);

  private DebeziumConnector(KafkaBroker kafka, Properties properties, CountDownLatch polling) {
    this.producer = kafka.producer();
    JsonConverter keys = converter(true);
    JsonConverter values = converter(false);
    Set<String> topics = new HashSet<>();
    this.engine = new ConvertingAsyncEngineBuilderFactory()
        .builder(ChangeEventFormat.of(Connect.class))
        .using(properties)
        .using((success, message, error) -> {
          if (!success) {
            failure.compareAndSet(null, error != null ? error : new IllegalStateException(message));
          }
          polling.countDown();
          stopped.countDown();
        })
        .using(new DebeziumEngine.ConnectorCallback() {
          @Override
          public void pollingStarted() {
            polling.countDown();
          }
        })
        .notifying((records, committer) -> {
          List<Future<RecordMetadata>> sent = new ArrayList<>();
          for (RecordChangeEvent<SourceRecord> event : records) {
            SourceRecord r = event.record();
            if (topics.add(r.topic())) {
              createTopic(kafka, r.topic());
            }
            sent.add(producer.send(new ProducerRecord<>(r.topic(), r.kafkaPartition(),
                keys.fromConnectData(r.topic(), r.keySchema(), r.key()),
                values.fromConnectData(r.topic(), r.valueSchema(), r.value()))));
          }
          for (Future<RecordMetadata> f : sent) {
            try {
              f.get();
            } catch (ExecutionException e) {
              throw new IllegalStateException("Could not write a change event: " + e.getCause().getMessage(), e);
            }
          }
          for (RecordChangeEvent<SourceRecord> event : records) {
            committer.markProcessed(event);
          }
          committer.markBatchFinished();
        })
        .build();
    this.thread = new Thread(engine, "debezium-" + properties.getProperty("name"));
    this.thread.setDaemon(true);
  }

  /**
   * Starts connector {@code config} (its {@code connector.class} and options) with its offsets in {@code offsets}
   * (a folder; the same folder resumes where the last connector of that {@code name} stopped); returns once it
   * captures (its snapshot runs on).
   */
  public static DebeziumConnector start(KafkaBroker kafka, Path offsets, Map<String, String> config) {
    Properties properties = new Properties();
    properties.put("name", "connector");
    properties.putAll(config);
    try {
      Files.createDirectories(offsets);
    } catch (IOException e) {
      throw new IllegalStateException("Could not create " + offsets + ": " + e.getMessage(), e);
    }
    properties.put("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
    properties.put("offset.storage.file.filename", offsets.resolve("offsets").toString());
    properties.put("offset.flush.interval.ms", "200");
    CountDownLatch polling = new CountDownLatch(1);
    DebeziumConnector connector = new DebeziumConnector(kafka, properties, polling);
    connector.thread.start();
    try {
      if (!polling.await(60, TimeUnit.SECONDS)) {
        connector.close();
        throw new IllegalStateException("Connector " + properties.get("name") + " did not start within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    Throwable error = connector.failure.get();
    if (error != null) {
      connector.close();
      throw new IllegalStateException("Connector " + properties.get("name") + " failed: " + error.getMessage(), error);
    }
    return connector;
  }

  private static JsonConverter converter(boolean forKeys) {
    JsonConverter converter = new JsonConverter();
    converter.configure(Map.of("schemas.enable", "true"), forKeys);
    return converter;
  }

  private static void createTopic(KafkaBroker kafka, String topic) {
    try (Admin admin = kafka.admin()) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("Could not create topic " + topic + ": " + e.getCause().getMessage(), e);
      }
    }
  }

  /** Stops the connector (committing the offsets of what it wrote) and its producer. */
  @Override
  public void close() {
    try {
      engine.close();
      stopped.await(30, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new IllegalStateException("Could not stop the connector: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      producer.close();
    }
  }
}
