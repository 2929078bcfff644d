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
import io.changelake.api.spi.TableFilter;
import io.changelake.api.spi.TableSink;
import io.changelake.api.spi.TableWriter;
import io.changelake.api.spi.WriteMode;
import io.changelake.engine.transform.FunctionDialect;
import io.changelake.testkit.PostgresServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code changelake verify --repair} against a real PostgreSQL and every format: rows edited, deleted and added in
 * the lake are rewritten in one commit per format that keeps the table's source position (a source change after the
 * sync's last commit is left for the sync), the table then equals the source row by row (computed and metadata
 * columns shaped as the sync shapes them), and a sync started afterwards resumes where it was. Refused while the sync
 * runs, without a terminal and without --yes, when the answer on a terminal is no, and when verify compared nothing.
 * One sync mirrors the tables into the three formats for the whole class.
 */
class VerifyRepairTest {
  private static final String DB = "repaired";
  private static final String SLOT = "repair_slot";
  private static final TableId DAMAGED = new TableId("lake", "damaged");
  private static final TableId OTHER = new TableId("lake", "other");
  private static final List<String> SHAPING = List.of("--computed-column", "name_upper=upper(name)",
      "--metadata-column", "_op_type");

  @RegisterExtension
  static final PostgresExtension PG = PostgresExtension.withDatabase(DB,
      VerifyCommandTest.tables("damaged", "other"));

  @TempDir
  static Path dir;

  private static Path lake;
  private static Map<String, String> options;
  private static SyncRequest request;

  @BeforeAll
  static void mirror() throws Exception {
    PostgresServer pg = PG.server();
    lake = dir.resolve("lake");
    options = RunningSync.sourceOptions(pg, DB, SLOT, "damaged|other");
    request = new SyncRequest("postgres", options, TableFilter.ALL, lake.toString(), "lake", null, Map.of(), Map.of(),
        WriteMode.UPSERT, List.of(), Duration.ofMillis(300), 100_000, RunningSync.ALL_FORMATS,
        List.of("name_upper=upper(name)"), List.of("_op_type"), FunctionDialect.SQL);
    try (RunningSync sync = new RunningSync(request)) {
      sync.awaitMirrored(pg, DB, "damaged", "id");
      sync.awaitMirrored(pg, DB, "other", "id");
      assertEquals(0, sync.stop());
    }
  }

  @AfterAll
  static void noTemporarySlotLeft() throws Exception {
    assertEquals(List.of(SLOT), PG.slots(DB), "verify left a slot behind");
  }

  @Test
  void rewritesTheDifferingRowsInOneCommitKeepingThePosition() throws Exception {
    forEachTable(DAMAGED, table -> edit(table, writer -> {
      writer.upsert(changed(table, 3, 1, "changed", 5, "WRONG"));
      writer.upsert(changed(table, 4, 2, new BigDecimal("99.00"), 6, "SNAPSHOT"));
      writer.delete(key(5));
      writer.delete(key(201));
      writer.upsert(Row.of(900L, "extra", null, null, null, "EXTRA", "INSERT"));
    }));
    Map<String, Map<String, String>> expected = TableComparison.source(PG.server(), DB, "damaged", "id");
    PG.server().execute(DB, "UPDATE damaged SET name = 'later' WHERE id = 7");
    Map<String, CommitMetadata> before = new TreeMap<>();
    Map<String, Integer> versions = new TreeMap<>();
    forEachTable(DAMAGED, table -> {
      before.put(table.format, table.table.lastCommit().orElseThrow());
      versions.put(table.format, table.table.snapshots().size());
    });

    CommandResult repaired = verify("lake.damaged", "iceberg,delta,paimon", "--repair", "--yes");

    assertEquals(0, repaired.code(), repaired::toString);
    for (String format : RunningSync.ALL_FORMATS) {
      assertTrue(Pattern.compile("\n  " + format + ": 4 rows written from source public.damaged as of \\S+, 1 row"
          + " deleted, in one commit keeping position \\S+\n").matcher(repaired.out()).find(), repaired.out());
      assertTrue(Pattern.compile("\nRepaired " + format + " table lake.damaged: snapshot -?\\d+, still at position"
          + " \\S+\\.\n").matcher(repaired.out()).find(), repaired.out());
    }
    assertTrue(repaired.out().contains("1 keys left out (changed between the two positions), "), repaired.out());
    assertTrue(repaired.out().contains(" buckets and 5 rows differ."), repaired.out());
    assertTrue(repaired.out().contains("Verifying again:\n"), repaired.out());
    assertEquals(3, repaired.out().split("1 keys left out \\(changed between the two positions\\), 0 buckets and 0"
        + " rows differ\\.", -1).length - 1, repaired.out());
    assertTrue(repaired.out().endsWith("lake.damaged now matches its source in iceberg, delta, paimon.\n"),
        repaired.out());
    forEachTable(DAMAGED, table -> {
      CommitMetadata last = table.table.lastCommit().orElseThrow();
      assertEquals(versions.get(table.format) + 1, table.table.snapshots().size(), table.format + ": one commit");
      assertEquals(before.get(table.format).position(), last.position(), table.format + ": the position moved");
      assertEquals(SLOT, last.pipeline(), table.format);
      assertTrue(last.snapshotComplete(), table.format);
      assertEquals(CommitKind.REPAIR, last.kind(), table.format);
    });
    for (String format : RunningSync.ALL_FORMATS) {
      List<String> kinds = kinds(format, "lake.damaged");
      assertEquals("snapshot", kinds.get(0), format + ": the sync's copy, then the edits, then the repair: " + kinds);
      assertEquals("repair", kinds.get(kinds.size() - 1), format + ": " + kinds);
    }
    for (String format : RunningSync.ALL_FORMATS) {
      var rows = TableComparison.lake(format, location(format), "lake", "damaged", "id");
      assertEquals(expected, TableComparison.project(rows, expected), format + ": id 7 changed after the last commit"
          + " stays for the sync, every other row is the source's");
      assertShaped(format, rows);
      assertEquals("SNAPSHOT", rows.get("5|").get("_op_type"), format + ": a repaired row is a copied row");
    }
    assertEquals(expected, TableComparison.project(TableComparison.lake(TableComparison.lakeTable(
        location("iceberg"), "lake", "damaged"), "id"), expected), "read with Iceberg's own reader");

    try (RunningSync sync = new RunningSync(request)) {
      sync.awaitMirrored(PG.server(), DB, "damaged", "id");
      PG.server().execute(DB, "INSERT INTO damaged VALUES (1000, 'new', 2, now(), NULL)",
          "UPDATE damaged SET name = 'again' WHERE id IN (3, 10)", "DELETE FROM damaged WHERE id = 4",
          "UPDATE damaged SET name = 'back' WHERE id = 5");
      sync.awaitMirrored(PG.server(), DB, "damaged", "id");
      assertEquals(0, sync.stop());
    }
    for (String format : RunningSync.ALL_FORMATS) {
      assertShaped(format, TableComparison.lake(format, location(format), "lake", "damaged", "id"));
    }
  }

  @Test
  void refusedWhileTheSyncRunsUnconfirmedOrWhenNothingWasCompared() throws Exception {
    CommandResult yesAlone = verify("lake.other", "iceberg", "--yes");
    assertEquals(ExitCode.USAGE, yesAlone.code(), yesAlone::toString);
    assertTrue(yesAlone.err().contains("--yes answers the question of --repair"), yesAlone.err());

    forEachTable(OTHER, table -> {
      if (table.format.equals("iceberg")) {
        edit(table, writer -> writer.delete(key(1)));
      }
    });
    int versions = snapshots("iceberg", OTHER);
    CommandResult unconfirmed = run("lake.other", "iceberg", List.of(), "--repair");
    assertEquals(ExitCode.USAGE, unconfirmed.code(), unconfirmed::toString);
    assertTrue(unconfirmed.out().contains("The repair of lake.other rewrites:\n  iceberg: 1 row written from source"
        + " public.other as of "), unconfirmed.out());
    assertTrue(unconfirmed.out().contains("; lake columns written as null (neither the source's nor a"
        + " --computed-column or --metadata-column given): name_upper, _op_type\n"), unconfirmed.out());
    assertTrue(unconfirmed.err().contains("stdin is not a terminal. Add --yes"), unconfirmed.err());
    assertEquals(versions, snapshots("iceberg", OTHER), "written without confirmation");
    TerminalCommand answeredNo = TerminalCommand.run("no", args("lake.other", "iceberg", SHAPING, "--repair"));
    assertEquals(ExitCode.DIFFERENT, answeredNo.code(), answeredNo::toString);
    assertTrue(answeredNo.output().contains("Repair it? Type 'yes' to go ahead: "), answeredNo.output());
    assertTrue(answeredNo.output().contains("Nothing was written."), answeredNo.output());
    assertEquals(versions, snapshots("iceberg", OTHER), "written though the answer was no");

    try (RunningSync sync = new RunningSync(request)) {
      sync.await("its status file to say it runs", VerifyRepairTest::runs);
      CommandResult running = verify("lake.other", "iceberg", "--repair", "--yes");
      assertEquals(ExitCode.SOURCE, running.code(), running::toString);
      assertTrue(running.err().contains("The sync of pipeline " + SLOT + " runs (pid " + ProcessHandle.current().pid()
          + "): a repair would race its commits. Stop it first"), running.err());
      assertEquals("", running.out(), "verified while the sync runs");
      assertEquals(0, sync.stop());
    }
    CommandResult stillDiffers = verify("lake.other", "iceberg");
    assertEquals(ExitCode.DIFFERENT, stillDiffers.code(), stillDiffers::toString);
    assertTrue(stillDiffers.out().contains("  only in the source: id=1\n"), stillDiffers.out());

    PG.server().execute(DB, "TRUNCATE other");
    versions = snapshots("iceberg", OTHER);
    CommandResult nothingCompared = verify("lake.other", "iceberg", "--repair", "--yes");
    assertEquals(ExitCode.TABLE, nothingCompared.code(), nothingCompared::toString);
    assertTrue(nothingCompared.err().contains("Cannot repair lake.other: verify compared nothing in iceberg ("),
        nothingCompared.err());
    assertTrue(nothingCompared.err().endsWith("verify again later. Nothing was written.\n"), nothingCompared.err());
    assertEquals(versions, snapshots("iceberg", OTHER), "written though nothing was compared");
  }

  /** Every lake row's computed column is the sync's: upper(name). */
  private static void assertShaped(String format, Map<String, Map<String, String>> rows) {
    rows.forEach((key, row) -> assertEquals(row.get("name") == null ? null : row.get("name").toUpperCase(Locale.ROOT),
        row.get("name_upper"), format + " row " + key));
  }

  /** Lake row {@code id} of {@code table}, with column {@code at} set to {@code value} and {@code at2} to {@code value2}. */
  private static Row changed(Opened table, long id, int at, Object value, int at2, Object value2) {
    Row row = table.table.lookup(List.of(key(id))).get(key(id));
    Object[] values = row.copyValues();
    values[at] = value;
    values[at2] = value2;
    assertFalse(Objects.equals(row, Row.of(values)), "nothing changed");
    return Row.of(values);
  }

  private static RowKey key(long id) {
    return new RowKey(List.of(id));
  }

  /** Writes to {@code table} through its format's writer, in one commit that keeps its position. */
  private static void edit(Opened table, Consumer<TableWriter> edits) {
    CommitMetadata last = table.table.lastCommit().orElseThrow();
    try (TableWriter writer = table.table.newWriter()) {
      edits.accept(writer);
      writer.commit(new CommitMetadata(last.position(), true, last.pipeline(), CommitKind.STREAM, null));
    }
  }

  private record Opened(String format, SinkTable table) { }

  private static void forEachTable(TableId id, Consumer<Opened> action) {
    Map<String, TableSink> sinks = LakeFormats.openExisting(lake.toString(), RunningSync.ALL_FORMATS, Map.of());
    try {
      sinks.forEach((format, sink) -> action.accept(new Opened(format, sink.find(id).orElseThrow())));
    } finally {
      sinks.values().forEach(TableSink::close);
    }
  }

  /** The kind column of {@code changelake snapshots} for {@code format}, oldest first, for pipeline commits only. */
  private static List<String> kinds(String format, String table) {
    CommandResult listed = CommandResult.run("snapshots", table, "--warehouse", lake.toString(), "--format", format);
    assertEquals(0, listed.code(), listed::toString);
    List<String> lines = listed.out().lines().toList();
    int column = Stream.of(lines.get(0).split(" \\| ")).map(String::strip).toList().indexOf("kind");
    List<String> kinds = new ArrayList<>();
    for (String line : lines.subList(2, lines.size() - 1)) {
      String kind = line.split(" \\| ")[column].strip();
      if (!kind.equals("-")) {
        kinds.add(kind);
      }
    }
    return kinds;
  }

  private static int snapshots(String format, TableId id) {
    int[] count = {0};
    forEachTable(id, table -> {
      if (table.format.equals(format)) {
        count[0] = table.table.snapshots().size();
      }
    });
    return count[0];
  }

  private static boolean runs() {
    try {
      return StatusFile.running(lake.toString(), SLOT).isPresent();
    } catch (IOException e) {
      return false;
    }
  }

  private static String location(String format) {
    return LakeFormats.location(lake.toString(), format, true);
  }

  /** {@code changelake verify} with the sync's flags. */
  private static CommandResult verify(String table, String formats, String... more) {
    return run(table, formats, SHAPING, more);
  }

  private static CommandResult run(String table, String formats, List<String> shaping, String... more) {
    return CommandResult.run(args(table, formats, shaping, more).toArray(String[]::new));
  }

  private static List<String> args(String table, String formats, List<String> shaping, String... more) {
    List<String> args = new ArrayList<>(List.of("verify", table, "--warehouse", lake.toString(), "--format", formats));
    args.addAll(RunningSync.asFlags("--source-conf", options));
    args.addAll(shaping);
    args.addAll(List.of(more));
    return args;
  }
}
