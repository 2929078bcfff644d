package io.changelake.sink.iceberg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.config.ConfigException;
import io.changelake.api.config.ConfigMasking;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IcebergSinkConfigTest {

  @Test
  void defaults() {
    IcebergSinkConfig config = IcebergSinkConfig.local(Path.of("/tmp/lake"));
    assertEquals("changelake", config.catalogName());
    // a file: URI, so that every location the tables record carries a scheme (Trino needs one)
    assertEquals(Map.of("warehouse", "file:///tmp/lake", "type", "hadoop"), config.catalogProperties());
    Map<String, String> table = config.tableProperties();
    assertEquals("2", table.get("format-version"));
    assertEquals("parquet", table.get("write.format.default"));
    assertEquals("zstd", table.get("write.parquet.compression-codec"));
    assertEquals("134217728", table.get("write.target-file-size-bytes"));
    assertEquals("true", table.get("write.metadata.delete-after-commit.enabled"));
    assertEquals("100", table.get("write.metadata.previous-versions-max"));
    assertFalse(table.containsKey("write.upsert.enabled"));
    assertEquals(TimeType.LONG, config.timeType());
    assertEquals(DeleteMode.EQUALITY, config.deleteMode());
  }

  @Test
  void deleteModeIsChangelakesOwnAndChecked() {
    IcebergSinkConfig config = IcebergSinkConfig.local(Path.of("/tmp/lake"), Map.of("delete-mode", "position"), Map.of());
    assertEquals(DeleteMode.POSITION, config.deleteMode());
    assertFalse(config.catalogProperties().containsKey("delete-mode"), "not handed to Iceberg's catalog");
    ConfigException wrong = assertThrows(ConfigException.class,
        () -> IcebergSinkConfig.local(Path.of("/x"), Map.of("delete-mode", "vectors"), Map.of()));
    assertEquals("Invalid value 'vectors' for option 'delete-mode': must be one of [equality, position]",
        wrong.getMessage());
  }

  @Test
  void timeTypeIsChangelakesOwnAndChecked() {
    IcebergSinkConfig config = IcebergSinkConfig.local(Path.of("/tmp/lake"), Map.of("time-type", "time"), Map.of());
    assertEquals(TimeType.TIME, config.timeType());
    assertFalse(config.catalogProperties().containsKey("time-type"), "not handed to Iceberg's catalog");
    ConfigException wrong = assertThrows(ConfigException.class,
        () -> IcebergSinkConfig.local(Path.of("/x"), Map.of("time-type", "string"), Map.of()));
    assertEquals("Invalid value 'string' for option 'time-type': must be one of [long, time]", wrong.getMessage());
    assertThrows(ConfigException.class,
        () -> IcebergSinkConfig.local(Path.of("/x"), Map.of(), Map.of("changelake.time-field-ids", "1")));
  }

  @Test
  void otherCatalogsPassEveryPropertyThrough() {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("type", "rest");
    conf.put("uri", "http://localhost:8181");
    conf.put("credential", "id:s3cr3t");
    conf.put("s3.secret-access-key", "abc");
    conf.put("header.X-Tenant", "t1");
    IcebergSinkConfig config = IcebergSinkConfig.parse(conf, Map.of());
    Map<String, String> properties = config.catalogProperties();
    assertEquals("rest", properties.get("type"));
    assertEquals("id:s3cr3t", properties.get("credential"));
    assertEquals("t1", properties.get("header.X-Tenant"));
    String printed = config.toString();
    assertFalse(printed.contains("s3cr3t") || printed.contains("abc"), printed);
    assertEquals(ConfigMasking.MASK, config.masked().get("credential"));
    assertEquals(ConfigMasking.MASK, config.masked().get("s3.secret-access-key"));
    assertTrue(IcebergSinkConfig.DEFINITION.help().contains("warehouse"));
  }

  @Test
  void errorsNameTheKeyAndTheFix() {
    ConfigException missing = assertThrows(ConfigException.class, () -> IcebergSinkConfig.parse(Map.of(), Map.of()));
    assertTrue(missing.getMessage().contains("warehouse="), missing.getMessage());

    ConfigException typo = assertThrows(ConfigException.class,
        () -> IcebergSinkConfig.parse(Map.of("warehous", "/x"), Map.of()));
    assertTrue(typo.getMessage().contains("Did you mean 'warehouse'"), typo.getMessage());

    ConfigException both = assertThrows(ConfigException.class,
        () -> IcebergSinkConfig.parse(Map.of("type", "jdbc", "catalog-impl", "x.Y"), Map.of()));
    assertTrue(both.getMessage().contains("catalog-impl"), both.getMessage());

    ConfigException v3 = assertThrows(ConfigException.class,
        () -> IcebergSinkConfig.local(Path.of("/x"), Map.of(), Map.of("format-version", "3")));
    assertTrue(v3.getMessage().contains("format-version"), v3.getMessage());

    assertThrows(ConfigException.class,
        () -> IcebergSinkConfig.local(Path.of("/x"), Map.of(), Map.of("changelake.mode", "append")));
  }

  @Test
  void jdbcCatalogNeedsNoWarehouseCheckHere() {
    IcebergSinkConfig config = IcebergSinkConfig.parse(
        Map.of("type", "jdbc", "uri", "jdbc:sqlite:/tmp/c.db", "warehouse", "/tmp/w", "jdbc.password", "pw"), Map.of());
    assertEquals("jdbc", config.catalogProperties().get("type"));
    assertEquals(ConfigMasking.MASK, config.masked().get("jdbc.password"));
  }
}
