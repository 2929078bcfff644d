package io.changelake.sink.paimon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.config.ConfigException;
import io.changelake.api.config.ConfigMasking;
import io.changelake.api.spi.SinkProvider;
import io.changelake.api.spi.WriteMode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class PaimonSinkConfigTest {

  @Test
  void theWriteBufferFitsASmallHeapUnlessTheTableSetsIt() {
    long heap = 384L << 20;
    Map<String, String> dynamic = TableOptions.heapBounded(Map.of("bucket", "4"), heap);
    assertEquals(heap / 4, new org.apache.paimon.CoreOptions(dynamic).writeBufferSize());
    assertEquals(Map.of(), TableOptions.heapBounded(Map.of("write-buffer-size", "64 mb"), heap));
    assertEquals(Map.of(), TableOptions.heapBounded(Map.of(), 4L << 30));
  }

  @Test
  void defaults() {
    PaimonSinkConfig config = PaimonSinkConfig.local(Path.of("/tmp/lake"));
    assertEquals(Map.of("warehouse", "/tmp/lake", "metastore", "filesystem"), config.catalogOptions());
    assertEquals(Map.of(), config.tableOptions());
    assertEquals(List.of(), config.partitionKeys());
    assertEquals(Map.of("bucket", "4", "changelake.mode", "upsert"),
        TableOptions.forNewTable(WriteMode.UPSERT, Map.of()));
    assertEquals(Map.of("changelake.mode", "append"), TableOptions.forNewTable(WriteMode.APPEND, Map.of()));
  }

  @Test
  void guideOptionsAndPartitionKeysAreAccepted() {
    Map<String, String> table = new LinkedHashMap<>();
    table.put("bucket", "8");
    table.put("compaction.min.file-num", "3");
    table.put("snapshot.num-retained.min", "5");
    table.put("snapshot.time-retained", "2 h");
    table.put("changelog-producer", "lookup");
    table.put("fields.name.ignore-retract", "true");
    table.put("partition-keys", "region, day");
    PaimonSinkConfig config = PaimonSinkConfig.local(Path.of("/x"), Map.of(), table);
    assertEquals(List.of("region", "day"), config.partitionKeys());
    assertFalse(config.tableOptions().containsKey("partition-keys"));
    assertEquals("8", TableOptions.forNewTable(WriteMode.UPSERT, config.tableOptions()).get("bucket"));
    assertTrue(config.toString().contains("partitioned by [region, day]"), config.toString());
  }

  @Test
  void otherCatalogsPassEveryOptionThroughAndSecretsAreMasked() {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("metastore", "jdbc");
    conf.put("uri", "jdbc:sqlite:/tmp/c.db");
    conf.put("warehouse", "s3://bucket/lake");
    conf.put("jdbc.password", "pw");
    conf.put("s3.secret-key", "abc");
    PaimonSinkConfig config = PaimonSinkConfig.parse(conf, Map.of());
    assertEquals("jdbc", config.catalogOptions().get("metastore"));
    assertEquals("abc", config.catalogOptions().get("s3.secret-key"));
    String printed = config.toString();
    assertFalse(printed.contains("pw,") || printed.contains("abc"), printed);
    assertEquals(ConfigMasking.MASK, config.masked().get("jdbc.password"));
    assertTrue(PaimonSinkConfig.DEFINITION.help().contains("warehouse"));
  }

  @Test
  void optionsPaimonDroppedAreAcceptedAndLeftOut() {
    PaimonSinkConfig config = PaimonSinkConfig.parse(Map.of("warehouse", "/tmp/w"),
        Map.of("compaction.max.file-num", "20", "compaction.min.file-num", "3"));
    Map<String, String> options = TableOptions.forNewTable(WriteMode.UPSERT, config.tableOptions());
    assertEquals("3", options.get("compaction.min.file-num"));
    assertFalse(options.containsKey("compaction.max.file-num"), options.toString());
  }

  @Test
  void errorsNameTheKeyAndTheFix() {
    ConfigException missing = assertThrows(ConfigException.class, () -> PaimonSinkConfig.parse(Map.of(), Map.of()));
    assertTrue(missing.getMessage().contains("warehouse="), missing.getMessage());

    assertMessage("bucket-kye", "id", "Did you mean 'bucket-key'?");
    assertMessage("no.such.option", "1", "Unknown paimon table option 'no.such.option'");
    assertMessage("sink.parallelism", "4", "Flink-only options have no effect here");
    assertMessage("bucket", "four", "'bucket'");
    assertMessage("changelake.mode", "append", "--mode");
    assertMessage("primary-key", "id", "--primary-keys");
    assertMessage("partition", "day", "partition-keys=day");
    assertMessage("merge-engine", "partial-update", "deduplicate");
    assertMessage("snapshot.ignore-empty-commit", "true", "every commit");
    assertMessage("partition-keys", " , ", "column names");
  }

  private static void assertMessage(String key, String value, String expected) {
    ConfigException e = assertThrows(ConfigException.class,
        () -> PaimonSinkConfig.local(Path.of("/x"), Map.of(), Map.of(key, value)), key);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void providerIsFoundByFormat() {
    SinkProvider provider = ServiceLoader.load(SinkProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.format().equals("paimon")).findFirst().orElseThrow();
    assertEquals(PaimonSinkConfig.DEFINITION, provider.catalogConfigDef());
  }
}
