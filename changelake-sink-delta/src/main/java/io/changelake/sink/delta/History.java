package io.changelake.sink.delta;

import io.changelake.api.spi.TableSnapshot;
import io.delta.kernel.CommitActions;
import io.delta.kernel.CommitRangeBuilder.CommitBoundary;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The retained versions of a Delta table, read from its log with Kernel's commit range: each
 * version's time, its {@code commitInfo.operation} and the {@link CommitRecord} it wrote, if any.
 */
final class History {
  private static final Pattern COMMIT_FILE = Pattern.compile("\\d{20}\\.json");

  private History() { }

  /**
   * Every version still in the log up to {@code latest}, oldest first; when a writer's maintenance deletes the
   * oldest commits during the read, the versions that remain.
   */
  static List<TableSnapshot> read(Engine engine, String tablePath, Snapshot latest) {
    long from = earliestVersion(engine, tablePath);
    while (true) {
      List<TableSnapshot> versions = new ArrayList<>();
      try {
        readCommits(engine, tablePath, from, latest.getVersion(), KernelFiles.LogActions.HISTORY,
            commit -> versions.add(version(commit)));
        return versions;
      } catch (IllegalStateException e) {
        // a writer's maintenance deleted the oldest commits while they were read: read from its new start
        long earliest = earliestVersion(engine, tablePath);
        if (earliest <= from || earliest > latest.getVersion()) {
          throw e;
        }
        from = earliest;
      }
    }
  }

  /** What is done with each commit's actions. */
  @FunctionalInterface
  interface CommitVisitor {
    void visit(CommitActions commit) throws IOException;
  }

  /**
   * Reads the commits {@code from} to {@code to} (both included, both still in the log) with Kernel's commit range,
   * each with the {@code actions} kinds only, oldest first.
   */
  @SuppressWarnings("try")  // CommitActions.close() is declared to throw Exception
  static void readCommits(Engine engine, String tablePath, long from, long to, KernelFiles.LogActions actions,
      CommitVisitor visitor) {
    try (CloseableIterator<CommitActions> commits = TableManager
        .loadCommitRange(tablePath, CommitBoundary.atVersion(from))
        .withEndBoundary(CommitBoundary.atVersion(to))
        .build(engine)
        .getCommitActions(engine, TableManager.loadSnapshot(tablePath).atVersion(from).build(engine), actions.kinds)) {
      while (commits.hasNext()) {
        try (CommitActions commit = commits.next()) {
          visitor.visit(commit);
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("Reading the log of " + tablePath + " from version " + from + " to " + to
          + " failed: " + e.getMessage(), e);
    }
  }

  private static TableSnapshot version(CommitActions commit) throws IOException {
    String operation = "unknown";
    Map<String, String> summary = new HashMap<>();
    try (CloseableIterator<ColumnarBatch> batches = commit.getActions()) {
      while (batches.hasNext()) {
        ColumnarBatch batch = batches.next();
        ColumnVector info = column(batch, "commitInfo");
        ColumnVector domain = column(batch, "domainMetadata");
        for (int row = 0; row < batch.getSize(); row++) {
          String op = string(info, "operation", row);
          if (op != null) {
            operation = op;
          }
          if (CommitRecord.DOMAIN.equals(string(domain, "domain", row))) {
            summary.putAll(CommitRecord.properties(string(domain, "configuration", row)));
          }
        }
      }
    }
    return new TableSnapshot(commit.getVersion(), Instant.ofEpochMilli(commit.getTimestamp()), operation, summary);
  }

  /** The column {@code name} of {@code batch}, or null when the batch has none. */
  static ColumnVector column(ColumnarBatch batch, String name) {
    int ordinal = batch.getSchema().indexOf(name);
    return ordinal < 0 ? null : batch.getColumnVector(ordinal);
  }

  /** The string field {@code name} of a struct vector at {@code row}, or null. */
  static String string(ColumnVector struct, String name, int row) {
    if (struct == null || struct.isNullAt(row)) {
      return null;
    }
    int ordinal = ((StructType) struct.getDataType()).indexOf(name);
    ColumnVector child = struct.getChild(ordinal);
    return child.isNullAt(row) ? null : child.getString(row);
  }

  /** The oldest commit still in the log (older ones may have been cleaned up). */
  static long earliestVersion(Engine engine, String tablePath) {
    String log = tablePath + "/_delta_log/";
    try (CloseableIterator<FileStatus> files = engine.getFileSystemClient().listFrom(log + "0".repeat(20))) {
      while (files.hasNext()) {
        String fileName = new org.apache.hadoop.fs.Path(files.next().getPath()).getName();
        if (COMMIT_FILE.matcher(fileName).matches()) {
          return Long.parseLong(fileName.substring(0, 20));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Listing the log of " + tablePath + " failed", e);
    }
    return 0;
  }
}
