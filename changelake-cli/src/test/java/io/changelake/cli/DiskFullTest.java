package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.changelake.api.spi.WriteMode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warehouse's disk fills up while the sync streams into Iceberg, Delta and Paimon: the warehouse is a
 * real 48 MiB tmpfs (mounted by the test, which needs root; skipped otherwise), filled to the last byte
 * with a file, so every write into it fails with ENOSPC as on a full disk. The sync either waits or
 * fails with a message that says what to do; after the space is freed, a sync (the same one, or a new one)
 * brings every table to equal the source row by row: what could not be committed was not acknowledged, so
 * nothing is lost. (Today the first write to fail is the status file's, in the warehouse too, which ends the
 * sync; a data or commit file failing is the same ENOSPC one step later.)
 */
class DiskFullTest {
  private static final String DB = "diskfull";

  @RegisterExtension
  static final PostgresExtension PG = new PostgresExtension();

  @TempDir
  Path dir;

  private Path mount;

  @AfterEach
  void unmount() throws Exception {
    if (mount != null) {
      run("umount", "-l", mount.toString());
    }
  }

  @Test
  void aFullDiskLosesNothingOnceSpaceReturns() throws Exception {
    mount = dir.resolve("lake");
    Files.createDirectories(mount);
    assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", mount.toString()) == 0,
        "mounting a tmpfs needs root");
    PG.server().createDatabase(DB);
    PG.server().execute(DB, "CREATE TABLE items (id bigint PRIMARY KEY, name text)",
        "INSERT INTO items SELECT i, 'item ' || i FROM generate_series(1, 1000) i");
    Map<String, String> options = RunningSync.sourceOptions(PG.server(), DB, "diskfull_slot", "items");
    Path filler = mount.resolve("filler");
    boolean failed;
    String output;
    try (RunningSync sync = new RunningSync(RunningSync.request(options, mount.toString(), WriteMode.UPSERT,
        List.of(), RunningSync.ALL_FORMATS))) {
      sync.awaitMirrored(PG.server(), DB, "items", "id");
      fill(filler);
      PG.server().execute(DB, "UPDATE items SET name = 'full ' || id WHERE id % 3 = 0",
          "INSERT INTO items SELECT i, 'new ' || i FROM generate_series(1001, 3000) i",
          "DELETE FROM items WHERE id % 10 = 0");
      Thread.sleep(15_000); // several commit rounds against the full disk
      failed = sync.finished();
      output = failed ? messages(sync.awaitFailure()) : "";
      Files.delete(filler);
      if (!failed) {
        // it waited: with space back, the same sync goes on
        sync.awaitMirrored(PG.server(), DB, "items", "id");
      }
    }
    if (failed) {
      assertTrue(output.contains("No space left on device"), output);
      assertTrue(output.contains("free space when it is full"), output);
      try (RunningSync again = new RunningSync(RunningSync.request(options, mount.toString(), WriteMode.UPSERT,
          List.of(), RunningSync.ALL_FORMATS))) {
        again.awaitMirrored(PG.server(), DB, "items", "id");
      }
    }
  }

  private static String messages(Throwable failure) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      all.append(t).append('\n');
    }
    return all.toString();
  }

  /** Writes {@code file} until the file system is full. */
  private static void fill(Path file) {
    byte[] block = new byte[1 << 16];
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException full) {
      assertTrue(full.getMessage() == null || full.getMessage().contains("space"), full.toString());
    }
  }

  private static int run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
  }
}
