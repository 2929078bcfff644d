package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.spi.WriteMode;
import io.changelake.hadoop.HadoopConf;
import io.changelake.testkit.PostgresServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NotAuthorizedException;
import org.apache.iceberg.rest.RESTCatalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code changelake serve} over the warehouse of a running sync: Iceberg's own REST client lists and
 * loads the tables, Iceberg's generic reader reads them, and they equal the PostgreSQL source row by
 * row, before and after changes the sync commits while serving. The token comes from the
 * environment (set by this module's surefire configuration) and is never printed.
 */
class ServeCommandTest {
  private static final String DB = "served";
  /** The value of CHANGELAKE_TEST_SECRET, set for the tests in this module's pom. */
  private static final String TOKEN = System.getenv("CHANGELAKE_TEST_SECRET");
  private static final TableIdentifier PRODUCTS = TableIdentifier.of("lake", "products");

  @RegisterExtension
  static final PostgresExtension PG = new PostgresExtension();

  @TempDir
  static Path warehouse;

  private static PostgresServer pg;
  private static RunningSync sync;
  private static Thread serving;
  private static final StringWriter OUT = new StringWriter();
  private static final StringWriter ERR = new StringWriter();
  private static int exitCode = -1;
  private static String uri;
  private static RESTCatalog client;

  @BeforeAll
  static void syncAndServe() throws Exception {
    pg = PG.server();
    pg.createDatabase(DB);
    pg.execute(DB, "CREATE TABLE products (id bigint PRIMARY KEY, name text NOT NULL, price numeric(10,2),"
            + " added timestamptz, tags text[])",
        "INSERT INTO products SELECT i, 'product ' || i, i * 1.25, timestamptz '2026-01-01 00:00:00+00' + i * interval"
            + " '1 minute', ARRAY['t' || (i % 7)] FROM generate_series(1, 500) i");
    sync = new RunningSync(RunningSync.request(RunningSync.sourceOptions(pg, DB, "served_slot", "products"),
        warehouse.toString(), WriteMode.UPSERT, List.of()));
    sync.awaitMirrored(pg, DB, "products", "id");

    CommandLine command = Main.commandLine();
    command.setOut(new PrintWriter(OUT, true));
    command.setErr(new PrintWriter(ERR, true));
    serving = new Thread(() -> exitCode = command.execute("serve", "--warehouse", warehouse.toString(), "--port", "0",
        "--token", "${env:CHANGELAKE_TEST_SECRET}"), "serve-command");
    serving.start();
    uri = awaitUri();
    client = client(TOKEN);
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (serving != null) {
      serving.interrupt();
      serving.join(30_000);
      assertEquals(0, exitCode, "serve stops cleanly when interrupted: " + ERR);
    }
    if (sync != null) {
      sync.close();
    }
  }

  @Test
  void aSyncedTableServedOverRestEqualsTheSource() throws Exception {
    assertEquals(List.of(Namespace.of("lake")), client.listNamespaces(), "no hidden folder is a namespace");
    assertEquals(List.of(PRODUCTS), client.listTables(Namespace.of("lake")));
    assertEquals(TableComparison.source(pg, DB, "products", "id"), TableComparison.lake(client.loadTable(PRODUCTS), "id"));
  }

  @Test
  void whatTheSyncCommitsWhileServingIsServedByTheNextLoad() throws Exception {
    pg.execute(DB, "UPDATE products SET price = price * 2, tags = ARRAY['sale'] WHERE id % 10 = 0",
        "DELETE FROM products WHERE id % 7 = 0",
        "INSERT INTO products VALUES (1001, 'new', 9.99, now(), NULL)");
    sync.awaitMirrored(pg, DB, "products", "id");
    assertEquals(TableComparison.source(pg, DB, "products", "id"), TableComparison.lake(client.loadTable(PRODUCTS), "id"));
  }

  @Test
  void theTokenIsRequiredAndNeverPrinted() {
    assertThrows(NotAuthorizedException.class, () -> client(null));
    assertThrows(NotAuthorizedException.class, () -> client("wrong"));
    assertTrue(OUT.toString().contains("(1 now) at http://127.0.0.1:") && OUT.toString().contains(
        "(bearer token required)"), OUT.toString());
    assertFalse(OUT.toString().contains(TOKEN) || ERR.toString().contains(TOKEN), "the token is never printed");
  }

  @Test
  void unknownTablesAndWritesAreAnsweredWithTheErrorModel() {
    assertThrows(NoSuchTableException.class, () -> client.loadTable(TableIdentifier.of("lake", "nothing")));
    assertThrows(ForbiddenException.class, () -> client.dropTable(PRODUCTS));
    assertTrue(client.tableExists(PRODUCTS));
  }

  @Test
  void badOptionsExitWithUsageAndSayWhatToFix() throws IOException {
    assertUsage("No warehouse at", "serve", "--warehouse", warehouse.resolve("missing").toString());
    assertUsage("port", "serve", "--warehouse", warehouse.toString(), "--port", "70000");
    assertUsage("mutually exclusive", "serve", "--warehouse", warehouse.toString(), "--token", "a", "--token-file", "f");
    assertUsage("no such file", "serve", "--warehouse", warehouse.toString(), "--token-file",
        warehouse.resolve("no-token").toString());
    Path empty = Files.writeString(warehouse.resolve("empty-token"), "\n");
    assertUsage("empty", "serve", "--warehouse", warehouse.toString(), "--token-file", empty.toString());
    assertUsage("Cannot listen", "serve", "--warehouse", warehouse.toString(), "--port",
        String.valueOf(java.net.URI.create(uri).getPort()));
  }

  @Test
  void helpShowsExamplesWithTheTokenKeptOffTheCommandLine() {
    StringWriter out = new StringWriter();
    CommandLine command = Main.commandLine();
    command.setOut(new PrintWriter(out, true));
    assertEquals(0, command.execute("serve", "--help"));
    assertTrue(out.toString().contains("changelake serve --warehouse ./lake --token '${env:LAKE_TOKEN}'"),
        out.toString());
    assertTrue(out.toString().contains("spark.sql.catalog.lake.type=rest"), out.toString());
  }

  private static void assertUsage(String expected, String... args) {
    StringWriter err = new StringWriter();
    CommandLine command = Main.commandLine();
    command.setErr(new PrintWriter(err, true));
    command.setOut(new PrintWriter(new StringWriter(), true));
    int code = command.execute(args);
    assertEquals(ExitCode.USAGE, code, String.join(" ", args) + ": " + err);
    assertTrue(err.toString().contains(expected), err.toString());
  }

  private static String awaitUri() throws InterruptedException {
    Pattern url = Pattern.compile("(http://[0-9.]+:[0-9]+)");
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline) && serving.isAlive()) {
      Matcher matcher = url.matcher(OUT.toString());
      if (matcher.find()) {
        return matcher.group(1);
      }
      Thread.sleep(50);
    }
    throw new AssertionError("serve did not start (exit " + exitCode + "):\n" + OUT + ERR);
  }

  private static RESTCatalog client(String token) {
    RESTCatalog catalog = new RESTCatalog();
    catalog.setConf(HadoopConf.create());
    catalog.initialize("lake", token == null ? Map.of("uri", uri) : Map.of("uri", uri, "token", token));
    return catalog;
  }
}
