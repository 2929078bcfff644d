package io.changelake.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench's Kafka source end to end at a tiny size: the test kit's broker and registry, the orders workload as
 * Debezium envelopes in a JSON and an Avro topic of 4 partitions, changelake writing Iceberg from each, the broker's
 * consume rate measured, the lake's digest equal to the produced rows', and the self-check proving that the
 * equality check reports a lake that lacks one change.
 */
class KafkaBenchSmokeTest {
  @TempDir
  Path tmp;

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void measuresATinyKafkaRunAndItsEqualityCheckCatchesAWrongLake() throws Exception {
    String text = BenchSmokeTest.run(tmp, "--source", "kafka", "--rows", "3000", "--changes", "1000");
    assertTrue(text.contains("SOURCE=kafka ROWS=3000 CHANGES=1000 RECORDS=4000 PARTITIONS=4"), text);
    assertTrue(text.contains("| figure | json → iceberg | avro → iceberg |"), text);
    assertTrue(text.contains("| topic: records, key+value bytes | 4000, "), text);
    assertTrue(text.contains("| SYNC: launch → commit equal to the produced rows |"), text);
    assertTrue(text.contains("× consume"), text);
    assertTrue(text.contains("(matched in every lake table)"), text);
    assertTrue(text.contains("Self-check (json → iceberg): passed: expected row id 1 changed"), text);
    assertTrue(text.contains("Self-check (avro → iceberg): passed: expected row id 1 changed"), text);
    assertTrue(text.contains("1 rows differ, 0 only in the lake, 0 only in the source; id 1 differs"), text);
  }

  @Test
  void refusesTheTypedVariantAReferenceFolderAndTooManyChanges() {
    assertEquals(2, Bench.execute("--source", "kafka", "--variant", "typed", "--work-dir", tmp.toString()));
    assertEquals(2, Bench.execute("--source", "kafka", "--with-reference=" + tmp, "--work-dir", tmp.toString()),
        "the Kafka reference is the Iceberg Kafka Connect sink on the classpath, not an anchors folder");
    assertEquals(2, Bench.execute("--source", "kafka", "--rows", "100", "--changes", "200", "--work-dir",
        tmp.toString()));
  }
}
