package io.changelake.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench end to end at a tiny size (CI's only bench run): a private PostgreSQL, 3,000 rows, 1,000
 * changes, changelake writing Iceberg, every figure measured, and the self-check proving that the
 * equality check reports one corrupted source row.
 */
class BenchSmokeTest {
  @TempDir
  Path tmp;

  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void measuresATinyRunAndItsEqualityCheckCatchesACorruptedRow() throws Exception {
    String text = run("--rows", "3000", "--changes", "1000", "--probes", "3", "--scan-repeats", "1");
    assertTrue(text.contains("ROWS=3000 CHANGES=1000"), text);
    assertTrue(text.contains("| SNAPSHOT: launch → commit equal to the source |"), text);
    assertTrue(text.contains("| CATCH-UP FROM BACKLOG: relaunch → commit equal to the source |"), text);
    assertTrue(text.contains("× COPY"), text);
    assertTrue(text.contains("× the rewritten copy's"), text);
    assertTrue(text.contains("× decoding"), text);
    assertTrue(text.contains("(n=3)"), text);
    assertTrue(text.contains("(both matched in the lake table)"), text);
    assertTrue(text.contains("Self-check (iceberg): passed: source row id"), text);
    assertTrue(text.contains("1 rows differ, 0 only in the lake, 0 only in the source"), text);
  }

  /**
   * The typed variant (an enum and an int[] column more): its snapshot and stream reach the lake, equal to
   * the source by the digest with the typed fields, which the self-check proves can fail.
   */
  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void theTypedVariantMirrorsItsEnumAndArrayColumns() throws Exception {
    String text = run("--variant", "typed", "--rows", "2000", "--changes", "500", "--probes", "1",
        "--scan-repeats", "0");
    assertTrue(text.contains("ROWS=2000 CHANGES=500 VARIANT=typed"), text);
    assertTrue(text.contains("| SNAPSHOT: launch → commit equal to the source |"), text);
    assertTrue(text.contains("Self-check (iceberg): passed: source row id"), text);
  }

  private String run(String... options) throws Exception {
    return run(tmp, options);
  }

  /**
   * Runs the bench with {@code options}, 1 s commits and the self-check, its files under {@code tmp}; returns the
   * results file's text.
   */
  static String run(Path tmp, String... options) throws Exception {
    Path results = tmp.resolve("RESULTS.md");
    List<String> args = new ArrayList<>(List.of(options));
    args.addAll(List.of("--commit-interval", "1s", "--heap", "512m", "--timeout", "90", "--self-check",
        "--results", results.toString(), "--work-dir", tmp.resolve("runs").toString()));
    assertEquals(0, Bench.execute(args.toArray(String[]::new)), "bench exit code");
    return Files.readString(results);
  }
}
