package io.changelake.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigDefTest {
  private static final ConfigOption<String> HOST = ConfigOption.string("hostname").required().doc("Host.").build();
  private static final ConfigOption<Integer> PORT = ConfigOption.integer("port").defaultValue(5432)
      .check(p -> p > 0 && p < 65536, "must be in [1, 65535]").doc("Port.").build();
  private static final ConfigOption<String> PASSWORD = ConfigOption.string("password").secret().doc("Password.").build();
  private static final ConfigOption<String> MODE = ConfigOption.string("mode").defaultValue("a").oneOf("a", "b")
      .doc("Mode.").build();
  private static final ConfigOption<Duration> INTERVAL = ConfigOption.duration("interval")
      .defaultValue(Duration.ofSeconds(5)).doc("Interval.").build();

  private static final ConfigDef DEF = new ConfigDef("test")
      .define(HOST).define(PORT).define(PASSWORD).define(MODE).define(INTERVAL)
      .passthrough("debezium.", "Passed to Debezium.");

  @Test
  void defaultsAndParsedValues() {
    Config config = DEF.parse(Map.of("hostname", "h", "interval", "500ms", "debezium.x.y", "z"));
    assertEquals("h", config.get(HOST));
    assertEquals(5432, config.get(PORT));
    assertEquals("a", config.get(MODE));
    assertEquals(Duration.ofMillis(500), config.get(INTERVAL));
    assertEquals(Map.of("x.y", "z"), config.withPrefix("debezium."));
  }

  @Test
  void missingRequiredOptionIsNamed() {
    var e = assertThrows(ConfigException.class, () -> DEF.parse(Map.of()));
    assertTrue(e.getMessage().contains("'hostname'"), e.getMessage());
  }

  @Test
  void invalidValueNamesKeyValueAndRule() {
    var e = assertThrows(ConfigException.class, () -> DEF.parse(Map.of("hostname", "h", "port", "70000")));
    assertEquals("Invalid value '70000' for option 'port': must be in [1, 65535]", e.getMessage());
    e = assertThrows(ConfigException.class, () -> DEF.parse(Map.of("hostname", "h", "port", "x")));
    assertEquals("Invalid value 'x' for option 'port': must be a int", e.getMessage());
    e = assertThrows(ConfigException.class, () -> DEF.parse(Map.of("hostname", "h", "mode", "c")));
    assertTrue(e.getMessage().contains("must be one of [a, b]"), e.getMessage());
  }

  @Test
  void unknownKeySuggestsClosest() {
    var e = assertThrows(ConfigException.class, () -> DEF.parse(Map.of("hostnme", "h")));
    assertTrue(e.getMessage().contains("Did you mean 'hostname'?"), e.getMessage());
    assertTrue(e.getMessage().contains("debezium.*"), e.getMessage());
  }

  @Test
  void helpLineGivesDefaultsButNoEmptyOne() {
    assertEquals("Port. Default: 5432.", PORT.describe());
    assertEquals("Interval. Default: 5s.", INTERVAL.describe());
    ConfigOption<String> empty = ConfigOption.string("password").defaultValue("").secret().doc("Password.").build();
    assertEquals("Password. Secret: never printed.", empty.describe());
  }

  @Test
  void secretsAreMasked() {
    Config config = DEF.parse(Map.of("hostname", "h", "password", "hunter2", "debezium.database.password", "p2"));
    assertFalse(config.toString().contains("hunter2"), config.toString());
    assertFalse(config.toString().contains("p2"), config.toString());
    assertTrue(DEF.help().contains("Secret: never printed."));
  }
}
