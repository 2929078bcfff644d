package io.changelake.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench's MariaDB source end to end at a tiny size: a private MariaDB, the same workload, changelake
 * writing Iceberg, MariaDB's own limits (OUTFILE scan, binlog read) measured, the digest computed in MariaDB
 * equal to the lake's, and the self-check proving that the equality check reports one corrupted source row.
 */
class MariaDbBenchSmokeTest {
  @TempDir
  Path tmp;

  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void measuresATinyMariaDbRunAndItsEqualityCheckCatchesACorruptedRow() throws Exception {
    String text = BenchSmokeTest.run(tmp, "--source", "mysql", "--rows", "3000", "--changes", "1000", "--probes",
        "3", "--scan-repeats", "0");
    assertTrue(text.contains("ROWS=3000 CHANGES=1000 SOURCE=mysql"), text);
    assertTrue(text.contains("MariaDB 11.4"), text);
    assertTrue(text.contains("| MariaDB SELECT * INTO OUTFILE — snapshot limit |"), text);
    assertTrue(text.contains("× OUTFILE"), text);
    assertTrue(text.contains("× binlog read"), text);
    assertTrue(text.contains("(1000 rows in "), text);
    assertTrue(text.contains("| CATCH-UP FROM BACKLOG: relaunch → commit equal to the source |"), text);
    assertTrue(text.contains("(n=3)"), text);
    assertTrue(text.contains("(both matched in the lake table)"), text);
    assertTrue(text.contains("Self-check (iceberg): passed: source row id"), text);
    assertTrue(text.contains("1 rows differ, 0 only in the lake, 0 only in the source"), text);
  }

  @Test
  void refusesAnUnknownSourceAndTheTypedVariantOnMariaDb() {
    assertEquals(2, Bench.execute("--source", "oracle", "--work-dir", tmp.toString()));
    assertEquals(2, Bench.execute("--source", "mysql", "--variant", "typed", "--work-dir", tmp.toString()));
    assertEquals(2, Bench.execute("--source", "mysql", "--with-reference", "--work-dir", tmp.toString()));
  }
}
