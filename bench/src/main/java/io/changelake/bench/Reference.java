package io.changelake.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The reference system, measured in the same run: the anchors' {@code run-paimon.sh} (Paimon's
 * postgres_sync_table on a Flink MiniCluster, its own PostgreSQL 15 cluster, same workload and probe
 * scheme). Needs what that harness needs (PostgreSQL 15 under /usr/lib/postgresql, psql, bc, python3,
 * Maven for paimon-sync's Flink/Paimon jars); see shared/anchors/README.md.
 */
final class Reference {
  private Reference() { }

  /** The reference's figures by their label in its results block, or why there are none. */
  record Result(Map<String, String> figures, String failure) {
    /** The value whose label starts with {@code prefix}, or empty. */
    String value(String prefix) {
      return figures.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).map(Map.Entry::getValue)
          .findFirst().orElse("");
    }
  }

  static Result run(Path anchors, long rows, int changes, long commitMs, int probes, Path outDir,
                    Consumer<String> log) {
    Path script = anchors.resolve("run-paimon.sh");
    if (!Files.isRegularFile(script)) {
      return new Result(Map.of(), "no " + script);
    }
    Path results = outDir.resolve("reference-results.md");
    Path output = outDir.resolve("reference.log");
    try {
      Files.createDirectories(outDir);
      log.accept("[reference] running " + script + " " + rows + " " + changes + " " + commitMs + " (log " + output + ")");
      ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), Long.toString(rows),
          Integer.toString(changes), Long.toString(commitMs)).directory(anchors.toFile())
          .redirectErrorStream(true).redirectOutput(output.toFile());
      builder.environment().put("RESULTS", results.toString());
      builder.environment().put("PROBES", Integer.toString(probes));
      Process p = builder.start();
      if (!p.waitFor(3, TimeUnit.HOURS)) {
        p.destroy();
        return new Result(Map.of(), "timed out (see " + output + ")");
      }
      if (p.exitValue() != 0 || !Files.exists(results)) {
        return new Result(Map.of(), "run-paimon.sh exited " + p.exitValue() + " (see " + output + ")");
      }
      return new Result(parse(Files.readAllLines(results)), null);
    } catch (IOException e) {
      return new Result(Map.of(), e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(Map.of(), "interrupted");
    }
  }

  /** The {@code | figure | value |} rows of the last block of a results file. */
  static Map<String, String> parse(List<String> lines) {
    Map<String, String> figures = new LinkedHashMap<>();
    for (String line : lines) {
      if (line.startsWith("### ")) {
        figures.clear();
      } else if (line.startsWith("| ") && !line.startsWith("| figure") && !line.startsWith("| ---")) {
        String[] cells = line.substring(2, line.length() - 1).split(" \\| ", 2);
        if (cells.length == 2) {
          figures.put(cells[0].strip(), cells[1].strip().replaceAll("\\s*\\|$", ""));
        }
      }
    }
    return figures;
  }
}
