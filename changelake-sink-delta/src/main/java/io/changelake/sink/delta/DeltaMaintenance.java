package io.changelake.sink.delta;

import io.changelake.api.model.TableId;
import io.changelake.api.spi.MaintenancePolicy;
import io.changelake.api.spi.MaintenanceResult;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.TableSnapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Expiry and VACUUM of a Delta table. The log before the oldest retained version is dropped once a checkpoint at
 * that version holds its state, so time travel reaches exactly the retained versions. Then VACUUM as Delta does it:
 * a data or deletion vector file goes when it was removed from the table before the retention ({@code remove}
 * action's {@code deletionTimestamp}) and no retained version reads it, which also keeps the newest versions and the
 * newest pipeline commit the policy retains. Last, orphans: files in the table's folder (hidden {@code _}/{@code .}
 * names and {@code _delta_log} left out, as VACUUM does) that no retained version reads and the retained log does
 * not name, older than the orphan age, listed through Hadoop's file system (S3A on {@code s3://}: an object's time
 * is its upload time). A commit landing during the listing is read before anything is deleted.
 *
 * <p>File lists come from Kernel's log replay: a scan of the oldest retained version for its live files, and the
 * {@code add}/{@code remove} actions of the commits after it (Kernel's commit range); no JSON is parsed here.
 */
final class DeltaMaintenance {
  private final Engine engine;
  private final TableId id;
  private final String path;
  private final FileSystem fs;
  private final Path root;

  DeltaMaintenance(Engine engine, Configuration hadoop, TableId id, String path) {
    this.engine = engine;
    this.id = id;
    this.path = path;
    try {
      this.fs = new Path(path).getFileSystem(hadoop);
    } catch (IOException e) {
      throw new UncheckedIOException("Opening the file system of table " + id + " failed", e);
    }
    this.root = fs.makeQualified(new Path(path));
  }

  MaintenanceResult run(List<TableSnapshot> versions, MaintenancePolicy policy) throws IOException {
    int oldest = policy.oldestRetained(versions);
    long keep = versions.get(oldest).id();
    Set<Path> retained = readByRetainedVersions(keep, versions.get(versions.size() - 1).id());
    Map<Path, Long> removed = removedUpTo(versions.get(0).id(), keep);
    long expireBefore = policy.expireBefore().toEpochMilli();
    if (oldest > 0) {
      dropLogBefore(keep);
    }
    long filesDeleted = 0;
    for (Map.Entry<Path, Long> file : removed.entrySet()) {
      if (file.getValue() < expireBefore && !retained.contains(file.getKey()) && fs.delete(file.getKey(), false)) {
        filesDeleted++;
      }
    }
    Set<Path> known = new HashSet<>(retained);
    known.addAll(removed.keySet());  // removed within the retention: VACUUM's later work, no orphans
    List<Path> candidates = new ArrayList<>();
    listOrphans(root, known, policy.orphansBefore().toEpochMilli(), candidates);
    return new MaintenanceResult(oldest, filesDeleted, deleteOrphans(candidates, versions.get(versions.size() - 1).id()));
  }

  /** Every file (data and deletion vector) a version from {@code keep} to {@code latest} reads. */
  private Set<Path> readByRetainedVersions(long keep, long latest) {
    Set<Path> files = new HashSet<>();
    io.delta.kernel.Snapshot oldest = TableManager.loadSnapshot(path).atVersion(keep).build(engine);
    for (io.delta.kernel.data.Row scanFile : new TableReader(engine, oldest, null).files(file -> true)) {
      files.add(qualified(KernelFiles.fileStatus(scanFile).getPath()));
      KernelFiles.deletionVectorFile(scanFile, path).ifPresent(dv -> files.add(qualified(dv)));
    }
    if (keep < latest) {
      History.readCommits(engine, path, keep + 1, latest, KernelFiles.LogActions.FILES, commit ->
          forEachAction(commit.getActions(), "add", (add, row) -> files.addAll(named(add, row))));
    }
    return files;
  }

  /**
   * The files (data and deletion vector) that {@code remove} actions of the commits {@code from} to {@code keep}
   * name, each with its latest removal time ({@code deletionTimestamp}, else the commit's time).
   */
  private Map<Path, Long> removedUpTo(long from, long keep) {
    Map<Path, Long> removed = new HashMap<>();
    History.readCommits(engine, path, from, keep, KernelFiles.LogActions.FILES, commit ->
        forEachAction(commit.getActions(), "remove", (remove, row) -> {
          ColumnVector timestamp = remove.getChild(((StructType) remove.getDataType()).indexOf("deletionTimestamp"));
          long at = timestamp.isNullAt(row) ? commit.getTimestamp() : timestamp.getLong(row);
          named(remove, row).forEach(file -> removed.merge(file, at, Math::max));
        }));
    return removed;
  }

  @FunctionalInterface
  private interface ActionVisitor {
    void visit(ColumnVector action, int row);
  }

  /** Calls {@code visitor} with every non-null {@code kind} action ({@code add}, {@code remove}) of a commit. */
  private static void forEachAction(CloseableIterator<ColumnarBatch> batches, String kind, ActionVisitor visitor)
      throws IOException {
    try (batches) {
      while (batches.hasNext()) {
        ColumnarBatch batch = batches.next();
        ColumnVector actions = History.column(batch, kind);
        for (int row = 0; actions != null && row < batch.getSize(); row++) {
          if (!actions.isNullAt(row)) {
            visitor.visit(actions, row);
          }
        }
      }
    }
  }

  /** The data file and the deletion vector file an {@code add} or {@code remove} action names. */
  private List<Path> named(ColumnVector action, int row) {
    List<Path> files = new ArrayList<>(2);
    String location = History.string(action, "path", row);
    try {
      URI uri = new URI(location);  // the protocol's paths are URIs, relative to the table unless absolute
      files.add(uri.isAbsolute() ? fs.makeQualified(new Path(uri)) : new Path(root, new Path(uri)));
    } catch (URISyntaxException e) {
      throw new SinkException("Table " + id + " names a file that is no URI: " + location, e);
    }
    KernelFiles.deletionVectorFile(action, row, path).ifPresent(dv -> files.add(qualified(dv)));
    return files;
  }

  /**
   * Deletes the log files of the versions before {@code keep}, oldest first, after a checkpoint at {@code keep}
   * (written unless one is there) holds the table's state at that version.
   */
  private void dropLogBefore(long keep) throws IOException {
    String log = path + "/_delta_log/";
    List<String> older = new ArrayList<>();
    boolean checkpointed = false;
    try (CloseableIterator<FileStatus> files = engine.getFileSystemClient().listFrom(log + "0".repeat(20))) {
      while (files.hasNext()) {
        String file = files.next().getPath();
        OptionalLong version = KernelFiles.logFileVersion(file);
        if (version.isPresent() && version.getAsLong() < keep) {
          older.add(file);
        }
        checkpointed |= version.isPresent() && version.getAsLong() == keep && KernelFiles.isCheckpoint(file);
      }
    }
    if (!checkpointed) {
      TableManager.loadSnapshot(path).atVersion(keep).build(engine).writeCheckpoint(engine);
    }
    for (String file : older) {
      engine.getFileSystemClient().delete(file);
    }
  }

  /**
   * Adds to {@code candidates} the files under {@code folder} not in {@code known}, modified before {@code before}
   * (names starting {@code _} or {@code .} left out, as VACUUM does).
   */
  private void listOrphans(Path folder, Set<Path> known, long before, List<Path> candidates) throws IOException {
    for (org.apache.hadoop.fs.FileStatus status : fs.listStatus(folder)) {
      String name = status.getPath().getName();
      if (name.startsWith("_") || name.startsWith(".")) {
        continue;  // _delta_log, _change_data, hidden files: never VACUUM's
      }
      if (status.isDirectory()) {
        listOrphans(status.getPath(), known, before, candidates);
      } else if (status.getModificationTime() < before && !known.contains(status.getPath())) {
        candidates.add(status.getPath());
      }
    }
  }

  /**
   * Deletes the {@code candidates} that no commit after version {@code listed} names (a commit that landed while the
   * folder was listed may add a file written long before); returns how many.
   */
  private long deleteOrphans(List<Path> candidates, long listed) throws IOException {
    if (candidates.isEmpty()) {
      return 0;
    }
    long latest = TableManager.loadSnapshot(path).build(engine).getVersion();
    Set<Path> named = new HashSet<>();
    if (latest > listed) {
      History.readCommits(engine, path, listed + 1, latest, KernelFiles.LogActions.FILES, commit -> {
        forEachAction(commit.getActions(), "add", (add, row) -> named.addAll(named(add, row)));
        forEachAction(commit.getActions(), "remove", (remove, row) -> named.addAll(named(remove, row)));
      });
    }
    long deleted = 0;
    for (Path file : candidates) {
      if (!named.contains(file) && fs.delete(file, false)) {
        deleted++;
      }
    }
    return deleted;
  }

  private Path qualified(String location) {
    return fs.makeQualified(new Path(location));
  }
}
