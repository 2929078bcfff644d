package io.changelake.bench.query;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * The protocol between {@link QueryBench} and the JVMs it times: {@code time QUERY RUN SECONDS FIRST_ROW} per run,
 * then {@code rss KIB}, the process's peak resident memory. Shared by changelake's and Spark's runners (the
 * latter compiles this file beside its own).
 */
public final class Timings {
  private Timings() { }

  /** Runs each query {@code runs} times, in turn, printing each run's wall time and first row. */
  public static void run(int runs, List<String> queries, Function<String, String> query) throws IOException {
    for (int run = 1; run <= runs; run++) {
      for (int q = 0; q < queries.size(); q++) {
        long start = System.nanoTime();
        String first = query.apply(queries.get(q));
        System.out.printf("time %d %d %.3f %s%n", q, run, (System.nanoTime() - start) / 1e9, first);
      }
    }
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        System.out.println("rss " + line.replaceAll("\\D+", ""));
      }
    }
    System.out.flush();
  }
}
