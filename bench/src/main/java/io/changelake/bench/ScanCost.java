package io.changelake.bench;

import io.changelake.api.model.Row;
import io.changelake.api.spi.CommitKind;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.RowScan;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableSink;
import io.changelake.api.spi.TableWriter;
import io.changelake.api.spi.WriteMode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * The reader's cost of upserts: the time to scan the whole table as the stream left it (with its
 * deletes, delete files or levels), against the same rows written afresh into a new table of the same
 * format with plain inserts, which is what a full compaction produces; and the scan once changelake's
 * own maintenance ({@code changelake compact}) has run on the table. Best of {@code repeats} scans each.
 */
final class ScanCost {
  private ScanCost() { }

  /**
   * Best scan seconds of the table after the stream, of its rewritten copy and of the table after
   * {@code changelake compact} (which took {@code compactSeconds}), and the row count.
   */
  record Result(long rows, double afterStreamSeconds, double rewrittenSeconds, double rewriteSeconds,
                long rewrittenBytes, double compactSeconds, double afterCompactSeconds, String compactFailure) {
    double ratio() {
      return afterStreamSeconds / rewrittenSeconds;
    }

    double afterCompactRatio() {
      return afterCompactSeconds / rewrittenSeconds;
    }
  }

  /**
   * Measures; {@code compact} runs changelake's maintenance on the table. A failed compaction is
   * recorded ({@link Result#compactFailure}) and its scan skipped; the other figures still count.
   */
  static Result measure(LakeTable lake, Path rewriteWarehouse, int repeats, Runnable compact) {
    double after = bestScan(lake, repeats);
    long start = System.nanoTime();
    rewrite(lake, rewriteWarehouse);
    double rewriteSeconds = Sql.since(start);
    start = System.nanoTime();
    String failure = null;
    try {
      compact.run();
    } catch (IllegalStateException e) {
      failure = e.getMessage();
    }
    double compactSeconds = Sql.since(start);
    double afterCompact = failure == null ? bestScan(lake, repeats) : Double.NaN;
    try (LakeTable copy = new LakeTable(lake.format(), rewriteWarehouse)) {
      long rows = copy.scan(row -> { });
      return new Result(rows, after, bestScan(copy, repeats), rewriteSeconds, Dirs.size(rewriteWarehouse),
          compactSeconds, afterCompact, failure);
    }
  }

  private static double bestScan(LakeTable table, int repeats) {
    double best = Double.MAX_VALUE;
    for (int i = 0; i < repeats; i++) {
      long start = System.nanoTime();
      table.scan(row -> { });
      best = Math.min(best, Sql.since(start));
    }
    return best;
  }

  /** Copies every row of {@code lake}'s latest version into a new table of the same format, one commit. */
  private static void rewrite(LakeTable lake, Path warehouse) {
    SinkTable source = lake.open().orElseThrow();
    try (TableSink sink = LakeTable.provider(lake.format()).open(warehouse.toString(), Map.of(), Map.of());
         RowScan scan = source.scan(null)) {
      SinkTable target = sink.open(LakeTable.ID, source.schema(), WriteMode.UPSERT);
      try (TableWriter writer = target.newWriter()) {
        for (Row row : scan) {
          writer.insert(row);
        }
        writer.commit(new CommitMetadata("bench-rewrite", true, "bench", CommitKind.STREAM, Instant.now()));
      }
    }
  }
}
