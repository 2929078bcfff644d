package io.changelake.sink.iceberg.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every option's default and parsing, and the token kept secret. */
class RestCatalogConfigTest {
  @TempDir
  Path dir;

  @Test
  void defaults() {
    RestCatalogConfig config = RestCatalogConfig.parse(Map.of());
    assertEquals(8181, config.port());
    assertEquals("127.0.0.1", config.bind());
    assertEquals(Optional.empty(), config.token());
  }

  @Test
  void everyOptionParsesAndTheTokenComesFromAFileAndIsMasked() throws IOException {
    Path file = Files.writeString(dir.resolve("token"), "file-token-1\n");
    RestCatalogConfig config = RestCatalogConfig.parse(Map.of("port", "0", "bind", "0.0.0.0", "token", "@" + file));
    assertEquals(0, config.port());
    assertEquals("0.0.0.0", config.bind());
    assertEquals(Optional.of("file-token-1"), config.token());
    assertFalse(config.toString().contains("file-token-1"), config.toString());
  }

  @Test
  void badValuesNameTheOptionAndTheFix() {
    ConfigException port = assertThrows(ConfigException.class, () -> RestCatalogConfig.parse(Map.of("port", "65536")));
    assertTrue(port.getMessage().contains("port") && port.getMessage().contains("0 to 65535"), port.getMessage());
    ConfigException empty = assertThrows(ConfigException.class, () -> RestCatalogConfig.parse(Map.of("token", " ")));
    assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
    ConfigException unknown = assertThrows(ConfigException.class, () -> RestCatalogConfig.parse(Map.of("prot", "1")));
    assertTrue(unknown.getMessage().contains("Did you mean 'port'"), unknown.getMessage());
  }
}
