package io.changelake.sink.paimon;

import io.changelake.api.spi.MaintenancePolicy;
import io.changelake.api.spi.MaintenanceResult;
import io.changelake.api.spi.TableSnapshot;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.paimon.fs.FileIO;
import org.apache.paimon.fs.FileStatus;
import org.apache.paimon.fs.Path;
import org.apache.paimon.operation.LocalOrphanFilesClean;
import org.apache.paimon.options.ExpireConfig;
import org.apache.paimon.table.FileStoreTable;

/**
 * Snapshot expiry with Paimon's own {@code ExpireSnapshots} (which deletes the data, deletion vector and manifest
 * files only expired snapshots use), then, on local warehouses, Paimon's {@code LocalOrphanFilesClean} for files no
 * snapshot uses, older than the orphan age. The expiry keeps exactly the snapshots the policy retains: its minimum and maximum retained
 * count are both that number, so the newest pipeline commit stays whatever its age. Paimon reports no file count,
 * so the data files deleted are counted by listing the table's folder before and after.
 */
final class PaimonMaintenance {
  /** Folders of a table that hold metadata, not data or deletion vector files. */
  private static final Set<String> METADATA = Set.of("snapshot", "manifest", "schema", "tag", "branch", "consumer",
      "changelog", "statistics");

  private final FileStoreTable table;

  PaimonMaintenance(FileStoreTable table) {
    this.table = table;
  }

  MaintenanceResult run(List<TableSnapshot> versions, MaintenancePolicy policy) throws Exception {
    int oldest = policy.oldestRetained(versions);
    long expired = 0;
    long filesDeleted = 0;
    if (oldest > 0) {
      Set<Path> before = contentFiles();
      int retained = versions.size() - oldest;
      expired = table.newExpireSnapshots().config(ExpireConfig.builder()
          .snapshotRetainMin(retained).snapshotRetainMax(retained)
          .snapshotTimeRetain(java.time.Duration.ZERO)  // the count alone decides: the policy already chose
          .snapshotMaxDeletes(Integer.MAX_VALUE)
          .build()).expire();
      before.removeAll(contentFiles());
      filesDeleted = before.size();
    }
    long orphans = new LocalOrphanFilesClean(table, policy.orphansBefore().toEpochMilli(), false).clean()
        .getDeletedFileCount();
    return new MaintenanceResult(expired, filesDeleted, orphans);
  }

  /** The data and deletion vector files in the table's folder (the metadata folders left out). */
  private Set<Path> contentFiles() throws IOException {
    Set<Path> files = new HashSet<>();
    FileIO io = table.fileIO();
    for (FileStatus child : io.listStatus(table.location())) {
      if (!child.isDir()) {
        continue;
      }
      if (!METADATA.contains(child.getPath().getName())) {
        for (FileStatus file : io.listFiles(child.getPath(), true)) {
          files.add(file.getPath());
        }
      }
    }
    return files;
  }
}
