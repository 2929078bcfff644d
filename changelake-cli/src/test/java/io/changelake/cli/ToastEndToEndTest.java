package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.spi.TableFilter;
import io.changelake.api.spi.WriteMode;
import io.changelake.engine.transform.FunctionDialect;
import io.changelake.testkit.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL TOAST through the whole path: an UPDATE that leaves large out-of-line values unchanged
 * arrives without them (Debezium's unavailable-value placeholder); the lake table must keep the
 * real values, whether they come from an earlier change in the same commit round, from the
 * before-image (REPLICA IDENTITY FULL), or from the lake table itself (a later round) — in every
 * format, each read back with its own reader.
 */
class ToastEndToEndTest {
  private static final String DB = "toast";
  /** Without a before-image of the large values, and with one. */
  private static final List<String> TABLES = List.of("docs", "docs_full");

  @RegisterExtension
  static final PostgresExtension POSTGRES = new PostgresExtension();

  private final PostgresServer pg = POSTGRES.server();

  @TempDir
  Path warehouse;

  @Test
  void updatesLeavingLargeValuesOutKeepTheStoredValues() throws Exception {
    pg.createDatabase(DB);
    for (String table : TABLES) {
      pg.execute(DB, "CREATE TABLE " + table + " (id int PRIMARY KEY, counter int, body text, blob bytea, doc jsonb)",
          // out of line and uncompressed, however compressible
          "ALTER TABLE " + table + " ALTER COLUMN body SET STORAGE EXTERNAL, ALTER COLUMN blob SET STORAGE EXTERNAL,"
              + " ALTER COLUMN doc SET STORAGE EXTERNAL",
          "INSERT INTO " + table + " VALUES (1, 0, " + largeValues("one") + ")");
      assertEquals(3, toastedValues(table), "each large value of " + table + " must be stored out of line");
    }
    pg.execute(DB, "ALTER TABLE docs_full REPLICA IDENTITY FULL");
    // a computed column over a large value and a changed one: what each lake table must hold
    everyTable("CREATE VIEW %s_expected AS SELECT *, substring(body, 1, 6) || '#' || counter AS headline FROM %<s");

    var options = RunningSync.sourceOptions(pg, DB, "toast_slot", String.join("|", TABLES));
    SyncRequest request = new SyncRequest("postgres", options, TableFilter.ALL, warehouse.toString(), "lake", null,
        Map.of(), Map.of(), WriteMode.UPSERT, List.of(), Duration.ofMillis(300), 100_000, RunningSync.ALL_FORMATS,
        List.of("headline=substring(body, 1, 6) || '#' || counter"), List.of(), FunctionDialect.SQL);
    try (RunningSync sync = new RunningSync(request)) {
      awaitMirrored(sync);

      // a later round than the snapshot: the values come from the lake table (or the before-image)
      everyTable("UPDATE %s SET counter = counter + 1 WHERE id = 1");
      awaitMirrored(sync);

      // the same round (one transaction; should a round end inside it, the lookup serves instead):
      // the update takes the values from the insert before it
      everyTable("BEGIN; INSERT INTO %s VALUES (2, 0, " + largeValues("two") + ");"
          + " UPDATE %<s SET counter = 1 WHERE id = 2; COMMIT");
      awaitMirrored(sync);

      // a later round, on a row the lake holds as a streamed insert and on one it holds as an upsert
      everyTable("UPDATE %s SET counter = counter + 1");
      awaitMirrored(sync);

      // a new large value, then an update leaving it out in the same round: the new value wins
      everyTable("BEGIN; UPDATE %s SET body = (SELECT string_agg(md5('new' || i), '') FROM generate_series(1, 400) i)"
          + " WHERE id = 1; UPDATE %<s SET counter = counter + 1 WHERE id = 1; COMMIT");
      awaitMirrored(sync);

      // and left out again in a later round: the lookup finds that newest version
      everyTable("UPDATE %s SET counter = counter + 1 WHERE id = 1");
      awaitMirrored(sync);

      // the key changes and the large values are left out (the source sends one update whose
      // before-image holds the old key): in a later round than the row's insert, and in the same round
      everyTable("UPDATE %s SET id = 20, counter = counter + 1 WHERE id = 2");
      everyTable("BEGIN; INSERT INTO %s VALUES (3, 0, " + largeValues("three") + ");"
          + " UPDATE %<s SET id = 30 WHERE id = 3; UPDATE %<s SET counter = 30 WHERE id = 30; COMMIT");
      awaitMirrored(sync);
      assertEquals(0, sync.stop());
    }
  }

  /**
   * Streaming only ({@code latest-offset}), an update leaves a large value out of a row the lake table
   * never received: the table is suspended (and the sync, with nothing left to mirror, ends) with what is
   * wrong and PostgreSQL's fix, which the source supplies.
   */
  @Test
  void aLeftOutValueWithNoLakeRowToTakeItFromSuspendsWithThePostgresFix() throws Exception {
    String db = "toast_unfilled";
    pg.createDatabase(db);
    pg.execute(db, "CREATE TABLE docs (id int PRIMARY KEY, counter int, body text, blob bytea, doc jsonb)",
        "ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL",
        "INSERT INTO docs VALUES (1, 0, " + largeValues("one") + ")",
        "CREATE VIEW docs_streamed AS SELECT * FROM docs WHERE id = 2");
    var options = new java.util.LinkedHashMap<>(RunningSync.sourceOptions(pg, db, "unfilled_slot", "docs"));
    options.put("scan.startup.mode", "latest-offset");
    try (RunningSync sync = new RunningSync(RunningSync.request(options, warehouse.toString(), WriteMode.UPSERT,
        List.of()))) {
      // row 2 reaches the lake once streaming has begun (the same values every time, so the lake catches up)
      sync.await("streaming to begin", () -> {
        pg.execute(db, "INSERT INTO docs VALUES (2, 0, null, null, null) ON CONFLICT (id) DO UPDATE SET counter = 0");
        return TableComparison.same(pg, db, "docs_streamed", "iceberg", sync.location("iceberg"), "lake", "docs", "id");
      });
      pg.execute(db, "UPDATE docs SET counter = 1 WHERE id = 1");
      // its only table suspended, the sync ends with the reason
      Instant deadline = Instant.now().plusSeconds(90);
      while (!sync.output.toString().contains("SUSPENDED iceberg lake.docs: ") && Instant.now().isBefore(deadline)) {
        Thread.sleep(100);
      }
      String reason = assertThrows(ExecutionException.class, sync::stop).getCause().getMessage();
      assertTrue(reason.contains("An update of public.docs key 1 left an unchanged value out, but the lake table"
          + " holds no row for that key to take it from. Fix: ALTER TABLE public.docs REPLICA IDENTITY FULL"), reason);
    }
  }

  /**
   * A large text (12,800 characters), bytea (10,200 bytes, every 17th a zero) and jsonb value for {@code seed}:
   * md5 digests, far larger than the 2 kB that PostgreSQL keeps in the row.
   */
  private static String largeValues(String seed) {
    return "(SELECT string_agg(md5('" + seed + "' || i), '') FROM generate_series(1, 400) i),"
        + " (SELECT decode(string_agg(md5('b" + seed + "' || i) || '00', ''), 'hex') FROM generate_series(1, 600) i),"
        + " (SELECT jsonb_build_object('seed', '" + seed + "', 'items', jsonb_agg(md5('j" + seed + "' || i)))"
        + " FROM generate_series(1, 300) i)";
  }

  /** Runs {@code sqlFormat} with each table's name for %s. */
  private void everyTable(String sqlFormat) {
    for (String table : TABLES) {
      pg.execute(DB, String.format(sqlFormat, table));
    }
  }

  /** Waits until every table of every format equals its view {@code <table>_expected}. */
  private void awaitMirrored(RunningSync sync) throws Exception {
    for (String table : TABLES) {
      for (String format : RunningSync.ALL_FORMATS) {
        String location = sync.location(format);
        sync.await(format + " " + table, () -> TableComparison.same(pg, DB, table + "_expected", format, location,
            "lake", table, "id"));
        TableComparison.assertSame(pg, DB, table + "_expected", format, location, "lake", table, "id");
      }
    }
  }

  /** How many values of {@code table} are stored out of line, in its TOAST table. */
  private long toastedValues(String table) throws Exception {
    try (Connection c = pg.connect(DB); Statement s = c.createStatement()) {
      String toastTable;
      try (ResultSet rs = s.executeQuery("SELECT reltoastrelid::regclass FROM pg_class WHERE relname = '" + table + "'")) {
        rs.next();
        toastTable = rs.getString(1);
      }
      try (ResultSet rs = s.executeQuery("SELECT count(DISTINCT chunk_id) FROM " + toastTable)) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
