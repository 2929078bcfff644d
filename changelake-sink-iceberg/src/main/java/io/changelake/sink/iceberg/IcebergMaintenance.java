package io.changelake.sink.iceberg;

import io.changelake.api.model.TableId;
import io.changelake.api.spi.MaintenancePolicy;
import io.changelake.api.spi.MaintenanceResult;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.TableSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.ExpireSnapshots;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshot expiry with Iceberg's own {@code ExpireSnapshots} (which deletes the data, delete and metadata files
 * only expired snapshots reference), then orphan removal: data and delete files under the table's location that no
 * manifest of a retained snapshot lists, older than the orphan age. Iceberg's {@code DeleteOrphanFiles} action
 * needs Spark; this is its listing done against the manifests, limited to content files (files in the metadata
 * folder are left alone). The listing is the FileIO's ({@code listPrefix}: Hadoop's, S3A on {@code s3://}, or Iceberg's
 * S3FileIO), whose times are the files' modification times (an object's upload time on S3).
 */
final class IcebergMaintenance {
  private static final Logger LOG = LoggerFactory.getLogger(IcebergMaintenance.class);

  private final TableId id;
  private final Table table;

  IcebergMaintenance(TableId id, Table table) {
    this.id = id;
    this.table = table;
  }

  MaintenanceResult run(List<TableSnapshot> versions, MaintenancePolicy policy) {
    String probe = ((HasTableOperations) table).operations().metadataFileLocation("f");
    String metadata = normalized(probe.substring(0, probe.length() - 1));
    AtomicLong contentDeleted = new AtomicLong();
    int oldest = policy.oldestRetained(versions);
    if (oldest > 0) {
      long keptSince = versions.subList(oldest, versions.size()).stream()
          .mapToLong(v -> v.committedAt().toEpochMilli()).min().orElseThrow();
      ExpireSnapshots expire = table.expireSnapshots()
          .expireOlderThan(keptSince)
          .retainLast(versions.size() - oldest)
          .deleteWith(path -> {
            table.io().deleteFile(path);
            if (!normalized(path).startsWith(metadata)) {
              contentDeleted.incrementAndGet();
            }
          });
      versions.subList(0, oldest).forEach(v -> expire.expireSnapshotId(v.id()));
      expire.commit();
    }
    return new MaintenanceResult(oldest, contentDeleted.get(), deleteOrphans(metadata, policy));
  }

  /**
   * Deletes the content files under the table's location that are older than the orphan age and that no snapshot
   * references. The folder is listed before the table is read, so that a file a concurrent commit adds meanwhile is
   * among the referenced ones, however old.
   */
  private long deleteOrphans(String metadata, MaintenancePolicy policy) {
    if (!(table.io() instanceof SupportsPrefixOperations io)) {
      LOG.warn("Orphan files of table {} are left: its FileIO {} cannot list the table's folder. Set the catalog's"
          + " io-impl to one that can (HadoopFileIO, S3FileIO) to have them removed.", id, table.io().getClass().getName());
      return 0;
    }
    long cutoff = policy.orphansBefore().toEpochMilli();
    List<String> candidates = new ArrayList<>();
    for (FileInfo file : io.listPrefix(table.location())) {
      if (file.createdAtMillis() < cutoff && !normalized(file.location()).startsWith(metadata)) {
        candidates.add(file.location());
      }
    }
    if (candidates.isEmpty()) {
      return 0;
    }
    table.refresh();
    Set<String> referenced = referencedContentFiles();
    long deleted = 0;
    for (String file : candidates) {
      if (!referenced.contains(normalized(file))) {
        io.deleteFile(file);
        deleted++;
      }
    }
    return deleted;
  }

  /** Every data and delete file a retained snapshot's manifests list as live. */
  private Set<String> referencedContentFiles() {
    FileIO io = table.io();
    Set<String> manifests = new HashSet<>();
    Set<String> files = new HashSet<>();
    for (Snapshot snapshot : table.snapshots()) {
      for (ManifestFile manifest : snapshot.allManifests(io)) {
        if (manifests.add(manifest.path())) {
          try (ManifestReader<? extends ContentFile<?>> reader = switch (manifest.content()) {
            case DATA -> ManifestFiles.read(manifest, io, table.specs());
            case DELETES -> ManifestFiles.readDeleteManifest(manifest, io, table.specs());
          }) {
            reader.forEach(file -> files.add(normalized(file.location())));
          } catch (IOException e) {
            throw new UncheckedIOException("Reading manifest " + manifest.path() + " of " + id + " failed", e);
          }
        }
      }
    }
    return files;
  }

  /** A location without its scheme ({@code file:}, {@code s3a:}), so that listings and manifests compare. */
  private String normalized(String location) {
    try {
      URI uri = URI.create(location);
      return (uri.getAuthority() == null ? "" : uri.getAuthority()) + uri.getPath();
    } catch (IllegalArgumentException e) {
      throw new SinkException("Table " + id + " has a file location that is not a URI: " + location, e);
    }
  }
}
