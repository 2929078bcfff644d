package io.changelake.cli;

import io.changelake.api.spi.TableSink;
import io.changelake.sink.iceberg.IcebergSink;
import io.changelake.sink.iceberg.rest.RestCatalogConfig;
import io.changelake.sink.iceberg.rest.RestCatalogServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serves the Iceberg tables of a warehouse over the Iceberg REST catalog protocol: Spark, Trino,"
        + " Flink, PyIceberg and other engines attach by URL, load a table's metadata and read its files directly"
        + " from the warehouse folder. Each load reads the catalog afresh, so what a running sync commits is seen by"
        + " the next query. Runs until Ctrl-C or SIGTERM.",
        "Read-only: creating, committing to, dropping or renaming tables and namespaces is refused with 403. With a"
            + " token every request must carry 'Authorization: Bearer <token>' (the engines' token property);"
            + " others get 401. The token is never printed."},
    footer = {"", "Examples:",
        "  changelake serve --warehouse ./lake",
        "  changelake serve --warehouse ./lake --token '$${env:LAKE_TOKEN}'",
        "  changelake serve --warehouse ./lake --bind 0.0.0.0 --token-file token.txt",
        "", "Then, e.g.:",
        "  spark-sql \\",
        "    --conf spark.sql.catalog.lake=org.apache.iceberg.spark.SparkCatalog \\",
        "    --conf spark.sql.catalog.lake.type=rest \\",
        "    --conf spark.sql.catalog.lake.uri=http://127.0.0.1:8181 \\",
        "    --conf spark.sql.catalog.lake.token=\"$$LAKE_TOKEN\""})
final class ServeCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--warehouse", paramLabel = "DIR", defaultValue = SyncOptions.DEFAULT_WAREHOUSE,
      description = "Warehouse folder a sync writes to: its Iceberg tables are served (those under <warehouse>/iceberg"
          + " when several formats share it). Default: ./${DEFAULT-VALUE}.")
  String warehouse;

  @Option(names = "--catalog-conf", paramLabel = "KEY=VALUE",
      description = "An Iceberg catalog option (repeatable), e.g. s3.endpoint or s3.path-style-access for an s3://"
          + " warehouse.")
  Map<String, String> catalogConf = new LinkedHashMap<>();

  @Option(names = "--port", paramLabel = "PORT",
      description = "TCP port to listen on; 0 picks a free one. Default: 8181.")
  String port;

  @Option(names = "--bind", paramLabel = "ADDRESS",
      description = "Address to listen on. Default: 127.0.0.1 (this machine only); 0.0.0.0 for every interface"
          + " (set a token then).")
  String bind;

  @ArgGroup(exclusive = true)
  Token token;

  /** Where the bearer token comes from: one of the two flags. */
  static final class Token {
    @Option(names = "--token", paramLabel = "TOKEN",
        description = "Bearer token clients must send. Prefer '$${env:NAME}' (an environment variable) or @FILE:"
            + " a literal token shows in the process list.")
    String value;

    @Option(names = "--token-file", paramLabel = "FILE", description = "File holding the bearer token (one line).")
    Path file;
  }

  @Override
  public Integer call() throws IOException {
    RestCatalogConfig config = RestCatalogConfig.parse(options());
    WarehouseOptions.requireExisting(warehouse);
    try (TableSink sink = LakeFormats.openPresent(warehouse, "iceberg", catalogConf).get(0).sink();
        RestCatalogServer server = start(((IcebergSink) sink), config)) {
      PrintWriter out = spec.commandLine().getOut();
      int tables = sink.listTables().size();
      out.printf("Serving the Iceberg tables of %s (%s) at %s%s. Stop with Ctrl-C.%n", warehouse,
          tables == 0 ? "none yet: those a sync creates are served as they appear" : tables + " now", server.uri(),
          config.token().isPresent() ? " (bearer token required)" : "");
      out.flush();
      awaitStop();
    }
    return ExitCode.OK;
  }

  private Map<String, String> options() {
    Map<String, String> options = new LinkedHashMap<>();
    if (port != null) {
      options.put(RestCatalogConfig.PORT.name(), port);
    }
    if (bind != null) {
      options.put(RestCatalogConfig.BIND.name(), bind);
    }
    if (token != null) {
      options.put(RestCatalogConfig.TOKEN.name(), token.file != null ? "@" + token.file : token.value);
    }
    return options;
  }

  private static RestCatalogServer start(IcebergSink sink, RestCatalogConfig config) throws IOException {
    try {
      return RestCatalogServer.start(sink.catalog(), config);
    } catch (BindException e) {
      throw new IllegalArgumentException("Cannot listen on " + config.bind() + ":" + config.port() + " ("
          + e.getMessage() + "). Choose another --port, or stop what listens there.", e);
    }
  }

  /**
   * Blocks until Ctrl-C or SIGTERM (then the JVM exits 0, as a stopped sync does: that is how serve
   * is meant to stop) or until this thread is interrupted.
   */
  private static void awaitStop() {
    CountDownLatch stopRequested = new CountDownLatch(1);
    CountDownLatch returned = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stopRequested.countDown();
      try {
        returned.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Runtime.getRuntime().halt(ExitCode.OK);
    }, "changelake-serve-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stopRequested.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      returned.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook is running
      }
    }
  }
}
