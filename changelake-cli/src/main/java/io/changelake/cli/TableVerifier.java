package io.changelake.cli;

import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.ConsistentRead;
import io.changelake.api.spi.RowScan;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.SourceTable;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Compares a source table read as of one position X with its lake table at a pinned version holding position P:
 * the keys changed between X and P are left out, every other key must have equal rows on both sides.
 *
 * <p>Rows are spread over buckets by their key's hash, so neither side is sorted; each bucket gets a row count and
 * a sum of row hashes from each side, in one pass that holds nothing but the buckets. Only the buckets whose
 * checksums differ are read again, their rows held by key, to name the differing rows.
 */
final class TableVerifier {
  private final ConsistentRead source;
  private final SinkTable lake;
  private final Function<String, SourcePosition> positions;
  private final int buckets;
  private final PrintWriter progress;

  /**
   * @param positions parses the positions the source records in the lake's commits
   * @param buckets how many key buckets the checksums are taken over
   * @param progress where waiting for the lake is reported
   */
  TableVerifier(ConsistentRead source, SinkTable lake, Function<String, SourcePosition> positions, int buckets,
      PrintWriter progress) {
    this.source = source;
    this.lake = lake;
    this.positions = positions;
    this.buckets = buckets;
    this.progress = progress;
  }

  /**
   * What the comparison found.
   *
   * @param compared the source rows compared
   * @param leftOut the keys left out, changed between the two positions
   * @param everythingChanged nothing was compared: every key changed ({@code differences} says why)
   * @param differences at most the rows asked for, described; {@link #differing()} counts them all
   * @param rewrite what makes the lake's compared rows equal the source's
   */
  record Result(LakeVersion version, int buckets, long compared, long leftOut, boolean everythingChanged,
      int differingBuckets, List<String> differences, Rewrite rewrite) {

    /** How many rows differ. */
    long differing() {
      return rewrite.upserts().size() + rewrite.deletes().size();
    }
  }

  /**
   * The writes that make a lake table's compared rows equal the source's, each differing key once.
   *
   * @param upserts the source's rows (positioned by the source table) for the keys the lake lacks or holds other
   *     values for
   * @param deletes the lake's keys the source lacks
   */
  record Rewrite(List<Row> upserts, List<RowKey> deletes) {
    static final Rewrite NONE = new Rewrite(List.of(), List.of());

    Rewrite {
      upserts = List.copyOf(upserts);
      deletes = List.copyOf(deletes);
    }
  }

  /**
   * Pins the lake version (waiting up to {@code wait} for a running sync to commit past X), then compares.
   *
   * @param maxDifferences how many differing rows to describe
   */
  Result verify(Duration wait, int maxDifferences) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      LakeVersion version = LakeVersion.latest(lake);
      ConsistentRead.Changes changes = source.changedBetween(positions.apply(version.position()));
      if (!changes.lakeBehind()) {
        return compare(version, changes, maxDifferences);
      }
      if (System.nanoTime() > deadline) {
        throw new SinkException("Lake table " + lake.id() + " did not catch up with the source within " + wait
            .toSeconds() + " s: waiting for " + changes.why() + ". Fix: verify again when the sync has caught up, or"
            + " give it longer with --wait.");
      }
      progress.println("Waiting for " + changes.why());
      progress.flush();
      Thread.sleep(1000);
    }
  }

  private Result compare(LakeVersion version, ConsistentRead.Changes changes, int maxDifferences) {
    SourceTable table = source.table();
    if (changes.all()) {
      return new Result(version, buckets, 0, 0, true, 0, List.of(changes.why()), Rewrite.NONE);
    }
    Columns columns = Columns.of(table.schema(), lake);
    Set<String> leftOut = new HashSet<>();
    changes.keys().forEach(k -> leftOut.add(RowDigest.keyText(k.values())));
    Checksums fromSource = new Checksums(buckets);
    Checksums fromLake = new Checksums(buckets);
    long[] compared = {0};
    source.rows(row -> {
      if (fromSource.add(row, columns.sourceKey(), columns.source(), leftOut)) {
        compared[0]++;
      }
    });
    scanLake(version, row -> fromLake.add(row, columns.lakeKey(), columns.lake(), leftOut));
    Set<Integer> differing = fromSource.differing(fromLake);
    if (differing.isEmpty()) {
      return new Result(version, buckets, compared[0], leftOut.size(), false, 0, List.of(), Rewrite.NONE);
    }
    Map<String, Row> sourceRows = new TreeMap<>();
    Map<String, Row> lakeRows = new TreeMap<>();
    source.rows(row -> fromSource.keep(row, columns.sourceKey(), leftOut, differing, sourceRows));
    scanLake(version, row -> fromLake.keep(row, columns.lakeKey(), leftOut, differing, lakeRows));
    List<String> lines = new ArrayList<>();
    Rewrite rewrite = columns.differences(sourceRows, lakeRows, maxDifferences, lines);
    return new Result(version, buckets, compared[0], leftOut.size(), false, differing.size(), lines, rewrite);
  }

  private void scanLake(LakeVersion version, Consumer<Row> rows) {
    try (RowScan scan = lake.scan(version.snapshotId())) {
      if (!scan.schema().columnNames().equals(lake.schema().columnNames())) {
        throw new SinkException("The columns of lake table " + lake.id() + " changed while it was verified. Fix:"
            + " verify again.");
      }
      scan.forEach(rows);
    }
  }

  /** The row checksums of each bucket of keys. */
  private static final class Checksums {
    private final long[] counts;
    private final long[] sums;

    Checksums(int buckets) {
      counts = new long[buckets];
      sums = new long[buckets];
    }

    /** Adds {@code row} unless its key is left out; whether it was added. */
    boolean add(Row row, int[] key, int[] values, Set<String> leftOut) {
      String keyText = RowDigest.text(row, key);
      if (leftOut.contains(keyText)) {
        return false;
      }
      int bucket = bucket(keyText);
      counts[bucket]++;
      sums[bucket] += RowDigest.hash(keyText + RowDigest.text(row, values));
      return true;
    }

    /** Keeps {@code row} by its key text when it is compared and falls in one of {@code buckets}. */
    void keep(Row row, int[] key, Set<String> leftOut, Set<Integer> buckets, Map<String, Row> rows) {
      String keyText = RowDigest.text(row, key);
      if (!leftOut.contains(keyText) && buckets.contains(bucket(keyText))) {
        rows.put(keyText, row);
      }
    }

    Set<Integer> differing(Checksums other) {
      Set<Integer> differing = new HashSet<>();
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] != other.counts[i] || sums[i] != other.sums[i]) {
          differing.add(i);
        }
      }
      return differing;
    }

    private int bucket(String keyText) {
      return (int) Math.floorMod(RowDigest.hash(keyText), (long) counts.length);
    }
  }

  /**
   * The columns compared: the source's columns the lake table also has (the lake's computed and metadata columns
   * are not the source's), by their positions on each side; the key first.
   */
  private record Columns(List<String> names, List<String> keyNames, int[] sourceKey, int[] lakeKey, int[] source,
      int[] lake, TableSchema lakeSchema) {

    static Columns of(TableSchema source, SinkTable lakeTable) {
      TableSchema lake = lakeTable.schema();
      if (!lake.primaryKey().equals(source.primaryKey())) {
        throw new SinkException("Lake table " + lakeTable.id() + " is keyed by " + lake.primaryKey() + ", the source"
            + " table by " + source.primaryKey() + ": verify compares rows by the source's key. Fix: verify a table"
            + " synced with the source's key (upsert mode, no --primary-keys).");
      }
      List<String> names = source.columnNames().stream().filter(n -> lake.columnNames().contains(n)).toList();
      return new Columns(names, source.primaryKey(), positions(source, source.primaryKey()),
          positions(lake, source.primaryKey()), positions(source, names), positions(lake, names), lake);
    }

    private static int[] positions(TableSchema schema, List<String> names) {
      return names.stream().mapToInt(n -> schema.columnNames().indexOf(n)).toArray();
    }

    /**
     * The rewrite that makes the lake's rows equal the source's, by key; describes up to {@code max} differing rows
     * into {@code lines}.
     */
    Rewrite differences(Map<String, Row> sourceRows, Map<String, Row> lakeRows, int max, List<String> lines) {
      Set<String> keys = new TreeSet<>(sourceRows.keySet());
      keys.addAll(lakeRows.keySet());
      List<Row> upserts = new ArrayList<>();
      List<RowKey> deletes = new ArrayList<>();
      for (String key : keys) {
        Row fromSource = sourceRows.get(key);
        Row fromLake = lakeRows.get(key);
        String line;
        if (fromLake == null) {
          line = "only in the source: " + shownKey(fromSource, sourceKey);
          upserts.add(fromSource);
        } else if (fromSource == null) {
          line = "only in the lake:   " + shownKey(fromLake, lakeKey);
          deletes.add(fromLake.key(lakeSchema));
        } else {
          line = valuesDiffer(fromSource, fromLake);
          if (line == null) {
            continue;
          }
          upserts.add(fromSource);
        }
        if (lines.size() < max) {
          lines.add(line);
        }
      }
      return new Rewrite(upserts, deletes);
    }

    private String valuesDiffer(Row fromSource, Row fromLake) {
      List<String> differ = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        Object a = fromSource.get(source[i]);
        Object b = fromLake.get(lake[i]);
        if (!RowDigest.text(a).equals(RowDigest.text(b))) {
          differ.add(names.get(i) + ": source " + RowDigest.shown(a) + ", lake " + RowDigest.shown(b));
        }
      }
      return differ.isEmpty() ? null : "values differ:      " + shownKey(fromSource, sourceKey) + " ("
          + String.join("; ", differ) + ")";
    }

    private String shownKey(Row row, int[] key) {
      List<String> parts = new ArrayList<>();
      for (int i = 0; i < key.length; i++) {
        parts.add(keyNames.get(i) + "=" + RowDigest.shown(row.get(key[i])));
      }
      return String.join(", ", parts);
    }
  }
}
