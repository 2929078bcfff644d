package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the Paimon-style commands make of the Flink flags the guide adds to their command lines,
 * and of a file of PostgreSQL options: the request they build, and the notices they show.
 */
class PaimonFlagsTest {
  @TempDir
  Path dir;

  private static String[] commandLine(String... extra) {
    List<String> args = new ArrayList<>(List.of("postgres_sync_table", "--warehouse", "/tmp/w", "--database", "lake",
        "--postgres_conf", "hostname=db", "--postgres_conf", "username=app", "--postgres_conf", "database-name=shop"));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  private static SyncRequest request(String... extra) {
    return RunningSync.command(commandLine(extra)).request();
  }

  @Test
  void checkpointingIntervalIsTheCommitInterval() {
    assertEquals(Duration.ofSeconds(5), request().commitInterval(), "the default, as before");
    assertEquals(Duration.ofSeconds(30), request("--checkpointing-interval", "30000").commitInterval(),
        "a number is milliseconds, as in Flink");
    assertEquals(Duration.ofMillis(500), request("--checkpointing-interval", "500ms").commitInterval());
    assertEquals(Duration.ofMinutes(1), request("--checkpointing-interval", "1m").commitInterval());
  }

  @Test
  void parallelismIsTheSnapshotConnections() {
    assertFalse(request().sourceOptions().containsKey("scan.snapshot.parallelism"));
    assertEquals("2", request("--parallelism", "2").sourceOptions().get("scan.snapshot.parallelism"));
    assertEquals("3", request("-p", "3").sourceOptions().get("scan.snapshot.parallelism"));
    assertEquals("2", request("--parallelism", "2", "--postgres_conf", "scan.snapshot.parallelism=2").sourceOptions()
        .get("scan.snapshot.parallelism"), "the same number both ways is no conflict");
    var e = assertThrows(IllegalArgumentException.class,
        () -> request("--parallelism", "2", "--postgres_conf", "scan.snapshot.parallelism=8"));
    assertEquals("--parallelism 2 and --postgres_conf scan.snapshot.parallelism=8 disagree: both set the snapshot"
        + " connections; give one of them.", e.getMessage());
  }

  @Test
  void flagsWithoutMeaningAreAcceptedWithOneNoticeEach() {
    SyncCommand command = RunningSync.command(commandLine("--state-backend", "rocksdb", "--network-buffer-count",
        "4096"));
    assertEquals(List.of(
        "--state-backend rocksdb has no effect: changelake keeps no Flink state; each lake commit holds its source"
            + " position, so the tables are the state.",
        "--network-buffer-count 4096 has no effect: changelake runs in one process, with no network exchange between"
            + " tasks."), command.notices());
    assertEquals(List.of(), RunningSync.command(commandLine()).notices());
  }

  @Test
  void badIntervalOrParallelismIsAUsageError() {
    StringWriter err = new StringWriter();
    var cli = Main.commandLine();
    cli.setErr(new PrintWriter(err));
    assertEquals(ExitCode.USAGE, cli.execute(commandLine("--checkpointing-interval", "0")));
    assertTrue(err.toString().contains("--checkpointing-interval") && err.toString().contains("must be positive"),
        err.toString());
    assertEquals(ExitCode.USAGE, cli.execute(commandLine("--parallelism", "many")));
    assertTrue(err.toString().contains("--parallelism"), err.toString());
  }

  @Test
  void optionsFileUnderTheCommandLine() throws Exception {
    Path file = Files.writeString(dir.resolve("cdc-credentials.properties"),
        "hostname=from-file\nport=5433\npassword=@/run/secrets/pg\n");
    SyncRequest request = RunningSync.command("postgres_sync_database", "--warehouse", "/tmp/w", "--database", "lake",
        "--postgres_conf_file", file.toString(), "--postgres_conf", "hostname=from-flag",
        "--postgres_conf", "username=app", "--postgres_conf", "database-name=shop").request();
    assertEquals(Map.of("hostname", "from-flag", "port", "5433", "password", "@/run/secrets/pg", "username", "app",
        "database-name", "shop"), request.sourceOptions());
    request = RunningSync.command("sync-table", "--source-conf-file", file.toString(),
        "--source-conf", "port=5434").request();
    assertEquals(Map.of("hostname", "from-file", "port", "5434", "password", "@/run/secrets/pg"),
        request.sourceOptions());
  }
}
