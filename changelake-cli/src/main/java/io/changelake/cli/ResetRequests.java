package io.changelake.cli;

import io.changelake.api.model.TableId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The lake tables a pipeline is asked to copy again ({@code changelake reset}): one empty file per table, {@code
 * <warehouse>/.changelake/reset/<pipeline>/<database>.<table>}, next to the status files. The sync reads them as
 * it starts, and a running sync looks for new ones ({@link ResetWatch}); it deletes each once the table's copy is
 * committed in every format it writes ({@link ResetCopies}), so a request survives stops and crashes until then
 * (a crash between the copy's commit and the deletion only copies the table once more). Only local warehouses keep
 * requests.
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
}
