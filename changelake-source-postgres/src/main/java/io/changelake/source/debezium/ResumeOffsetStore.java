package io.changelake.source.debezium;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;

/**
 * Debezium's offset store for changelake: it starts with the offset the pipeline resumes from and
 * keeps later writes in memory only. The lake tables, not this store, are the durable state.
 *
 * <p>Debezium instantiates the class by name with its no-arg constructor; the resume offset is
 * handed over through {@link #seed} under the engine's unique name (property {@code name}).
 * Writes reach this store only when changelake acknowledges a position, and Debezium reads them
 * back to confirm the replication slot.
 */
public final class ResumeOffsetStore extends MemoryOffsetBackingStore {
  private static final Map<String, Seed> SEEDS = new ConcurrentHashMap<>();

  private record Seed(Map<String, ?> partition, Map<String, ?> offset) { }

  public ResumeOffsetStore() { }

  /** Makes the engine named {@code engineName} start from {@code offset}. Call before the engine starts. */
  public static void seed(String engineName, Map<String, ?> partition, Map<String, ?> offset) {
    SEEDS.put(engineName, new Seed(partition, offset));
  }

  /** Forgets a seed that was not consumed (e.g. the engine failed to start). */
  public static void forget(String engineName) {
    SEEDS.remove(engineName);
  }

  @Override
  public void configure(WorkerConfig config) {
    super.configure(config);
    String engineName = config.originalsStrings().get("name");
    Seed seed = engineName == null ? null : SEEDS.remove(engineName);
    if (seed != null) {
      JsonConverter converter = new JsonConverter();
      converter.configure(Map.of("schemas.enable", "false", "converter.type", "key"));
      byte[] key = converter.fromConnectData(engineName, null, Arrays.asList(engineName, seed.partition()));
      byte[] value = converter.fromConnectData(engineName, null, seed.offset());
      Map<ByteBuffer, ByteBuffer> initial = new HashMap<>();
      initial.put(ByteBuffer.wrap(key), ByteBuffer.wrap(value));
      data.putAll(initial);
    }
  }

  @Override
  public void start() {
    executor = Executors.newSingleThreadExecutor(r -> {
      Thread thread = new Thread(r, "changelake-offsets");
      thread.setDaemon(true);
      return thread;
    });
  }

  @Override
  public Set<Map<String, Object>> connectorPartitions(String connectorName) {
    return Set.of();
  }
}
