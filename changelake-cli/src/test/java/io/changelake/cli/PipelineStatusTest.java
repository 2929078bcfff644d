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
  void aRestartInTheProcessKeepsEachTablesFiguresGoingOnAndTheSyncRunning() throws Exception {
    PipelineStatus status = new PipelineStatus(StatusFile.forWarehouse(warehouse.toString(), "p1"), "p1", 0);
    TableSchema schema = new TableSchema(List.of(Column.of("id", DataType.LONG, false)), List.of("id"));
    status.prepared(List.of(new Pipeline.TableMapping(SOURCE, LAKE, "iceberg", schema, true)));
    status.committed(new CommitReport(Instant.now(), List.of(report(TableState.STREAMING, null)), 1, 7, "0/16B3748",
        Duration.ofMillis(1500), 42));
    Instant started = status.current().started();

    // a reset asked while the sync runs: the pipeline starts again copying the table, its new run counts from 0
    status.prepared(List.of(new Pipeline.TableMapping(SOURCE, LAKE, "iceberg", schema, false)));
    StatusFile.Status restarted = StatusFile.readAll(warehouse.toString()).get(0);
    assertEquals("RUNNING", restarted.state(), "a restart in the process is no stop");
    assertEquals(started, restarted.started());
    TableReport copying = restarted.tables().get(0);
    assertEquals(TableState.SNAPSHOTTING, copying.state());
    assertEquals(List.of(7L, 2L, 5L), List.of(copying.totalChanges(), copying.commits(), copying.rowsWritten()));
    assertEquals("0/16B3748", copying.position(), "the last commit stays until the table commits again");
    assertEquals(Instant.parse("2026-12-05T10:00:00Z"), copying.lastCommit());

    TableReport next = new TableReport(SOURCE, LAKE, "iceberg", TableState.STREAMING, 3, 3, 1, 3,
        Instant.parse("2026-12-05T10:01:00Z"), Duration.ofMillis(200), null, 0, "0/16B4000", null);
    status.committed(new CommitReport(Instant.now(), List.of(next), 1, 3, "0/16B4000", Duration.ofMillis(200), 0));
    StatusFile.Status read = StatusFile.readAll(warehouse.toString()).get(0);
    TableReport streaming = read.tables().get(0);
    assertEquals(List.of(10L, 3L, 8L), List.of(streaming.totalChanges(), streaming.commits(), streaming.rowsWritten()),
        "the new run's figures add to the earlier run's, not to themselves again");
    assertEquals(List.of("0/16B4000", "2026-12-05T10:01:00Z", "3"), List.of(streaming.position(),
        streaming.lastCommit().toString(), String.valueOf(streaming.committedChanges())));
    assertEquals("RUNNING", read.state());

    status.stopped(null);
    assertEquals("STOPPED", StatusFile.readAll(warehouse.toString()).get(0).state());
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
