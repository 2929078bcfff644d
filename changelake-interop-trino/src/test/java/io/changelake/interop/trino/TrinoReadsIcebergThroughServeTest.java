package io.changelake.interop.trino;

import static io.trino.testing.TestingSession.testSessionBuilder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.changelake.interop.ChildSync;
import io.changelake.interop.EveryTypeTable;
import io.changelake.testkit.PostgresServer;
import io.trino.plugin.iceberg.IcebergPlugin;
import io.trino.testing.MaterializedResult;
import io.trino.testing.MaterializedRow;
import io.trino.testing.StandaloneQueryRunner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * Trino reads the Iceberg tables changelake writes through {@code changelake serve}: a real sync
 * ({@code changelake sync-table --format iceberg}, from the command's jar in its own JVM) mirrors the table of
 * every type and edge value ({@link EveryTypeTable}), snapshot then streamed changes, while {@code changelake
 * serve} (the same jar, its own JVM, a bearer token from a file) serves the warehouse; a Trino server in this
 * JVM attaches its Iceberg connector to that URL with the catalog properties of the README, nothing else set.
 * Every row and column Trino reads equals PostgreSQL's (see {@link TrinoCanonical}), now and, with
 * {@code FOR VERSION AS OF}, as the table was after the snapshot; {@code $snapshots} lists the snapshots the
 * catalog's own metadata holds.
 */
class TrinoReadsIcebergThroughServeTest {
  private static final String DB = "engines";
  private static final String TABLE = EveryTypeTable.NAME;
  private static final String TOKEN = "trino-interop-token-" + System.nanoTime();

  private static PostgresServer pg;
  private static Path warehouse;
  private static ChildSync serve;
  private static String serveUrl;
  private static StandaloneQueryRunner trino;
  /** PostgreSQL's table once the snapshot was mirrored, and the Iceberg snapshot that held it. */
  private static EveryTypeTable.Snapshot afterSnapshot;
  private static long afterSnapshotId;
  /** PostgreSQL's table once the streamed changes were mirrored; the sync is stopped then. */
  private static EveryTypeTable.Snapshot afterChanges;

  @BeforeAll
  static void mirrorThroughServe() throws Exception {
    warehouse = Files.createTempDirectory("changelake-trino-");
    pg = PostgresServer.start();
    pg.createDatabase(DB);
    EveryTypeTable.create(pg, DB);
    // one format: its tables live in the warehouse folder itself, which serve serves from the start
    Path tokenFile = Files.writeString(warehouse.resolve("serve-token"), TOKEN + "\n");
    Path lake = Files.createDirectories(warehouse.resolve("lake"));
    serve = ChildSync.start(warehouse.resolve("serve.log"), List.of("serve", "--warehouse", lake.toString(),
        "--port", "0", "--token-file", tokenFile.toString()));
    serveUrl = serve.awaitUrl();
    trino = startTrino(serveUrl, TOKEN);

    try (ChildSync sync = ChildSync.start(warehouse.resolve("sync.log"), List.of("sync-table",
        "--source-conf", "hostname=" + pg.host(), "--source-conf", "port=" + pg.port(),
        "--source-conf", "username=" + pg.username(), "--source-conf", "password=" + pg.password(),
        "--source-conf", "database-name=" + DB, "--source-conf", "table-name=" + TABLE,
        "--warehouse", lake.toString(), "--database", "lake", "--format", "iceberg", "--commit-interval", "1s"))) {
      afterSnapshot = EveryTypeTable.read(pg, DB);
      await(sync, afterSnapshot, "the snapshot");
      afterSnapshotId = (long) trino.execute(
          "SELECT snapshot_id FROM \"" + TABLE + "$snapshots\" ORDER BY committed_at DESC LIMIT 1").getOnlyValue();

      EveryTypeTable.change(pg, DB);
      afterChanges = EveryTypeTable.read(pg, DB);
      await(sync, afterChanges, "the streamed changes");
      assertEquals(0, sync.stop(), "a sync stopped by SIGTERM exits 0:\n" + sync.output());
    }
  }

  /**
   * A Trino server in this JVM with one catalog, {@code lake}: the Iceberg connector on {@code changelake serve}.
   * {@code fs.local.enabled} lets Trino open the {@code file:} paths the catalog hands out.
   */
  private static StandaloneQueryRunner startTrino(String url, String token) {
    StandaloneQueryRunner runner = new StandaloneQueryRunner(
        testSessionBuilder().setCatalog("lake").setSchema("lake").build());
    runner.installPlugin(new IcebergPlugin());
    runner.createCatalog("lake", "iceberg", Map.of(
        "iceberg.catalog.type", "rest",
        "iceberg.rest-catalog.uri", url,
        "iceberg.rest-catalog.security", "OAUTH2",
        "iceberg.rest-catalog.oauth2.token", token,
        "fs.local.enabled", "true",
        "local.location", "/"));
    return runner;
  }

  @AfterAll
  static void stop() throws Exception {
    if (trino != null) {
      trino.close();
    }
    if (serve != null) {
      assertEquals(0, serve.stop(), "serve stopped by SIGTERM exits 0:\n" + serve.output());
    }
    if (pg != null) {
      pg.close();
    }
    if (warehouse != null) {
      try (var files = Files.walk(warehouse)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  @Test
  void trinoSeesTheCatalog() {
    assertTrue(trino.execute("SHOW SCHEMAS").getOnlyColumnAsSet().contains("lake"));
    assertEquals(List.of(TABLE), trino.execute("SHOW TABLES").getOnlyColumn().toList());
  }

  @Test
  void trinoReadsTheTableAsPostgresHasIt() {
    assertSame(afterChanges, read("SELECT * FROM " + TABLE, afterChanges), "now");
  }

  @Test
  void timeTravelReadsTheTableAsItWasAfterTheSnapshot() {
    assertSame(afterSnapshot, read("SELECT * FROM " + TABLE + " FOR VERSION AS OF " + afterSnapshotId, afterSnapshot),
        "FOR VERSION AS OF " + afterSnapshotId);
  }

  @Test
  void snapshotsTableListsTheCatalogsSnapshots() throws Exception {
    JsonNode metadata = new ObjectMapper().readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(serveUrl + "/v1/namespaces/lake/tables/" + TABLE))
            .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString()).body())
        .get("metadata");
    Map<Long, String> expected = new TreeMap<>();
    metadata.get("snapshots").forEach(s -> expected.put(s.get("snapshot-id").asLong(),
        s.path("parent-snapshot-id").asText("none") + " " + s.get("summary").get("operation").asText()));
    Map<Long, String> listed = new TreeMap<>();
    for (MaterializedRow row : trino.execute(
        "SELECT snapshot_id, parent_id, operation FROM \"" + TABLE + "$snapshots\"").getMaterializedRows()) {
      listed.put((Long) row.getField(0), Objects.toString(row.getField(1), "none") + " " + row.getField(2));
    }
    assertTrue(expected.size() >= 2, "the snapshot and the changes are separate commits: " + expected);
    assertTrue(expected.containsKey(afterSnapshotId));
    assertEquals(expected, listed);
    assertEquals(metadata.get("current-snapshot-id").asLong(), (long) trino.execute(
        "SELECT snapshot_id FROM \"" + TABLE + "$snapshots\" ORDER BY committed_at DESC LIMIT 1").getOnlyValue());
  }

  /** Trino's column names and types, and every value, equal PostgreSQL's at {@code when}. */
  private static void assertSame(EveryTypeTable.Snapshot source, TrinoTable lake, String when) {
    Map<String, String> types = new LinkedHashMap<>();
    source.columns().forEach((name, column) ->
        types.put(name.toLowerCase(Locale.ROOT), TrinoCanonical.trinoType(column)));
    assertEquals(types, lake.types(), when + ": Trino's column names and types");
    assertEquals(source.rows().keySet(), lake.rows().keySet(), when + ": keys");
    List<String> differences = new ArrayList<>();
    source.rows().forEach((key, row) -> row.forEach((column, value) -> {
      String read = lake.rows().get(key).get(column.toLowerCase(Locale.ROOT));
      if (!Objects.equals(value, read)) {
        differences.add("id " + key + " " + column + ": PostgreSQL " + value + ", Trino " + read);
      }
    }));
    assertEquals(List.of(), differences, when + ": values");
  }

  /** A table as Trino reads it: column → Trino type, and id → column → canonical text. */
  record TrinoTable(Map<String, String> types, Map<Integer, Map<String, String>> rows) { }

  /** What {@code sql} returns, as canonical texts; the source's types tell the texts that depend on them. */
  private static TrinoTable read(String sql, EveryTypeTable.Snapshot source) {
    MaterializedResult result = trino.execute(sql);
    List<String> names = result.getColumnNames();
    Map<String, String> types = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      types.put(names.get(i), result.getTypes().get(i).getDisplayName());
    }
    Map<String, String> pgTypes = new LinkedHashMap<>();
    source.types().forEach((name, type) -> pgTypes.put(name.toLowerCase(Locale.ROOT), type));
    Map<Integer, Map<String, String>> rows = new TreeMap<>();
    for (MaterializedRow row : result.getMaterializedRows()) {
      Map<String, String> values = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        values.put(names.get(i), TrinoCanonical.of(row.getField(i), pgTypes.get(names.get(i))));
      }
      if (rows.put((Integer) row.getField(names.indexOf("id")), values) != null) {
        throw new AssertionError(sql + " returns id " + row.getField(names.indexOf("id")) + " twice");
      }
    }
    return new TrinoTable(types, rows);
  }

  /** Waits until Trino, through serve, reads the table as PostgreSQL has it ({@code source}). */
  private static void await(ChildSync sync, EveryTypeTable.Snapshot source, String what) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    Object last = null;
    while (true) {
      String output = sync.output();
      if (!sync.isAlive() || output.contains("SUSPENDED")) {
        throw new AssertionError("The sync stopped or suspended the table while waiting for " + what + ":\n" + output);
      }
      try {
        assertSame(source, read("SELECT * FROM " + TABLE, source), what);
        return;
      } catch (AssertionFailedError | RuntimeException e) {  // a value without a canonical text fails at once
        last = e;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("Trino never read " + what + "; last: " + last + "\nsync output:\n" + sync.output()
            + "\nserve output:\n" + serve.output(), last instanceof Throwable t ? t : null);
      }
      Thread.sleep(500);
    }
  }
}
