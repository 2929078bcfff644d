package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code changelake demo}, the first command a newcomer runs: its lake tables must equal the guide's schema and rows
 * with the demo's changes applied, here applied to a PostgreSQL of the test's own and compared row by row.
 */
class DemoCommandTest {
  private static final String DB = "ecommerce";
  private static final Map<String, String> KEYS = Map.of(
      "products", "product_id", "customers", "customer_id", "orders", "order_id", "inventory", "product_id");

  @RegisterExtension
  static final PostgresExtension POSTGRES = new PostgresExtension();

  @TempDir
  Path dir;

  @Test
  void mirrorsTheGuideSchemaThroughTheDemosChanges() throws Exception {
    PostgresServer expected = POSTGRES.server();
    expected.createDatabase(DB);
    expected.execute(DB, DemoCommand.resource("guide/ecommerce.sql"));
    expected.execute(DB, DemoCommand.CHANGES.toArray(String[]::new));
    // now() at insert differs between the two servers: compare every other column
    expected.execute(DB, "ALTER TABLE products DROP COLUMN created_at", "ALTER TABLE inventory DROP COLUMN updated_at");
    Path warehouse = dir.resolve("changelake-demo");

    CommandResult demo = CommandResult.run("demo", "--warehouse", warehouse.toString());

    assertEquals(0, demo.code(), demo.out() + demo.err());
    assertTrue(demo.out().contains("==> The lake follows"), demo.out());
    for (Map.Entry<String, String> table : KEYS.entrySet()) {
      TableComparison.assertSame(expected, DB, table.getKey(), Providers.DEFAULT_FORMAT, warehouse.toString(),
          DemoCommand.LAKE_DATABASE, table.getKey(), table.getValue());
    }
  }

  @Test
  void refusesAWarehouseHoldingOtherFiles() throws Exception {
    Path warehouse = Files.createDirectories(dir.resolve("mine"));
    Files.writeString(warehouse.resolve("notes.txt"), "keep me");

    CommandResult demo = CommandResult.run("demo", "--warehouse", warehouse.toString());

    assertNotEquals(0, demo.code());
    assertTrue(demo.err().contains("holds files the demo did not write [notes.txt]"), demo.err());
    assertEquals("keep me", Files.readString(warehouse.resolve("notes.txt")));
  }
}
