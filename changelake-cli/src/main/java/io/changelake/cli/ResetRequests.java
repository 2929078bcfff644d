package io.changelake.cli;

import io.changelake.api.model.TableId;
import io.changelake.engine.pipeline.PipelineListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The lake tables a pipeline is asked to copy again ({@code changelake reset}): one empty file per table, {@code
 * <warehouse>/.changelake/reset/<pipeline>/<database>.<table>}, next to the status files. The sync reads them as
 * it starts and deletes each once the table's copy is committed in every format it writes, so a request survives
 * restarts and crashes until then (a crash between the copy's commit and the deletion only copies the table once
 * more). Only local warehouses keep requests.
 */
final class ResetRequests {
  private final Path dir;

  private ResetRequests(Path dir) {
    this.dir = dir;
  }

  /** The requests of {@code pipeline} in {@code warehouse}; none, and none can be made, for a remote warehouse. */
  static ResetRequests forWarehouse(String warehouse, String pipeline) {
    return new ResetRequests(LakeFormats.localFolder(warehouse)
        .map(folder -> folder.resolve(".changelake").resolve("reset").resolve(pipeline)).orElse(null));
  }

  /** Whether requests can be kept: the warehouse is a local folder. */
  boolean supported() {
    return dir != null;
  }

  /** The lake tables asked to be copied again. */
  Set<TableId> pending() {
    Set<TableId> tables = new LinkedHashSet<>();
    if (dir == null || !Files.isDirectory(dir)) {
      return tables;
    }
    try (var files = Files.list(dir)) {
      files.filter(Files::isRegularFile).map(p -> TableId.parse(p.getFileName().toString()))
          .sorted(Comparator.comparing(TableId::toString)).forEach(tables::add);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the reset requests in " + dir + " (" + e.getMessage() + ")", e);
    }
    return tables;
  }

  /** Records that {@code lake} is to be copied again. */
  void request(TableId lake) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(lake.toString());
    if (!Files.exists(file)) {
      Files.createFile(file);
    }
  }

  /** Forgets the request for {@code lake}, if any. */
  void clear(TableId lake) {
    try {
      Files.deleteIfExists(dir.resolve(lake.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete the reset request " + dir.resolve(lake.toString()) + " ("
          + e.getMessage() + "); delete it by hand, or the next start of the sync copies the table again", e);
    }
  }

  /** Where the requests are kept (null for a remote warehouse), for messages. */
  Path folder() {
    return dir;
  }

  /** A listener that clears each of {@code pending} once its table's copy is committed in {@code formats} formats. */
  PipelineListener clearing(Set<TableId> pending, int formats) {
    Map<TableId, Integer> copied = new HashMap<>();
    return new PipelineListener() {
      @Override
      public void tableCopied(TableId lake, String format) {
        if (pending.contains(lake) && copied.merge(lake, 1, Integer::sum) == formats) {
          clear(lake);
        }
      }
    };
  }
}
