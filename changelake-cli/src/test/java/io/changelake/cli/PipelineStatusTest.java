package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.SourceMetric;
import io.changelake.engine.pipeline.CommitReport;
import io.changelake.engine.pipeline.Pipeline;
import io.changelake.engine.pipeline.TableReport;
import io.changelake.engine.pipeline.TableState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sync's standing: warnings, the status file it writes, /health and the health flags. */
class PipelineStatusTest {
  private static final TableId SOURCE = new TableId("public", "orders");
  private static final TableId LAKE = new TableId("lake", "orders");

  @TempDir
  Path warehouse;

  @Test
  void warnsPastTheThresholdAndForASuspendedTableOnlyWhenTheSourceRetainsData() {
    TableReport streaming = report(TableState.STREAMING, null);
    TableReport suspended = report(TableState.SUSPENDED, "column x changed");
    List<SourceMetric> retained = List.of(new SourceMetric(SourceMetric.RETAINED_BYTES, "WAL the slot retains", 3 << 20));

    assertEquals(Map.of(), PipelineStatus.warnings(List.of(streaming), retained, 4 << 20));
    assertEquals(List.of("retained data past the threshold"),
        List.copyOf(PipelineStatus.warnings(List.of(streaming), retained, 2 << 20).keySet()));
    assertEquals(Map.of(), PipelineStatus.warnings(List.of(streaming), retained, 0), "0 never warns");

    Map<String, String> held = PipelineStatus.warnings(List.of(suspended), retained, 0);
    assertEquals(1, held.size());
    String warning = held.values().iterator().next();
    assertTrue(warning.contains("SUSPENDED iceberg table lake.orders holds the source at its last commit (0/16B3748)")
        && warning.contains("3.0 MiB (WAL the slot retains)") && warning.contains("column x changed"), warning);
    assertEquals(Map.of(), PipelineStatus.warnings(List.of(suspended), List.of(), 1), "nothing retained, nothing held");
  }

  @Test
  void theStatusFileHoldsWhatTheListenerWasTold() throws Exception {
    PipelineStatus status = new PipelineStatus(StatusFile.forWarehouse(warehouse.toString(), "p1"), "p1", 1 << 20);
    status.committed(new CommitReport(Instant.now(), List.of(report(TableState.STREAMING, null)), 1, 7, "0/16B3748",
        Duration.ofMillis(1500), 42));
    status.source(List.of(new SourceMetric(SourceMetric.RETAINED_BYTES, "WAL the slot retains", 2 << 20)));
    status.suspended(LAKE, "iceberg", "column x changed");

    StatusFile.Status read = StatusFile.readAll(warehouse.toString()).get(0);
    assertEquals(status.current(), read);
    assertEquals(TableState.SUSPENDED, read.tables().get(0).state());
    assertEquals("column x changed", read.tables().get(0).reason());
    assertEquals(42, read.lagBytes());
    assertEquals(2, read.warnings().size(), read.warnings().toString());

    status.stopped("boom");
    assertEquals("FAILED", StatusFile.readAll(warehouse.toString()).get(0).state());
  }

  @Test
  void healthIsUpWhileTablesStreamAndDownOnceOneIsSuspendedOrTheSyncFailed() throws Exception {
    PipelineStatus status = new PipelineStatus(StatusFile.forWarehouse(warehouse.toString(), "p1"), "p1", 0);
    status.prepared(List.of(new Pipeline.TableMapping(SOURCE, LAKE, "iceberg", new TableSchema(List.of(Column.of("id", DataType.LONG, false)), List.of("id")), true)));
    try (HealthServer server = HealthServer.start(new HealthSettings(0, "127.0.0.1", 0), status, "postgres")) {
      HttpResponse<String> up = get(server, "/health");
      assertEquals(200, up.statusCode(), up.body());
      assertTrue(up.body().startsWith("UP running: 1 table(s) streaming"), up.body());
      String scrape = get(server, "/metrics").body();
      assertTrue(scrape.contains("changelake_table_state{format=\"iceberg\",pipeline=\"p1\",state=\"streaming\","
          + "table=\"lake.orders\"} 1.0"), scrape);

      status.suspended(LAKE, "iceberg", "column x changed");
      HttpResponse<String> suspended = get(server, "/health");
      assertEquals(503, suspended.statusCode());
      assertTrue(suspended.body().contains("SUSPENDED iceberg lake.orders: column x changed"), suspended.body());

      PipelineStatus failing = new PipelineStatus(StatusFile.forWarehouse(warehouse.toString(), "p2"), "p2", 0);
      try (HealthServer other = HealthServer.start(new HealthSettings(0, "127.0.0.1", 0), failing, "postgres")) {
        assertEquals(200, get(other, "/health").statusCode());
        failing.stopped("The source stopped: connection refused");
        HttpResponse<String> failed = get(other, "/health");
        assertEquals(503, failed.statusCode());
        assertTrue(failed.body().contains("sync failed: The source stopped: connection refused"), failed.body());
      }
    }
  }

  @Test
  void healthFlagsAreCheckedWithTheFix() {
    assertEquals(1L << 30, HealthSettings.parseSize("1GiB"));
    assertEquals(512L << 20, HealthSettings.parseSize("512 MiB"));
    assertEquals(12, HealthSettings.parseSize("12"));
    var unit = assertThrows(IllegalArgumentException.class, () -> HealthSettings.parseSize("1GB"));
    assertTrue(unit.getMessage().contains("KiB, MiB, GiB or TiB"), unit.getMessage());
    var port = assertThrows(IllegalArgumentException.class, () -> new HealthSettings(70000, "127.0.0.1", 0));
    assertTrue(port.getMessage().startsWith("--metrics-port must be a TCP port"), port.getMessage());
    CommandResult taken = CommandResult.run("sync-table", "--metrics-port", "-1", "--source-conf", "hostname=h");
    assertEquals(ExitCode.USAGE, taken.code(), taken.err());
    assertTrue(taken.err().contains("--metrics-port"), taken.err());
  }

  private static TableReport report(TableState state, String reason) {
    return new TableReport(SOURCE, LAKE, "iceberg", state, 0, 7, 2, 5, Instant.parse("2026-12-05T10:00:00Z"),
        Duration.ofMillis(300), null, 0, "0/16B3748", reason);
  }

  private static HttpResponse<String> get(HealthServer server, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .build(), HttpResponse.BodyHandlers.ofString());
  }
}
