package io.changelake.cli;

import io.changelake.api.model.TableId;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableFilter;
import io.changelake.api.spi.TableSink;
import io.changelake.api.spi.WriteMode;
import io.changelake.engine.transform.FunctionDialect;
import io.changelake.testkit.PostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {
        "A first look, with nothing else set up: starts a private PostgreSQL, creates the guide's e-commerce schema"
            + " (products, customers, orders, inventory), mirrors it to Iceberg tables under ./changelake-demo, applies"
            + " INSERT, UPDATE, DELETE and ALTER TABLE ADD COLUMN while the sync runs, and prints the tables, their"
            + " snapshots and a query over them. Removes its database and replication slot at the end; the lake tables stay for you to read."
    },
    footer = {"", "Example:", "  ./changelake demo"})
final class DemoCommand implements Callable<Integer> {
  static final String LAKE_DATABASE = "lakehouse";
  private static final List<String> TABLES = List.of("products", "customers", "orders", "inventory");
  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  /** What the demo changes in the source while the sync runs, after the guide's schema and rows. */
  static final List<String> CHANGES = List.of(
      "INSERT INTO products (product_id, product_name, category, subcategory, brand, price, cost)"
          + " VALUES ('prod_test_001', 'Test Product', 'electronics', 'test', 'TestBrand', 99.99, 50.00)",
      "UPDATE products SET price = price * 0.9 WHERE category = 'home'",
      "DELETE FROM inventory WHERE product_id = 'prod_044'",
      "ALTER TABLE products ADD COLUMN sku varchar(50)",
      "UPDATE products SET sku = 'SKU-' || product_id WHERE product_id <= 'prod_005'");
  private static final String QUERY = "SELECT category, count(*) AS products, sum(price) AS price_sum FROM "
      + LAKE_DATABASE + ".products GROUP BY category ORDER BY category";

  @Spec
  CommandSpec spec;

  @Option(names = "--warehouse", defaultValue = "changelake-demo",
      description = "Where the demo's lake tables go; emptied first. Default: ./${DEFAULT-VALUE}.")
  Path warehouse;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    resetWarehouse();
    step(out, "Starting a private PostgreSQL");
    try (PostgresServer postgres = PostgresServer.start()) {
      postgres.createDatabase("ecommerce");
      postgres.execute("ecommerce", resource("guide/ecommerce.sql"));
      step(out, "Created the e-commerce schema in database 'ecommerce' on port " + postgres.port());

      SyncRunner runner = new SyncRunner(out, spec.commandLine().getErr());
      ExecutorService executor = Executors.newSingleThreadExecutor();
      Future<Integer> sync = executor.submit(() -> runner.run(request(postgres)));
      try {
        step(out, "Mirroring to Iceberg under " + warehouse.toAbsolutePath() + " (initial snapshot)");
        awaitLake(sync, sink -> TABLES.stream().allMatch(t -> committed(sink, t)));
        printTables(out);

        step(out, "Changing the source: INSERT, UPDATE, DELETE and ALTER TABLE ADD COLUMN");
        changesAt = Instant.now();
        postgres.execute("ecommerce", CHANGES.toArray(String[]::new));
        awaitLake(sync, sink -> hasColumn(sink, "products", "sku") && committedAfterChanges(sink));
        step(out, "The lake follows: products now has column sku, product prod_test_001, the new prices; inventory"
            + " lost prod_044");
        out.println();
        Main.execute("show", "--warehouse", warehouse.toString(), LAKE_DATABASE + ".products", "--limit", "25");
        out.println();
        Main.execute("snapshots", "--warehouse", warehouse.toString(), LAKE_DATABASE + ".products");
        step(out, "SQL over the lake tables (changelake query): " + QUERY);
        out.println();
        Main.execute("query", "--warehouse", warehouse.toString(), QUERY);
      } finally {
        runner.stop();
        executor.shutdown();
      }
      int code = sync.get();
      step(out, "Stopped the sync; removing the demo database and its replication slot");
      out.println();
      out.println("Read the tables yourself:");
      out.println("  ./changelake tables --warehouse " + warehouse);
      out.println("  ./changelake show " + LAKE_DATABASE + ".orders --warehouse " + warehouse);
      out.println("  ./changelake query --warehouse " + warehouse + " \"" + QUERY + "\"");
      out.println("  ./changelake query --warehouse " + warehouse + "    (an SQL prompt; the guide's queries run as written)");
      out.println("  (Spark, Flink, DuckDB: see README.md, 'Reading the tables')");
      out.flush();
      return code;
    }
  }

  private Instant changesAt;

  private boolean committedAfterChanges(TableSink sink) {
    return Stream.of("products", "inventory").allMatch(t -> sink.find(new TableId(LAKE_DATABASE, t))
        .flatMap(SinkTable::lastCommit).map(c -> c.committedAt().isAfter(changesAt)).orElse(false));
  }

  private SyncRequest request(PostgresServer postgres) {
    Map<String, String> source = Map.of(
        "hostname", postgres.host(),
        "port", String.valueOf(postgres.port()),
        "username", postgres.username(),
        "password", postgres.password(),
        "database-name", "ecommerce",
        "slot.name", "changelake_demo",
        "debezium.slot.drop.on.stop", "true");
    return new SyncRequest("postgres", source, TableFilter.ALL, warehouse.toString(), LAKE_DATABASE, null, Map.of(),
        Map.of(), WriteMode.UPSERT, List.of(), Duration.ofSeconds(1), SyncOptions.DEFAULT_MAX_PENDING,
        List.of(Providers.DEFAULT_FORMAT), List.of(), List.of(), FunctionDialect.SQL);
  }

  private void awaitLake(Future<Integer> sync, Predicate<TableSink> condition) throws Exception {
    Instant deadline = Instant.now().plus(TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (sync.isDone()) {
        sync.get();
        throw new IllegalStateException("The sync stopped early");
      }
      try (TableSink sink = Providers.sink(Providers.DEFAULT_FORMAT).open(warehouse.toString(), Map.of(), Map.of())) {
        if (condition.test(sink)) {
          return;
        }
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("The demo's lake tables did not catch up within " + TIMEOUT.toMinutes() + " minutes");
  }

  private static boolean committed(TableSink sink, String table) {
    return sink.find(new TableId(LAKE_DATABASE, table)).flatMap(SinkTable::lastCommit).isPresent();
  }

  private static boolean hasColumn(TableSink sink, String table, String column) {
    return sink.find(new TableId(LAKE_DATABASE, table)).map(t -> t.schema().indexOf(column) >= 0).orElse(false);
  }

  private void printTables(PrintWriter out) {
    out.println();
    Main.execute("tables", "--warehouse", warehouse.toString());
    out.println();
  }

  private static void step(PrintWriter out, String text) {
    out.println("==> " + text);
    out.flush();
  }

  /** Empties the demo warehouse, refusing a folder that does not look like one. */
  private void resetWarehouse() throws IOException {
    if (!Files.exists(warehouse)) {
      return;
    }
    try (Stream<Path> entries = Files.list(warehouse)) {
      List<String> names = entries.map(p -> p.getFileName().toString()).toList();
      if (!names.stream().allMatch(n -> n.equals(LAKE_DATABASE) || n.equals(".changelake"))) {
        throw new IllegalArgumentException("--warehouse " + warehouse + " holds files the demo did not write " + names
            + "; choose an empty or new folder.");
      }
    }
    try (Stream<Path> all = Files.walk(warehouse)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** A text resource of the command's jar, e.g. {@code guide/ecommerce.sql}. */
  static String resource(String name) {
    try (InputStream in = DemoCommand.class.getClassLoader().getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
