package io.changelake.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigValuesTest {
  private static final ConfigOption<String> HOST = ConfigOption.string("hostname").required().doc("Host.").build();
  private static final ConfigOption<String> PASSWORD = ConfigOption.string("password").secret().doc("Password.").build();
  private static final ConfigOption<Integer> PORT = ConfigOption.integer("port").defaultValue(5432).doc("Port.").build();
  private static final ConfigDef DEF = new ConfigDef("test").define(HOST).define(PASSWORD).define(PORT)
      .passthrough("debezium.", "Passed on.");
  private static final UnaryOperator<String> ENVIRONMENT = Map.of("PGPASSWORD", "from-env", "PGHOST", "db1")::get;

  @TempDir
  Path dir;

  private Config parse(String... keyValues) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      values.put(keyValues[i], keyValues[i + 1]);
    }
    return DEF.parse(values, ENVIRONMENT);
  }

  private String file(String name, String content) throws Exception {
    return Files.writeString(dir.resolve(name), content).toString();
  }

  @Test
  void fileValueLosesOneTrailingNewline() throws Exception {
    assertEquals("hunter2", parse("hostname", "h", "password", "@" + file("pw", "hunter2\n")).get(PASSWORD));
    assertEquals("two\n", parse("hostname", "h", "password", "@" + file("pw2", "two\n\n")).get(PASSWORD));
    assertEquals("crlf", parse("hostname", "h", "password", "@" + file("pw3", "crlf\r\n")).get(PASSWORD));
    assertEquals("@x", parse("hostname", "h", "password", "@" + file("pw4", "@x")).get(PASSWORD),
        "a file's content is taken literally");
    assertEquals(5433, parse("hostname", "h", "port", "@" + file("port", "5433\n")).get(PORT),
        "any option, validated after resolution");
  }

  @Test
  void doubleAtIsALiteralAt() {
    assertEquals("@not-a-file", parse("hostname", "h", "password", "@@not-a-file").get(PASSWORD));
  }

  @Test
  void environmentVariablesAnywhereInAValue() {
    Config config = parse("hostname", "${env:PGHOST}.internal", "password", "${env:PGPASSWORD}",
        "debezium.database.sslpassword", "${env:PGPASSWORD}");
    assertEquals("db1.internal", config.get(HOST));
    assertEquals("from-env", config.get(PASSWORD));
    assertEquals(Map.of("database.sslpassword", "from-env"), config.withPrefix("debezium."));
    assertFalse(config.toString().contains("from-env"), config.toString());
  }

  @Test
  void unsetVariableNamesOptionAndVariable() {
    var e = assertThrows(ConfigException.class, () -> parse("hostname", "h", "password", "${env:NO_SUCH_VAR}"));
    assertEquals("The test option 'password' refers to the environment variable 'NO_SUCH_VAR', which is not set."
        + " Set it where changelake starts (export NO_SUCH_VAR=...), or give the value as @FILE.", e.getMessage());
  }

  @Test
  void missingOrUnreadableFileNamesOptionPathAndFix() {
    String missing = dir.resolve("absent").toString();
    var e = assertThrows(ConfigException.class, () -> parse("hostname", "h", "password", "@" + missing));
    assertEquals("Cannot read the value of the test option 'password' from '" + missing + "' (no such file). Write"
        + " the value into that file or correct the path after '@'; a value that itself starts with '@' is written"
        + " '@@...'.", e.getMessage());
    e = assertThrows(ConfigException.class, () -> parse("hostname", "h", "password", "@" + dir));
    assertTrue(e.getMessage().contains("(it is a directory)"), e.getMessage());
  }

  @Test
  void unknownKeyIsReportedBeforeResolving() {
    var e = assertThrows(ConfigException.class, () -> parse("hostname", "h", "pasword", "@/absent"));
    assertTrue(e.getMessage().contains("Did you mean 'password'?"), e.getMessage());
  }

  @Test
  void propertiesFile() throws Exception {
    Path file = dir.resolve("cdc-credentials.properties");
    Files.writeString(file, "# credentials\nusername=app\npassword=back\\\\slash\nhostname = db\n");
    assertEquals(Map.of("username", "app", "password", "back\\slash", "hostname", "db"),
        ConfigValues.readProperties(file, "--source-conf-file"));
    var e = assertThrows(ConfigException.class,
        () -> ConfigValues.readProperties(dir.resolve("absent.properties"), "--source-conf-file"));
    assertEquals("Cannot read --source-conf-file '" + dir.resolve("absent.properties") + "' (no such file). Give the"
        + " path of a readable properties file with one key=value option per line.", e.getMessage());
  }
}
