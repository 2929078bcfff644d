package io.changelake.sink.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.config.ConfigException;
import io.changelake.api.spi.SinkProvider;
import io.changelake.api.spi.TableSink;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaSinkConfigTest {

  @Test
  void defaults() {
    DeltaSinkConfig config = DeltaSinkConfig.local(Path.of("/tmp/lake"));
    assertEquals("/tmp/lake", config.warehouse());
    assertEquals(Map.of("delta.columnMapping.mode", "name", "delta.feature.domainMetadata", "supported"),
        config.tableProperties());
    Configuration hadoop = config.hadoopConfiguration();
    assertEquals(128L << 20, hadoop.getLong("delta.kernel.default.parquet.writer.targetMaxFileSize", 0));
    assertEquals("ZSTD", hadoop.get("parquet.compression"));
  }

  @Test
  void optionsAndPassthrough() {
    DeltaSinkConfig config = DeltaSinkConfig.parse(
        Map.of("warehouse", "/w", "target-file-size", "8388608", "compression", "snappy",
            "hadoop.fs.s3a.endpoint", "http://minio:9000"),
        Map.of("delta.logRetentionDuration", "interval 7 days"));
    Configuration hadoop = config.hadoopConfiguration();
    assertEquals(8L << 20, hadoop.getLong("delta.kernel.default.parquet.writer.targetMaxFileSize", 0));
    assertEquals("http://minio:9000", hadoop.get("fs.s3a.endpoint"));
    assertEquals("interval 7 days", config.tableProperties().get("delta.logRetentionDuration"));
    assertTrue(DeltaSinkConfig.DEFINITION.help().contains("target-file-size"));
  }

  @Test
  void errorsNameTheKeyAndTheFix() {
    ConfigException missing = assertThrows(ConfigException.class, () -> DeltaSinkConfig.parse(Map.of(), Map.of()));
    assertTrue(missing.getMessage().contains("'warehouse'"), missing.getMessage());

    ConfigException typo = assertThrows(ConfigException.class,
        () -> DeltaSinkConfig.parse(Map.of("warehouse", "/w", "compresion", "zstd"), Map.of()));
    assertTrue(typo.getMessage().contains("Did you mean 'compression'"), typo.getMessage());

    ConfigException codec = assertThrows(ConfigException.class,
        () -> DeltaSinkConfig.parse(Map.of("warehouse", "/w", "compression", "lz5"), Map.of()));
    assertTrue(codec.getMessage().contains("must be one of"), codec.getMessage());

    ConfigException small = assertThrows(ConfigException.class,
        () -> DeltaSinkConfig.parse(Map.of("warehouse", "/w", "target-file-size", "10"), Map.of()));
    assertTrue(small.getMessage().contains("at least"), small.getMessage());

    ConfigException notDelta = assertThrows(ConfigException.class,
        () -> DeltaSinkConfig.local(Path.of("/w"), Map.of(), Map.of("write.format.default", "parquet")));
    assertTrue(notDelta.getMessage().contains("Unknown delta table option 'write.format.default'")
        && notDelta.getMessage().contains("delta.*"), notDelta.getMessage());

    assertThrows(ConfigException.class,
        () -> DeltaSinkConfig.local(Path.of("/w"), Map.of(), Map.of("changelake.mode", "append")));

    ConfigException mapping = assertThrows(ConfigException.class,
        () -> DeltaSinkConfig.local(Path.of("/w"), Map.of(), Map.of("delta.columnMapping.mode", "none")));
    assertTrue(mapping.getMessage().contains("column mapping 'name'"), mapping.getMessage());

    ConfigException mode = assertThrows(ConfigException.class,
        () -> DeltaSinkConfig.local(Path.of("/w"), Map.of("delete-mode", "merge-on-read"), Map.of()));
    assertTrue(mode.getMessage().contains("copy-on-write") && mode.getMessage().contains("deletion-vectors"),
        mode.getMessage());
    ConfigException vectorsOff = assertThrows(ConfigException.class, () -> DeltaSinkConfig.local(Path.of("/w"),
        Map.of("delete-mode", "deletion-vectors"), Map.of("delta.enableDeletionVectors", "false")));
    assertTrue(vectorsOff.getMessage().contains("delete-mode=copy-on-write"), vectorsOff.getMessage());
  }

  @Test
  void deletionVectorsModeEnablesThemOnNewTables() {
    DeltaSinkConfig config = DeltaSinkConfig.local(Path.of("/w"), Map.of("delete-mode", "deletion-vectors"), Map.of());
    assertEquals(DeleteMode.DELETION_VECTORS, config.deleteMode());
    assertEquals("true", config.tableProperties().get("delta.enableDeletionVectors"));
    assertEquals(DeleteMode.COPY_ON_WRITE, DeltaSinkConfig.local(Path.of("/w")).deleteMode());
  }

  @Test
  void foundThroughServiceLoader(@TempDir Path dir) {
    SinkProvider provider = ServiceLoader.load(SinkProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.format().equals("delta")).findFirst().orElseThrow();
    assertTrue(provider.catalogConfigDef().options().stream().anyMatch(o -> o.name().equals("warehouse")));
    try (TableSink sink = provider.open(dir.toString(), Map.of(), Map.of())) {
      assertEquals("delta", sink.format());
      assertEquals(java.util.List.of(), sink.listTables());
    }
  }
}
