package io.changelake.sink.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.spi.MaintenancePolicy;
import io.changelake.api.spi.MaintenanceResult;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableSnapshot;
import io.changelake.api.spi.WriteMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Delta's maintenance does beyond the shared contract: deletion vector files of expired versions go, the log
 * before the oldest retained version is replaced by a checkpoint, and VACUUM's rule holds: a file removed within the
 * retention stays although only an expired version read it, until a later round finds its tombstone old enough.
 */
class DeltaMaintenanceTest {
  private static final TableId ID = TableId.parse("shop.vacuumed");

  @Test
  void expiresTheLogAndVacuumsByTombstoneAge(@TempDir Path dir) throws Exception {
    try (DeltaSink sink = DeltaSink.create(DeltaSinkConfig.local(dir,
        Map.of(DeltaSinkConfig.DELETE_MODE.name(), DeleteMode.DELETION_VECTORS.id()), Map.of()))) {
      SinkTable table = sink.open(ID, DeltaUpsertTest.SINGLE, WriteMode.UPSERT);
      Map<RowKey, Row> expected = new LinkedHashMap<>();
      Lake.commit(table, "load", w -> {
        for (long k = 0; k < 200; k++) {
          w.insert(Row.of(k, "v", 0));
          expected.put(new RowKey(List.of(k)), Row.of(k, "v", 0));
        }
      });
      Path first = upsertMarking(dir, table, 10L, expected, Set.of());             // a vector on the loaded file
      Path second = upsertMarking(dir, table, 11L, expected, Set.of(first));       // replaces the first (removed)
      long expiredAt = table.snapshots().get(table.snapshots().size() - 1).committedAt().toEpochMilli();
      Thread.sleep(100);
      Path third = upsertMarking(dir, table, 12L, expected, Set.of(first, second)); // removes the second after that
      List<TableSnapshot> before = table.snapshots();

      // versions committed up to `expiredAt` expire: the newest (a pipeline commit) is all that is kept
      Duration retention = Duration.ofHours(1);
      Instant now = Instant.ofEpochMilli(expiredAt + 1).plus(retention);
      MaintenanceResult result = table.maintain(new MaintenancePolicy(retention, 1, retention, now));

      assertEquals(new MaintenanceResult(before.size() - 1, 1, 0), result, "one vector file deleted, no orphan");
      assertEquals(Set.of(second, third), vectorFiles(dir), "the first vector is deleted; the second, removed"
          + " after the retention's start, is kept although only an expired version read it");
      assertEquals(before.subList(before.size() - 1, before.size()), table.snapshots());
      long kept = before.get(before.size() - 1).id();
      assertEquals(new TreeSet<>(Set.of(kept)), logVersions(dir, ".json"), "the log before it is gone");
      assertTrue(logVersions(dir, ".checkpoint.parquet").contains(kept), "a checkpoint holds its state");
      assertThrows(SinkException.class, () -> table.scan(before.get(before.size() - 2).id()).close());
      assertEquals(expected, Lake.byKey(dir, ID, DeltaUpsertTest.SINGLE), "read with Kernel after maintenance");

      MaintenanceResult later = table.maintain(new MaintenancePolicy(retention, 1, retention,
          Instant.now().plus(retention).plusSeconds(1)));
      assertEquals(new MaintenanceResult(0, 1, 0), later, "the second vector's tombstone is old enough now");
      assertEquals(Set.of(third), vectorFiles(dir));
      assertEquals(expected, Lake.byKey(dir, ID, DeltaUpsertTest.SINGLE));
      assertEquals("12", table.lastCommit().orElseThrow().position());
    }
  }

  /** Upserts {@code key} in its own commit, which marks the loaded file; returns the new deletion vector file. */
  private static Path upsertMarking(Path dir, SinkTable table, long key, Map<RowKey, Row> expected, Set<Path> older)
      throws IOException {
    Row row = Row.of(key, "changed", 1);
    Lake.commit(table, String.valueOf(key), w -> w.upsert(row));
    expected.put(new RowKey(List.of(key)), row);
    Set<Path> files = vectorFiles(dir);
    files.removeAll(older);
    assertEquals(1, files.size(), "one new deletion vector file: " + files);
    return files.iterator().next();
  }

  private static Set<Path> vectorFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("deletion_vector_"))
          .collect(Collectors.toSet());
    }
  }

  /** The versions of the log files of {@link #ID} ending with {@code suffix}. */
  private static TreeSet<Long> logVersions(Path dir, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("shop/vacuumed/_delta_log"))) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix) && !n.startsWith("."))
          .map(n -> Long.parseLong(n.substring(0, 20))).collect(Collectors.toCollection(TreeSet::new));
    }
  }
}
