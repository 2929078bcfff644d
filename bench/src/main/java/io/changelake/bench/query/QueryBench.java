package io.changelake.bench.query;

import io.changelake.api.spi.SinkProvider;
import io.changelake.api.spi.TableSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code changelake query} beside Spark local on the same {@code orders} tables: for each size and format, a count
 * and sum over the table and a point lookup by key, each timed in a new JVM (cold: the whole process, JVM start
 * included, as a user runs the command) and again and again in one JVM (warm: the best of the later runs), with
 * each process's peak RSS. See bench/README.md.
 */
@Command(name = "query.sh", mixinStandardHelpOptions = true,
    description = "Times changelake query beside Spark local on the sync bench's orders table, per format and size.")
public final class QueryBench implements Callable<Integer> {
  private static final List<String> SPARK_OPENS = List.of("java.lang", "java.lang.invoke", "java.lang.reflect",
      "java.io", "java.net", "java.nio", "java.util", "java.util.concurrent", "java.util.concurrent.atomic",
      "sun.nio.ch", "sun.nio.cs", "sun.security.action", "sun.util.calendar");

  @Option(names = "--rows", split = ",", defaultValue = "1000000,4000000", description = "Table sizes (rows).")
  List<Long> sizes;
  @Option(names = "--formats", split = ",", defaultValue = "iceberg,paimon,delta", description = "Table formats.")
  List<String> formats;
  @Option(names = "--dir", defaultValue = "bench/target/query", description = "Where the tables are kept (reused).")
  Path dir;
  @Option(names = "--runs", defaultValue = "5", description = "Runs of each query in the warm JVM (the first not counted).")
  int runs;
  @Option(names = "--jar", defaultValue = "changelake-cli/target/changelake.jar", description = "changelake's jar.")
  Path jar;
  @Option(names = "--spark-classpath", required = true, description = "Spark's classpath, SparkQuery's classes first.")
  String sparkClasspath;
  @Option(names = "--results", defaultValue = "bench/RESULTS.md", description = "The file the block is appended to.")
  Path results;

  public static void main(String[] args) {
    System.exit(new CommandLine(new QueryBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    List<String> lines = new ArrayList<>();
    String load = Files.readString(Path.of("/proc/loadavg")).trim();
    for (long rows : sizes) {
      for (String format : formats) {
        Path location = dir.resolve("rows-" + rows).resolve(format).toAbsolutePath();
        write(format, location, rows);
        List<String> queries = List.of("SELECT count(*), sum(price) FROM {table}",
            "SELECT * FROM {table} WHERE id = " + rows * 7 / 9);
        Measured warmLake = Measured.of(run(lakeWarm(format, location, queries)), runs);
        Measured warmSpark = Measured.of(run(sparkCommand(format, location, runs, queries)), runs);
        for (int q = 0; q < queries.size(); q++) {
          String sql = queries.get(q);
          TimedRun.Result coldLake = run(lakeCold(format, location, sql));
          TimedRun.Result coldSpark = run(sparkCommand(format, location, 1, List.of(sql)));
          String same = Measured.sameRow(warmLake.firstRow(q), warmSpark.firstRow(q)) ? "" : " **rows differ**";
          String line = String.format(Locale.ROOT, "| %s | %,d | %s | %.1f s, %d MiB | %.1f s, %d MiB | %.2f"
                  + " | %.2f s | %.2f s | %.2f | %d / %d MiB |%s",
              format, rows, q == 0 ? "count(*), sum(price)" : "point lookup", coldLake.wallSeconds(),
              coldLake.rssKib() / 1024, coldSpark.wallSeconds(), coldSpark.rssKib() / 1024,
              coldLake.wallSeconds() / coldSpark.wallSeconds(), warmLake.best(q), warmSpark.best(q),
              warmLake.best(q) / warmSpark.best(q), warmLake.rssKib() / 1024, warmSpark.rssKib() / 1024, same);
          System.out.println(line + "   first rows: " + warmLake.firstRow(q) + " / " + warmSpark.firstRow(q));
          lines.add(line);
        }
      }
    }
    String block = block(load, lines);
    System.out.println(block);
    Files.writeString(results, block, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    return 0;
  }

  private void write(String format, Path location, long rows) {
    SinkProvider provider = ServiceLoader.load(SinkProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.format().equals(format)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("No sink for format " + format));
    long start = System.nanoTime();
    try (TableSink sink = provider.open(location.toString(), Map.of(), Map.of())) {
      if (Orders.write(sink, rows)) {
        System.out.printf(Locale.ROOT, "%s: wrote %,d rows in %.0f s%n", format, rows, (System.nanoTime() - start) / 1e9);
      }
    }
  }

  private List<String> lakeCold(String format, Path location, String sql) {
    List<String> command = new ArrayList<>(List.of("java"));
    command.addAll(options("CHANGELAKE_JAVA_OPTS"));
    command.addAll(List.of("-jar", jar.toString(), "query", "--warehouse", location.toString(), "--format", format,
        "--output", "csv", sql.replace("{table}", "bench.orders")));
    return command;
  }

  private List<String> lakeWarm(String format, Path location, List<String> queries) {
    List<String> command = new ArrayList<>(List.of("java"));
    command.addAll(options("CHANGELAKE_JAVA_OPTS"));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), WarmQuery.class.getName(), format,
        location.toString(), String.valueOf(runs)));
    command.addAll(queries);
    return command;
  }

  private List<String> sparkCommand(String format, Path location, int times, List<String> queries) {
    List<String> command = new ArrayList<>(List.of("java"));
    command.addAll(options("SPARK_JAVA_OPTS"));
    SPARK_OPENS.forEach(p -> command.add("--add-opens=java.base/" + p + "=ALL-UNNAMED"));
    command.addAll(List.of("-cp", sparkClasspath, "io.changelake.bench.query.SparkQuery", format,
        location.toString(), String.valueOf(times)));
    command.addAll(queries);
    return command;
  }

  private static List<String> options(String variable) {
    String value = System.getenv(variable);
    return value == null || value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
  }

  private TimedRun.Result run(List<String> command) throws IOException, InterruptedException {
    return TimedRun.run(command, dir.resolve("logs"));
  }

  private String block(String loadBefore, List<String> lines) throws IOException, InterruptedException {
    String commit = new String(new ProcessBuilder("git", "rev-parse", "--short", "HEAD").start().getInputStream()
        .readAllBytes()).trim();
    return "\n## Query bench " + Instant.now() + " (commit " + commit + ")\n\n"
        + "`bench/query.sh --rows " + String.join(",", sizes.stream().map(String::valueOf).toList()) + " --formats "
        + String.join(",", formats) + " --runs " + runs + "`; " + Runtime.getRuntime().availableProcessors()
        + " cores, load average before " + loadBefore + ", after " + Files.readString(Path.of("/proc/loadavg")).trim()
        + "; JVM options: changelake '" + String.join(" ", options("CHANGELAKE_JAVA_OPTS")) + "', Spark '"
        + String.join(" ", options("SPARK_JAVA_OPTS")) + "'. Shared machine: single runs, noisy.\n\n"
        + "| format | rows | query | changelake cold (wall, peak RSS) | Spark cold | ratio | changelake warm | Spark warm"
        + " | ratio | warm JVM peak RSS changelake / Spark |\n|---|---|---|---|---|---|---|---|---|---|\n"
        + String.join("\n", lines) + "\n";
  }
}
