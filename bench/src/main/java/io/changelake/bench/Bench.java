package io.changelake.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark command: a private PostgreSQL or MariaDB ({@code --source}), the anchors' workload at
 * {@code --rows}/{@code --changes}, changelake run once per format, the server's own limits measured in
 * the same rounds, a results block
 * printed and appended to {@code bench/RESULTS.md}. See bench/README.md.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measures changelake (snapshot, streaming, freshness, memory, CPU, reader cost) against"
        + " the source server's own limits (PostgreSQL: COPY and pgoutput decoding; MariaDB: a full scan into a"
        + " file and a binlog read), per format, on the anchors' orders workload.")
public final class Bench implements Callable<Integer> {
  static {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    // the readers poll tables the sync is still creating; their retries are expected, not news
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.iceberg", "error");
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.paimon", "error");
  }

  @Option(names = "--source", defaultValue = Sources.DEFAULT,
      description = "Source: postgres, mysql (= mariadb: a private MariaDB from changelake-testkit), or kafka"
          + " (Debezium envelopes in JSON and Avro topics on an in-process broker). Default: ${DEFAULT-VALUE}.")
  String sourceName;

  @Option(names = "--rows", defaultValue = "100000", description = "Rows loaded before the sync. Default: ${DEFAULT-VALUE}.")
  long rows;

  @Option(names = "--changes", defaultValue = "20000",
      description = "Changes streamed while the sync runs (50%% UPDATE, 30%% INSERT, 20%% DELETE, 100 per transaction)."
          + " Default: ${DEFAULT-VALUE}.")
  int changes;

  @Option(names = "--variant", defaultValue = "plain",
      description = "Workload: plain (the anchors' 14 columns) or typed (plus an enum and an int[] column)."
          + " Default: ${DEFAULT-VALUE}.")
  String variant;

  @Option(names = "--formats", defaultValue = "iceberg", split = ",",
      description = "Lake formats, one round each (iceberg, paimon, delta). Default: ${DEFAULT-VALUE}.")
  List<String> formats;

  @Option(names = "--commit-interval", defaultValue = "1s",
      description = "changelake's --commit-interval (e.g. 500ms, 1s, 30s). Default: ${DEFAULT-VALUE}.")
  String commitInterval;

  @Option(names = "--heap", defaultValue = "2g", description = "-Xmx of the sync JVM. Default: ${DEFAULT-VALUE}.")
  String heap;

  @Option(names = "--probes", defaultValue = "30", description = "Freshness probes. Default: ${DEFAULT-VALUE}.")
  int probes;

  @Option(names = "--scan-repeats", defaultValue = "3",
      description = "Full scans per table for the reader cost (best is kept; 0 skips). Default: ${DEFAULT-VALUE}.")
  int scanRepeats;

  @Option(names = "--results", description = "Results file to append to. Default: <repo>/bench/RESULTS.md.")
  Path results;

  @Option(names = "--with-reference", arity = "0..1", fallbackValue = "",
      description = "Also run the anchors' run-paimon.sh (Paimon postgres_sync_table on Flink) at the same sizes"
          + " (PostgreSQL); with --source kafka, the Apache Iceberg Kafka Connect sink on the JSON topic."
          + " Optional value: the anchors folder (default: <repo>/../shared/anchors).")
  String reference;

  @Option(names = "--self-check",
      description = "After each round, change one source row and require the equality check to report it.")
  boolean selfCheck;

  @Option(names = "--keep", description = "Keep warehouses and logs of the run (default: logs only).")
  boolean keep;

  @Option(names = "--timeout", defaultValue = "3600",
      description = "Seconds each wait for equality may take. Default: ${DEFAULT-VALUE}.")
  long timeoutSeconds;

  @Option(names = "--jar", description = "changelake jar to run. Default: <repo>/changelake-cli/target/changelake.jar,"
      + " else the changelake classes on this classpath.")
  Path jar;

  @Option(names = "--repo", description = "The changelake repository. Default: found from the working directory.")
  Path repo;

  @Option(names = "--work-dir", description = "Where runs go. Default: <repo>/bench/target/runs.")
  Path workDir;

  @Override
  public Integer call() throws Exception {
    Path root = repo != null ? repo.toAbsolutePath() : findRepo();
    long commitMs = parseMillis(commitInterval);
    String sourceKey = sourceName.strip().toLowerCase(Locale.ROOT);
    boolean kafka = KafkaBench.NAME.equals(sourceKey);
    if (kafka ? 7L * changes / 10 > rows : 2L * changes / 5 >= rows) {
      throw new CommandLine.ParameterException(new CommandLine(this), kafka
          ? "--source kafka updates and deletes 7 in 10 of --changes, each a different loaded row: use --changes"
              + " at most 1.4 x --rows"
          : "--changes is applied twice (live, then as a backlog) and deletes a fifth of its count each time: use"
              + " --changes below 2.5 x --rows");
    }
    if (reference != null && !Sources.DEFAULT.equals(sourceKey) && !kafka) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--with-reference runs Paimon's"
          + " postgres_sync_table for --source postgres, the Iceberg Kafka Connect sink for --source kafka, and"
          + " nothing for MariaDB (bench/README.md says why there is no"
          + " MariaDB reference)");
    }
    Workload.Variant workload = parseVariant(variant);
    if (kafka && (workload != Workload.Variant.PLAIN || reference != null && !reference.isEmpty())) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--source kafka produces the plain orders"
          + " workload and its reference is the Iceberg Kafka Connect sink on this classpath: leave out --variant"
          + " and the --with-reference folder");
    }
    Function<Path, Source> sourceStarter = kafka ? null : sources(sourceKey, workload);
    Path runDir = (workDir != null ? workDir : root.resolve("bench/target/runs")).resolve("run-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-r" + rows + "-c" + changes);
    Files.createDirectories(runDir);
    RunInfo run = RunInfo.collect(root);
    log("run " + runDir + "; " + run.machine() + "; load " + run.loadAtStart());
    Changelake changelake = Changelake.find(jar, root);
    log("changelake: " + changelake.description() + (changelake.hasFormatFlag() ? " (has --format)" : " (no --format: iceberg only)"));

    RoundSettings settings = new RoundSettings(rows, changes, workload, commitMs, heap, probes, scanRepeats,
        selfCheck, Duration.ofSeconds(timeoutSeconds), runDir);
    Path file = results != null ? results : root.resolve("bench/RESULTS.md");
    if (kafka) {
      KafkaBench.Results kafkaResults = new KafkaBench(settings, formats.stream()
          .map(f -> f.strip().toLowerCase(Locale.ROOT)).toList(), changelake, keep, reference != null, Bench::log)
          .run();
      return publish(file, KafkaBench.render(run, settings, kafkaResults,
          changelake.description().replace(root + "/", ""), RunInfo.loadAverage()), runDir);
    }
    List<FormatResult> measured = new ArrayList<>();
    String description;
    Source.Labels labels;
    try (Source source = sourceStarter.apply(runDir)) {
      description = source.description();
      labels = source.labels();
      log(description);
      for (String format : formats) {
        measured.add(new FormatRound(source, changelake, settings, format.strip().toLowerCase(Locale.ROOT),
            Bench::log).run());
        if (!keep) {
          Dirs.delete(runDir.resolve(format).resolve("warehouse"));
          Dirs.delete(runDir.resolve(format).resolve("rewritten"));
        }
      }
    }
    Reference.Result referenceResult = null;
    if (reference != null) {
      Path anchors = reference.isEmpty() ? root.resolveSibling("shared").resolve("anchors") : Path.of(reference);
      referenceResult = Reference.run(anchors.toAbsolutePath(), rows, changes, commitMs, probes,
          runDir.resolve("reference"), Bench::log);
    }
    ResultsTable.Setting setting = new ResultsTable.Setting(rows, changes, workload, commitMs, probes, heap, sourceKey,
        labels, description, changelake.description().replace(root + "/", ""), RunInfo.loadAverage());
    return publish(file, ResultsTable.render(run, setting, measured, referenceResult), runDir);
  }

  /** Prints the results block and appends it to {@code file}; returns the exit code 0. */
  private static int publish(Path file, String block, Path runDir) throws java.io.IOException {
    System.out.println(block);
    if (!Files.exists(file)) {
      Files.writeString(file, ResultsTable.header(), StandardCharsets.UTF_8);
    }
    Files.writeString(file, block, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    log("appended to " + file + "; logs in " + runDir);
    return 0;
  }

  /** The nearest folder upwards holding changelake-cli/ (the repository root). */
  private static Path findRepo() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("changelake-cli")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    throw new IllegalStateException("Run from inside the changelake repository, or give --repo");
  }

  private Function<Path, Source> sources(String name, Workload.Variant workload) {
    try {
      return Sources.of(name, workload);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
    }
  }

  private Workload.Variant parseVariant(String text) {
    try {
      return Workload.Variant.valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--variant '" + text
          + "' is not a workload: use plain or typed");
    }
  }

  /** {@code 500ms}, {@code 1s}, {@code 2m} or plain milliseconds. */
  static long parseMillis(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.endsWith("ms")) {
      return Long.parseLong(t.substring(0, t.length() - 2));
    } else if (t.endsWith("s")) {
      return Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000);
    } else if (t.endsWith("m")) {
      return Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 60_000);
    }
    return Long.parseLong(t);
  }

  static void log(String line) {
    System.err.println(LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + " bench: " + line);
  }

  /** Runs the command line; returns the exit code (0 ok, 1 a round failed, 2 bad options). */
  public static int execute(String... args) {
    return new CommandLine(new Bench())
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          log("FAILED: " + e.getMessage());
          if (!(e instanceof Equality.MismatchException)) {
            e.printStackTrace();
          }
          return 1;
        })
        .execute(args);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }
}
