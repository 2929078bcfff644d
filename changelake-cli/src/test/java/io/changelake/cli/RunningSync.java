package io.changelake.cli;

import io.changelake.api.spi.TableFilter;
import io.changelake.api.spi.WriteMode;
import io.changelake.engine.transform.FunctionDialect;
import io.changelake.testkit.PostgresServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/** A sync running in this JVM, as {@code changelake sync-table} would run it, stopped cleanly on close. */
final class RunningSync implements AutoCloseable {
  /** Every table format, for tests that mirror one capture into all of them. */
  static final List<String> ALL_FORMATS = List.of("iceberg", "delta", "paimon");

  private final SyncRunner runner;
  private final SyncRequest request;
  private final ExecutorService executor = Executors.newSingleThreadExecutor();
  private final Future<Integer> result;
  final StringWriter output = new StringWriter();

  RunningSync(SyncRequest request) {
    this(request, runner -> runner.run(request));
  }

  private RunningSync(SyncRequest request, Function<SyncRunner, Integer> body) {
    this.request = request;
    this.runner = new SyncRunner(new PrintWriter(output, true), new PrintWriter(output, true));
    this.result = executor.submit(() -> body.apply(runner));
  }

  /**
   * The sync a command line asks for, parsed by the same parser as {@code changelake <args>} (the
   * command, e.g. {@code postgres_sync_table}, first) and run as that command runs it.
   */
  static RunningSync ofCommandLine(String... args) {
    SyncCommand command = command(args);
    return new RunningSync(command.request(), command::run);
  }

  /** The sync command a command line asks for, its flags parsed by the same parser as {@code changelake <args>}. */
  static SyncCommand command(String... args) {
    var parsed = Main.commandLine().parseArgs(args).subcommand();
    if (parsed == null || !(parsed.commandSpec().userObject() instanceof SyncCommand command)) {
      throw new IllegalArgumentException("not a sync command line: " + String.join(" ", args));
    }
    return command;
  }

  static Map<String, String> sourceOptions(PostgresServer pg, String db, String slot, String tables) {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("hostname", pg.host());
    options.put("port", String.valueOf(pg.port()));
    options.put("username", pg.username());
    options.put("password", pg.password());
    options.put("database-name", db);
    options.put("slot.name", slot);
    options.put("publication.name", slot + "_pub");
    if (tables != null) {
      options.put("table-name", tables);
    }
    return options;
  }

  /** {@code options} as command-line arguments: {@code flag key=value} for each (e.g. {@code --source-conf}). */
  static List<String> asFlags(String flag, Map<String, String> options) {
    List<String> args = new java.util.ArrayList<>();
    options.forEach((key, value) -> args.addAll(List.of(flag, key + "=" + value)));
    return args;
  }

  static SyncRequest request(Map<String, String> sourceOptions, String warehouse, WriteMode mode, List<String> keys) {
    return request(sourceOptions, warehouse, mode, keys, List.of("iceberg"));
  }

  static SyncRequest request(Map<String, String> sourceOptions, String warehouse, WriteMode mode, List<String> keys,
      List<String> formats) {
    return request("postgres", sourceOptions, warehouse, mode, keys, formats);
  }

  /** A request to sync from source {@code source} (e.g. {@code mysql}) into the lake database {@code lake}. */
  static SyncRequest request(String source, Map<String, String> sourceOptions, String warehouse, WriteMode mode,
      List<String> keys, List<String> formats) {
    return new SyncRequest(source, sourceOptions, TableFilter.ALL, warehouse, "lake", null, Map.of(), Map.of(), mode,
        keys, Duration.ofMillis(300), 100_000, formats, List.of(), List.of(), FunctionDialect.SQL);
  }

  /** Waits until {@code condition} holds, failing if the sync stops or time runs out. */
  void await(String what, BooleanSupplier condition) throws Exception {
    Instant deadline = Instant.now().plusSeconds(90);
    while (Instant.now().isBefore(deadline)) {
      if (result.isDone()) {
        throw new AssertionError("The sync stopped (exit " + result.get() + ") while waiting for " + what + ":\n" + output);
      }
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("Timed out waiting for " + what + "\n" + output);
  }

  /**
   * Waits until the lake table of source table {@code table} (same name, in the request's lake
   * database) equals the source row by row in every format of the request, each read with its own
   * reader; otherwise fails showing how they differ.
   */
  void awaitMirrored(PostgresServer pg, String db, String table, String key) throws Exception {
    awaitMirrored(TableComparison.postgres(pg, db), table, key);
  }

  /** {@link #awaitMirrored(PostgresServer, String, String, String)} for any source database. */
  void awaitMirrored(TableComparison.SourceRows source, String table, String key) throws Exception {
    for (String format : request.formats()) {
      String suspended = "SUSPENDED " + format + " " + request.database() + "." + table + ": ";
      String warehouse = location(format);
      try {
        await(format + " " + table + " to equal the source", () -> {
          if (output.toString().contains(suspended)) {
            throw new AssertionError("The sync suspended " + table + " while waiting for it to equal the source:\n"
                + output);
          }
          return TableComparison.same(source, table, format, warehouse, request.database(), table, key);
        });
      } catch (AssertionError notMirrored) {
        try {
          TableComparison.assertSame(source, table, format, warehouse, request.database(), table, key);
        } catch (AssertionError difference) {
          notMirrored.addSuppressed(difference);
        }
        throw notMirrored;
      }
    }
  }

  /** Where the request's tables of {@code format} are: the warehouse, or a folder of it per format. */
  String location(String format) {
    return LakeFormats.location(request.warehouse(), format, request.formats().size() > 1);
  }

  /** Whether the sync ended (by itself, or stopped). */
  boolean finished() {
    return result.isDone();
  }

  /** Waits for the sync to end by itself with a failure, and returns that failure. */
  Throwable awaitFailure() throws Exception {
    try {
      int exit = result.get(90, TimeUnit.SECONDS);
      throw new AssertionError("The sync ended with exit code " + exit + " instead of failing:\n" + output);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    }
  }

  /** Stops the sync cleanly and returns its exit code. */
  int stop() throws Exception {
    runner.stop();
    try {
      return result.get(60, TimeUnit.SECONDS);
    } finally {
      executor.shutdownNow();
    }
  }

  @Override
  public void close() throws Exception {
    if (!result.isDone()) {
      stop();
    }
    executor.shutdownNow();
  }
}
