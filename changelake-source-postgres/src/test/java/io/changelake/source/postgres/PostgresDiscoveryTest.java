package io.changelake.source.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.config.ConfigException;
import io.changelake.api.model.DataType;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.SourceException;
import io.changelake.api.spi.SourceTable;
import io.changelake.api.spi.TableFilter;
import io.changelake.api.testing.CollectingListener;
import io.changelake.testkit.PostgresServer;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresDiscoveryTest {
  private static PostgresServer pg;

  @BeforeAll
  static void startServer() {
    pg = PostgresServer.start();
    pg.execute(pg.database(),
        "CREATE TABLE customers (id bigint primary key, name text not null, score numeric(5,1), tags text[])",
        "CREATE TABLE orders (a int, b int, note varchar(10), primary key (b, a))",
        "CREATE TABLE no_key (x int)",
        "ALTER TABLE no_key REPLICA IDENTITY FULL",
        "CREATE TABLE no_identity (x int)",
        "CREATE TABLE orders_archive (id int primary key)",
        "ANALYZE");
    pg.createRole(pg.database(), "reader", "reader-secret");
  }

  @AfterAll
  static void stopServer() {
    if (pg != null) {
      pg.close();
    }
  }

  private static SourceException failure(Map<String, String> options) {
    try (PostgresSource source = new PostgresSource(PostgresSourceConfig.parse(options))) {
      SourceException e = assertThrows(SourceException.class, source::discover);
      String password = options.get("password");
      assertFalse(e.getMessage().contains(password), "password leaked: " + e.getMessage());
      return e;
    }
  }

  @Test
  void readsColumnsKeysAndEstimates() {
    try (PostgresSource source = new PostgresSource(PostgresSourceConfig.parse(
        SourceConfigs.options(pg, "table-name", "customers|orders|no_key")))) {
      List<SourceTable> tables = source.discover();
      assertEquals(List.of("customers", "no_key", "orders"), tables.stream().map(t -> t.id().name()).toList());
      TableSchema customers = tables.get(0).schema();
      assertEquals(List.of("id", "name", "score", "tags"), customers.columnNames());
      assertEquals(DataType.LONG, customers.column(0).type());
      assertFalse(customers.column(1).nullable());
      assertEquals(DataType.decimal(5, 1), customers.column(2).type());
      assertEquals(DataType.listOf(DataType.STRING), customers.column(3).type());
      assertEquals(List.of("id"), customers.primaryKey());
      assertEquals(List.of(), tables.get(1).schema().primaryKey());
      assertEquals(List.of("b", "a"), tables.get(2).schema().primaryKey());
      assertTrue(tables.get(0).estimatedRows() >= -1);
    }
  }

  @Test
  void tableFilterSelectsForSyncDatabase() {
    try (PostgresSource source = new PostgresSource(PostgresSourceConfig.parse(SourceConfigs.options(pg)),
        TableFilter.of("orders.*|customers", "orders_archive"))) {
      assertEquals(List.of("customers", "orders"), source.discover().stream().map(t -> t.id().name()).toList());
    }
  }

  @Test
  void tableWithoutReplicaIdentityIsRefusedBeforeItBreaksTheApplication() throws Exception {
    SourceException e = failure(
        SourceConfigs.options(pg, "table-name", "customers|no_identity", "publication.name", "guarded_pub"));
    assertTrue(e.getMessage().contains("\"public\".\"no_identity\"") && e.getMessage().contains("REPLICA IDENTITY FULL")
        && !e.getMessage().contains("customers"), e.getMessage());
    // nothing was published, so the application's writes still work
    pg.execute(pg.database(), "INSERT INTO no_identity VALUES (1)", "UPDATE no_identity SET x = 2", "DELETE FROM no_identity");
  }

  @Test
  void unreachablePort() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    SourceException e = failure(SourceConfigs.options(pg, "port", String.valueOf(port), "table-name", "customers"));
    assertTrue(e.getMessage().contains("Cannot reach PostgreSQL at 127.0.0.1:" + port), e.getMessage());
    assertTrue(e.getMessage().contains("'hostname'"), e.getMessage());
  }

  @Test
  void wrongPassword() {
    SourceException e = failure(SourceConfigs.options(pg, "password", "not-the-password", "table-name", "customers"));
    assertTrue(e.getMessage().contains("rejected the password of role 'postgres'"), e.getMessage());
  }

  @Test
  void unknownDatabase() {
    SourceException e = failure(SourceConfigs.options(pg, "database-name", "nope", "table-name", "customers"));
    assertTrue(e.getMessage().contains("Database 'nope' does not exist"), e.getMessage());
  }

  @Test
  void roleWithoutReplication() {
    SourceException e = failure(SourceConfigs.options(pg, "username", "reader", "password", "reader-secret",
        "table-name", "customers"));
    assertTrue(e.getMessage().contains("ALTER ROLE \"reader\" WITH REPLICATION;"), e.getMessage());
  }

  @Test
  void noMatchingTableListsTheTables() {
    SourceException e = failure(SourceConfigs.options(pg, "table-name", "custmers"));
    assertTrue(e.getMessage().contains("custmers"), e.getMessage());
    assertTrue(e.getMessage().contains("customers, no_identity, no_key, orders, orders_archive"), e.getMessage());
  }

  @Test
  void slotInUseByAnotherProcess() throws Exception {
    try (PostgresSource first = startReading("busy")) {
      SourceException e = failure(SourceConfigs.options(pg, "table-name", "customers", "slot.name", "busy",
          "slot.busy.timeout", "1s"));
      assertTrue(e.getMessage().matches("(?s).*'busy' is in use by another process \\(pid \\d+\\).*"), e.getMessage());
      assertTrue(e.getMessage().contains("slot.name"), e.getMessage());
      assertTrue(e.getMessage().contains("slot.busy.timeout"), e.getMessage());
    }
  }

  @Test
  void slotReleasedWhileWaitingIsTaken() throws Exception {
    PostgresSource first = startReading("released");
    Thread closer = new Thread(() -> {
      try {
        Thread.sleep(1500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      first.close();
    });
    closer.start();
    try (PostgresSource second = new PostgresSource(PostgresSourceConfig.parse(
        SourceConfigs.options(pg, "table-name", "customers", "slot.name", "released", "slot.busy.timeout", "60s")))) {
      assertEquals(1, second.discover().size());
      assertFalse(slotActive("released"));
    } finally {
      closer.join();
    }
  }

  /** A source streaming from slot {@code slot}, once the slot shows as active. */
  private static PostgresSource startReading(String slot) throws Exception {
    CollectingListener listener = new CollectingListener();
    PostgresSource source = new PostgresSource(PostgresSourceConfig.parse(
        SourceConfigs.options(pg, "table-name", "customers", "slot.name", slot)));
    source.start(Optional.empty(), listener);
    listener.awaitProgress(p -> !p.inSnapshot(), Duration.ofSeconds(60));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!slotActive(slot) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(slotActive(slot), "the first source never held slot " + slot);
    return source;
  }

  private static boolean slotActive(String slot) throws Exception {
    try (java.sql.Connection c = pg.connect(pg.database()); java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery(
            "SELECT active FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  @Test
  void walLevelReplica() {
    try (PostgresServer replica = PostgresServer.builder().setting("wal_level", "replica").start()) {
      replica.execute(replica.database(), "CREATE TABLE t (id int primary key)");
      SourceException e = failure(SourceConfigs.options(replica, "table-name", "t"));
      assertTrue(e.getMessage().contains("wal_level = replica"), e.getMessage());
      assertTrue(e.getMessage().contains("ALTER SYSTEM SET wal_level = logical;"), e.getMessage());
    }
  }

  @Test
  void configRejectsOtherPluginsAndManagedDebeziumKeys() {
    ConfigException plugin = assertThrows(ConfigException.class,
        () -> PostgresSourceConfig.parse(SourceConfigs.options(pg, "decoding.plugin.name", "wal2json")));
    assertTrue(plugin.getMessage().contains("only 'pgoutput' is supported"), plugin.getMessage());
    ConfigException managed = assertThrows(ConfigException.class,
        () -> PostgresSourceConfig.parse(SourceConfigs.options(pg, "debezium.decimal.handling.mode", "double")));
    assertTrue(managed.getMessage().contains("debezium.decimal.handling.mode"), managed.getMessage());
    PostgresSourceConfig ok = PostgresSourceConfig.parse(SourceConfigs.options(pg, "debezium.snapshot.mode", "never",
        "debezium.slot.drop.on.stop", "true"));
    assertEquals("never", ok.debeziumProperties().get("snapshot.mode"));
    assertTrue(ok.dropSlotOnStop());
    assertFalse(ok.toString().contains(pg.password()));
    ConfigException missing = assertThrows(ConfigException.class,
        () -> PostgresSourceConfig.parse(Map.of("hostname", "h")));
    assertTrue(missing.getMessage().contains("Missing required postgres option"), missing.getMessage());
  }
}
