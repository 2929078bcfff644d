package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.spi.CommitKind;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableSink;
import io.changelake.api.spi.TableWriter;
import io.changelake.api.spi.WriteMode;
import io.changelake.testkit.PostgresServer;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code changelake verify} against a real PostgreSQL and every format: a mirrored table verifies equal; rows changed
 * or deleted in the lake table are named with exit code 5; source changes after the sync's last commit (sync
 * stopped) or while verify runs (sync running) are left out, not reported; bad input gets a clear error. One sync
 * mirrors three tables into the three formats for the whole class.
 */
class VerifyCommandTest {
  private static final String DB = "verified";
  private static final String SLOT = "verify_slot";

  @RegisterExtension
  static final PostgresExtension PG = PostgresExtension.withDatabase(DB, tables("items", "edited", "moving"));

  @TempDir
  static Path dir;

  private static Path lake;
  private static Map<String, String> options;

  @BeforeAll
  static void mirror() throws Exception {
    PostgresServer pg = PG.server();
    lake = dir.resolve("lake");
    options = RunningSync.sourceOptions(pg, DB, SLOT, "items|edited|moving");
    try (RunningSync sync = new RunningSync(RunningSync.request(options, lake.toString(), WriteMode.UPSERT, List.of(),
        RunningSync.ALL_FORMATS))) {
      for (String table : List.of("items", "edited", "moving")) {
        sync.awaitMirrored(pg, DB, table, "id");
      }
      assertEquals(0, sync.stop());
    }
  }

  /** The statements creating {@code tables}: rows 1 to 200 with a value of every kind, row 201 of nulls. */
  static String[] tables(String... tables) {
    List<String> statements = new ArrayList<>();
    for (String table : tables) {
      statements.addAll(List.of("CREATE TABLE " + table + " (id bigint PRIMARY KEY, name text, price numeric(10,2),"
          + " at timestamptz, data bytea)",
          "INSERT INTO " + table + " SELECT i, 'n' || i, i * 1.5, timestamptz '2026-01-01 00:00:00.123456+02'"
              + " + i * interval '1 hour', decode(lpad(to_hex(i), 4, '0'), 'hex') FROM generate_series(1, 200) i",
          "INSERT INTO " + table + " VALUES (201, NULL, NULL, NULL, NULL)"));
    }
    return statements.toArray(String[]::new);
  }

  @AfterAll
  static void noTemporarySlotLeft() throws Exception {
    assertEquals(List.of(SLOT), PG.slots(DB), "verify left a slot behind");
  }

  @Test
  void aMirroredTableIsEqualInEveryFormat() {
    for (String format : RunningSync.ALL_FORMATS) {
      CommandResult result = verify("lake.items", format);

      assertEquals(0, result.code(), result::toString);
      assertTrue(result.out().contains(": 201 rows compared over 1024 buckets, 0 keys left out (changed between the"
          + " two positions), 0 buckets and 0 rows differ."), result.out());
    }
  }

  @Test
  void rowsChangedOrDeletedInTheLakeAreNamed() throws Exception {
    Map<String, TableSink> sinks = LakeFormats.openExisting(lake.toString(), RunningSync.ALL_FORMATS, Map.of());
    try {
      for (TableSink sink : sinks.values()) {
        SinkTable table = sink.find(new TableId("lake", "edited")).orElseThrow();
        CommitMetadata last = table.lastCommit().orElseThrow();
        try (TableWriter writer = table.newWriter()) {
          writer.upsert(Row.of(3L, "changed", new BigDecimal("4.50"),
              OffsetDateTime.of(2026, 1, 1, 1, 0, 0, 123456000, ZoneOffset.UTC), ByteBuffer.wrap(new byte[] {0, 3})));
          writer.delete(new RowKey(List.of(5L)));
          writer.upsert(Row.of(900L, "extra", null, null, null));
          writer.commit(new CommitMetadata(last.position(), true, last.pipeline(), CommitKind.STREAM, null));
        }
      }
    } finally {
      sinks.values().forEach(TableSink::close);
    }

    for (String format : RunningSync.ALL_FORMATS) {
      CommandResult result = verify("lake.edited", format);

      assertEquals(ExitCode.DIFFERENT, result.code(), result::toString);
      assertEquals(List.of(
          "  values differ:      id=3 (name: source n3, lake changed)",
          "  only in the source: id=5",
          "  only in the lake:   id=900"), differences(result.out()), result.out());
      assertTrue(result.out().contains("201 rows compared over 1024 buckets, 0 keys left out (changed between the"
          + " two positions), 3 buckets and 3 rows differ."), result.out());
    }
  }

  @Test
  void sourceChangesAfterTheLastCommitAreLeftOut() throws Exception {
    PG.server().execute(DB, "UPDATE moving SET name = 'later' WHERE id = 2", "DELETE FROM moving WHERE id = 4",
        "INSERT INTO moving VALUES (500, 'new', 1, now(), NULL)");

    for (String format : RunningSync.ALL_FORMATS) {
      CommandResult stopped = verify("lake.moving", format);

      assertEquals(0, stopped.code(), stopped::toString);
      assertTrue(stopped.out().contains(": 199 rows compared over 1024 buckets, 3 keys left out (changed between"
          + " the two positions), 0 buckets and 0 rows differ."), stopped.out());
    }

    AtomicBoolean writing = new AtomicBoolean(true);
    Thread writer = new Thread(() -> {
      for (int i = 0; writing.get(); i++) {
        PG.server().execute(DB, "UPDATE moving SET name = 'w" + i + "' WHERE id = " + (10 + i % 50));
      }
    });
    try (RunningSync sync = new RunningSync(RunningSync.request(options, lake.toString(), WriteMode.UPSERT, List.of(),
        RunningSync.ALL_FORMATS))) {
      sync.awaitMirrored(PG.server(), DB, "moving", "id");
      writer.start();
      for (String format : RunningSync.ALL_FORMATS) {
        CommandResult running = verify("lake.moving", format);

        assertEquals(0, running.code(), running::toString);
        assertTrue(running.out().contains(" 0 buckets and 0 rows differ."), running.out());
      }
      CommandResult quietTable = verify("lake.items", "delta");
      assertEquals(0, quietTable.code(), quietTable::toString);
      writing.set(false);
      writer.join();
      sync.awaitMirrored(PG.server(), DB, "moving", "id");
      CommandResult quietSource = verify("lake.moving", "paimon", "--wait", "30s");
      assertEquals(0, quietSource.code(), quietSource::toString);
      assertTrue(quietSource.out().contains(" 0 keys left out (changed between the two positions), 0 buckets and"
          + " 0 rows differ."), quietSource.out());
      assertEquals(0, sync.stop());
    } finally {
      writing.set(false);
    }
  }

  @Test
  void badInputGetsAClearError() {
    CommandResult unknown = verify("lake.nothing", "iceberg");
    assertEquals(ExitCode.TABLE, unknown.code(), unknown::toString);
    assertTrue(unknown.err().contains("No table lake.nothing in iceberg in this warehouse."), unknown.err());

    List<String> args = new ArrayList<>(List.of("verify", "lake.items", "--warehouse", lake.toString()));
    args.addAll(RunningSync.asFlags("--source-conf", options));
    args.addAll(List.of("--source-conf", "port=1", "--format", "iceberg"));
    CommandResult unreachable = CommandResult.run(args.toArray(String[]::new));
    assertEquals(ExitCode.SOURCE, unreachable.code(), unreachable::toString);
    assertTrue(unreachable.err().contains(":1"), unreachable.err());
    assertFalse(unreachable.err().contains(PG.server().password()), "the password was shown");

    CommandResult mysql = CommandResult.run("verify", "lake.items", "--warehouse", lake.toString(), "--format",
        "iceberg", "--source", "mysql", "--source-table", "shop.items", "--source-conf", "hostname=localhost",
        "--source-conf", "username=u", "--source-conf", "password=p", "--source-conf", "database-name=shop");
    assertEquals(ExitCode.SOURCE, mysql.code(), mysql::toString);
    assertTrue(mysql.err().contains("verify cannot read this source as of one position yet"), mysql.err());
  }

  private static CommandResult verify(String table, String format, String... more) {
    List<String> args = new ArrayList<>(List.of("verify", table, "--warehouse", lake.toString(), "--format", format));
    args.addAll(RunningSync.asFlags("--source-conf", options));
    args.addAll(List.of(more));
    return CommandResult.run(args.toArray(String[]::new));
  }

  private static List<String> differences(String out) {
    return out.lines().filter(l -> l.startsWith("  ")).toList();
  }
}
