package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.engine.pipeline.TableReport;
import io.changelake.testkit.PostgresServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sync with {@code --metrics-port}: {@code /metrics} counts exactly the changes made and the commits the lake
 * holds, {@code /health} turns 503 when a table is suspended, the slot's retained WAL shows and warns past the
 * threshold and for the suspended table, and {@code changelake status} shows the same figures.
 */
class HealthEndToEndTest {
  @RegisterExtension
  static final PostgresExtension POSTGRES = new PostgresExtension();

  @RegisterExtension
  final CapturedStderr stderr = new CapturedStderr();

  private final PostgresServer pg = POSTGRES.server();
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path warehouse;

  private int port;

  @Test
  void metricsHealthAndStatusShowTheSameFigures() throws Exception {
    String db = "health";
    String slot = "health_slot";
    pg.createDatabase(db);
    pg.execute(db, "CREATE TABLE steady (id int PRIMARY KEY, v text)", "CREATE TABLE breaking (id int PRIMARY KEY, code text)",
        "INSERT INTO steady VALUES (1, 'one'), (2, 'two'), (3, 'three')", "INSERT INTO breaking VALUES (1, '10'), (2, '20')");
    port = freePort();
    List<String> args = new ArrayList<>(List.of("sync-table", "--warehouse", warehouse.toString(), "--database", "lake",
        "--commit-interval", "300ms", "--metrics-port", String.valueOf(port), "--retained-warning", "16MiB"));
    args.addAll(RunningSync.asFlags("--source-conf", RunningSync.sourceOptions(pg, db, slot, "steady|breaking")));
    Instant started = Instant.now();
    try (RunningSync sync = RunningSync.ofCommandLine(args.toArray(String[]::new))) {
      sync.awaitMirrored(pg, db, "steady", "id");
      sync.awaitMirrored(pg, db, "breaking", "id");
      assertEquals(200, get("/health").statusCode(), get("/health").body());

      // six changes, each to its own key, so no two fold into one row: 3 + 6 changes and rows
      pg.execute(db, "INSERT INTO steady VALUES (10, 'ten')", "INSERT INTO steady VALUES (11, 'eleven'), (12, 'twelve')",
          "UPDATE steady SET v = 'one, again' WHERE id = 1", "UPDATE steady SET v = 'two, again' WHERE id = 2",
          "DELETE FROM steady WHERE id = 3");
      sync.awaitMirrored(pg, db, "steady", "id");
      sync.await("the changes counted", () -> table("changelake_table_changes_total", "steady").orElse(-1) == 9);
      String scrape = get("/metrics").body();
      assertEquals(9, value(scrape, "changelake_table_rows_written_total", "steady"), scrape);
      assertEquals(2, value(scrape, "changelake_table_changes_total", "breaking"), scrape);
      int lakeCommits = PipelineCommits.of("iceberg", warehouse.toString(), "steady").size();
      assertTrue(lakeCommits >= 2, "the snapshot and at least one round: " + lakeCommits);
      assertEquals(lakeCommits, value(scrape, "changelake_table_commits_total", "steady"), scrape);
      assertEquals(1, value(scrape, "changelake_table_state", "steady", "state", "streaming"), scrape);
      assertEquals(0, value(scrape, "changelake_table_state", "steady", "state", "suspended"), scrape);
      assertEquals(0, value(scrape, "changelake_table_lag_seconds", "steady"), "idle, so not lagging: " + scrape);
      double commitLag = value(scrape, "changelake_table_commit_lag_seconds", "steady");
      assertTrue(commitLag >= 0 && commitLag < 60, scrape);
      double lastCommit = value(scrape, "changelake_table_last_commit_timestamp_seconds", "steady");
      assertTrue(lastCommit >= started.getEpochSecond() && lastCommit <= Instant.now().getEpochSecond() + 1, scrape);
      assertTrue(value(scrape, "changelake_table_lag_bytes", "steady") >= 0, scrape);
      assertTrue(scrape.contains("jvm_memory_used_bytes{"), scrape);

      // a change breaking cannot take suspends it; steady goes on, and the slot keeps what breaking lacks
      pg.execute(db, "ALTER TABLE breaking ALTER COLUMN code TYPE int USING code::int",
          "INSERT INTO breaking VALUES (3, 30)", "INSERT INTO steady VALUES (20, 'twenty')");
      sync.await("/health to say 503", () -> get("/health").statusCode() == 503);
      assertTrue(get("/health").body().contains("SUSPENDED iceberg lake.breaking: "), get("/health").body());
      sync.awaitMirrored(pg, db, "steady", "id");
      sync.await("breaking's state to be suspended",
          () -> table("changelake_table_state", "breaking", "state", "suspended").orElse(0) == 1);
      sync.await("the retained WAL to show", () -> source("changelake_source_retained_bytes").orElse(0) > 0);

      // WAL past 16 MiB held back by the suspended table: both warnings, in the log, the status and /metrics
      pg.execute(db, "INSERT INTO steady VALUES (21, 'x')", "SELECT pg_switch_wal()", "INSERT INTO steady VALUES (22, 'y')",
          "SELECT pg_switch_wal()", "INSERT INTO steady VALUES (23, 'z')");
      sync.awaitMirrored(pg, db, "steady", "id");
      sync.await("both warnings", () -> pipeline("changelake_pipeline_warnings").orElse(0) == 2);
      assertTrue(source("changelake_source_retained_bytes").getAsDouble() > 16 << 20);
      String log = stderr.text();
      assertTrue(log.contains("more than --retained-warning 16.0 MiB"), log);
      assertTrue(log.contains("SUSPENDED iceberg table lake.breaking holds the source at its last commit"), log);
      assertTrue(log.contains("Serving metrics at http://127.0.0.1:" + port + "/metrics"), log);

      // status shows the figures /metrics shows, from the same standing
      scrape = get("/metrics").body();
      StatusFile.Status status = StatusFile.readAll(warehouse.toString()).get(0);
      TableReport steady = status.tables().stream().filter(t -> t.lake().name().equals("steady")).findFirst()
          .orElseThrow();
      assertEquals(13, steady.totalChanges(), status.toString());
      assertEquals(value(scrape, "changelake_table_changes_total", "steady"), steady.totalChanges(), scrape);
      assertEquals(value(scrape, "changelake_table_commits_total", "steady"), steady.commits(), scrape);
      assertEquals(value(scrape, "changelake_table_rows_written_total", "steady"), steady.rowsWritten(), scrape);
      CommandResult shown = CommandResult.run("status", "--warehouse", warehouse.toString());
      assertEquals(ExitCode.OK, shown.code(), shown.err());
      String steadyRow = shown.out().lines().filter(l -> l.startsWith("lake.steady ")).findFirst().orElseThrow();
      assertTrue(steadyRow.matches("lake\\.steady +\\| public\\.steady +\\| iceberg +\\| STREAMING +\\| 13 +\\| "
          + steady.commits() + " +\\| 13 +\\| .*"), shown.out());
      assertTrue(shown.out().contains("  source retained_bytes: "), shown.out());
      assertTrue(shown.out().contains("  WARNING The source retains "), shown.out());
      assertTrue(shown.out().contains("  WARNING SUSPENDED iceberg table lake.breaking holds the source"), shown.out());
      assertTrue(!shown.out().contains(pg.password()) && !scrape.contains(pg.password()), "no secret shown");
      assertEquals(0, sync.stop());
    }
  }

  private HttpResponse<String> get(String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError("GET " + path + " failed", e);
    }
  }

  private OptionalDouble table(String name, String table, String... labels) {
    return find(get("/metrics").body(), name, withTable(table, labels));
  }

  private OptionalDouble source(String name) {
    return find(get("/metrics").body(), name, "source", "postgres");
  }

  private OptionalDouble pipeline(String name) {
    return find(get("/metrics").body(), name, "pipeline", "health_slot");
  }

  private static double value(String scrape, String name, String table, String... labels) {
    return find(scrape, name, withTable(table, labels))
        .orElseThrow(() -> new AssertionError(name + " of " + table + " missing:\n" + scrape));
  }

  private static String[] withTable(String table, String... labels) {
    List<String> all = new ArrayList<>(List.of("table", "lake." + table, "format", "iceberg"));
    all.addAll(List.of(labels));
    return all.toArray(String[]::new);
  }

  /** The value of the sample {@code name} whose labels include {@code labels} (name, value, ...). */
  private static OptionalDouble find(String scrape, String name, String... labels) {
    for (String line : scrape.lines().toList()) {
      if (!line.startsWith(name + "{")) {
        continue;
      }
      String labelText = line.substring(name.length(), line.lastIndexOf('}') + 1);
      boolean all = true;
      for (int i = 0; i < labels.length; i += 2) {
        all &= labelText.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
      }
      if (all) {
        return OptionalDouble.of(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
      }
    }
    return OptionalDouble.empty();
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
