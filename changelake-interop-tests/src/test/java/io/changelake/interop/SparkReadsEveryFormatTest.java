package io.changelake.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a new user reads: one real sync ({@code changelake sync-table --format iceberg,delta,paimon},
 * from the command's jar in its own JVM) mirrors a table of every supported type and edge value,
 * snapshot then a TRUNCATE and streamed inserts, updates (a key update, one leaving a TOASTed value
 * unchanged) and deletes, and a time column added while streaming, all through changelake's own
 * PostgreSQL readers; it is stopped with
 * SIGTERM; then a local Spark 3.5 session with default read settings reads each format, and every
 * row and column equals PostgreSQL's (see {@link Canonical} for the exact comparison).
 *
 * <p>It fails if Spark cannot read a table at all: an Iceberg {@code time} column ("Spark does not
 * support time fields"), or Delta files without the footer key that lets Spark read dates before
 * 1582 and timestamps before 1900 ({@code INCONSISTENT_BEHAVIOR_CROSS_VERSION.READ_ANCIENT_DATETIME}).
 */
class SparkReadsEveryFormatTest {
  private static final String DB = "engines";
  private static final String TABLE = EveryTypeTable.NAME;

  /** Where Spark reads each format; {@code rest} is the Iceberg table through {@code changelake serve}. */
  private static final Map<String, String> TABLES = Map.of(
      "iceberg", "iceberg.lake." + TABLE, "paimon", "paimon.lake." + TABLE, "rest", "rest.lake." + TABLE);

  private static PostgresServer pg;
  /** Column → PostgreSQL type name, for the few Spark texts that depend on it (intervals). */
  private static Map<String, String> pgTypes;
  private static Path warehouse;
  private static SparkSession spark;
  /** {@code changelake serve} over the warehouse, from the jar; Spark's catalog {@code rest} reads through it. */
  private static ChildSync serve;

  @BeforeAll
  static void mirrorThenStop() throws Exception {
    warehouse = Files.createTempDirectory("changelake-engines-");
    pg = PostgresServer.start();
    pg.createDatabase(DB);
    EveryTypeTable.create(pg, DB);
    spark = session(warehouse);

    try (ChildSync sync = ChildSync.start(warehouse.resolve("sync.log"), List.of("sync-table",
        "--source-conf", "hostname=" + pg.host(), "--source-conf", "port=" + pg.port(),
        "--source-conf", "username=" + pg.username(), "--source-conf", "password=" + pg.password(),
        "--source-conf", "database-name=" + DB, "--source-conf", "table-name=" + TABLE,
        "--warehouse", warehouse.toString(), "--database", "lake", "--format", "iceberg,delta,paimon",
        "--commit-interval", "1s"))) {
      pgTypes = source().pgTypes();
      awaitEveryFormat(sync, "the snapshot");

      // a TRUNCATE empties the table in every format; the rows come back as streamed inserts
      EveryTypeTable.change(pg, DB);
      pgTypes = source().pgTypes();
      awaitEveryFormat(sync, "the streamed changes");
      assertEquals(0, sync.stop(), "a sync stopped by SIGTERM exits 0:\n" + sync.output());
      assertTrue(sync.output().contains("Initial snapshot read:"), "the own snapshot reader ran:\n" + sync.output());
      assertFalse(sync.output().contains("through Debezium") || sync.output().contains("Debezium reads"),
          "changelake's own readers take every type of the table:\n" + sync.output());
    }
    serveThroughRest();
  }

  /** Starts {@code changelake serve} with a token from a file and points Spark's catalog {@code rest} at it. */
  private static void serveThroughRest() throws Exception {
    String token = "interop-token-" + System.nanoTime();
    Path tokenFile = Files.writeString(warehouse.resolve("serve-token"), token + "\n");
    serve = ChildSync.start(warehouse.resolve("serve.log"), List.of("serve", "--warehouse", warehouse.toString(),
        "--port", "0", "--token-file", tokenFile.toString()));
    String url = serve.awaitUrl();
    spark.conf().set("spark.sql.catalog.rest", "org.apache.iceberg.spark.SparkCatalog");
    spark.conf().set("spark.sql.catalog.rest.type", "rest");
    spark.conf().set("spark.sql.catalog.rest.uri", url);
    spark.conf().set("spark.sql.catalog.rest.token", token);
  }

  @AfterAll
  static void stop() throws Exception {
    if (serve != null) {
      assertEquals(0, serve.stop(), "serve stopped by SIGTERM exits 0:\n" + serve.output());
    }
    if (spark != null) {
      spark.stop();
    }
    if (pg != null) {
      pg.close();
    }
    if (warehouse != null) {
      try (var files = Files.walk(warehouse)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"iceberg", "delta", "paimon", "rest"})
  void sparkReadsTheTableAsPostgresHasIt(String format) throws Exception {
    Table source = source().table();
    Table lake = read(format);
    assertEquals(source.types(), lake.types(), format + ": Spark's column names and types");
    assertEquals(source.rows().keySet(), lake.rows().keySet(), format + ": keys");
    List<String> differences = new ArrayList<>();
    source.rows().forEach((key, row) -> row.forEach((column, value) -> {
      String read = lake.rows().get(key).get(column);
      if (!Objects.equals(value, read)) {
        differences.add("id " + key + " " + column + ": PostgreSQL " + value + ", Spark " + read);
      }
    }));
    assertEquals(List.of(), differences, format + ": values");
  }

  /** A local session that reads all three formats; every read setting is Spark's default. */
  static SparkSession session(Path warehouse) {
    return SparkSession.builder()
        .master("local[2]")
        .appName("changelake-interop-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.warehouse.dir", warehouse.resolve("spark-warehouse").toString())
        .config("spark.sql.datetime.java8API.enabled", "true")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.catalog.iceberg", "org.apache.iceberg.spark.SparkCatalog")
        .config("spark.sql.catalog.iceberg.type", "hadoop")
        .config("spark.sql.catalog.iceberg.warehouse", warehouse.resolve("iceberg").toString())
        .config("spark.sql.catalog.paimon", "org.apache.paimon.spark.SparkCatalog")
        .config("spark.sql.catalog.paimon.warehouse", warehouse.resolve("paimon").toUri().toString())
        .getOrCreate();
  }

  /** Waits until Spark reads every format as PostgreSQL has the table now. */
  private static void awaitEveryFormat(ChildSync sync, String what) throws Exception {
    Table source = source().table();
    for (String format : List.of("iceberg", "delta", "paimon")) {
      Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
      Object last = null;
      while (true) {
        String output = sync.output();
        if (!sync.isAlive() || output.contains("SUSPENDED")) {
          throw new AssertionError("The sync stopped or suspended a table while waiting for " + what + ":\n" + output);
        }
        try {
          Table lake = read(format);
          if (lake.equals(source)) {
            break;
          }
          last = lake;
        } catch (Exception e) {
          last = e;
        }
        if (Instant.now().isAfter(deadline)) {
          throw new AssertionError(format + " never showed " + what + " in Spark; last read: " + last
              + "\nsource: " + source + "\nsync output:\n" + sync.output(), last instanceof Throwable t ? t : null);
        }
        Thread.sleep(500);
      }
    }
  }

  /** A table as canonical texts: column → Spark type, and id → column → value. */
  record Table(Map<String, String> types, Map<Integer, Map<String, String>> rows) { }

  /** PostgreSQL's table: its canonical texts and column → type name. */
  record Source(Table table, Map<String, String> pgTypes) { }

  /** PostgreSQL's table now, with the Spark type each column must be read as. */
  private static Source source() throws Exception {
    EveryTypeTable.Snapshot now = EveryTypeTable.read(pg, DB);
    Map<String, String> types = new LinkedHashMap<>();
    now.columns().forEach((name, column) ->
        types.put(name, SparkCanonical.sparkType(column.type(), column.precision(), column.scale())));
    return new Source(new Table(types, now.rows()), now.types());
  }

  /** The format's table as Spark reads it now. */
  private static Table read(String format) throws Exception {
    String table = TABLES.getOrDefault(format, "delta.`" + warehouse.resolve("delta/lake/" + TABLE) + "`");
    if (!format.equals("delta")) {
      spark.sql("REFRESH TABLE " + table);
    }
    var frame = spark.sql("SELECT * FROM " + table);
    Map<String, String> types = new LinkedHashMap<>();
    for (StructField field : frame.schema().fields()) {
      types.put(field.name(), field.dataType().simpleString());
    }
    Map<Integer, Map<String, String>> rows = new TreeMap<>();
    for (Row row : frame.collectAsList()) {
      Map<String, String> values = new LinkedHashMap<>();
      StructField[] fields = frame.schema().fields();
      for (int i = 0; i < fields.length; i++) {
        values.put(fields[i].name(), SparkCanonical.ofSpark(row.get(i), fields[i].dataType(), pgTypes.get(fields[i].name())));
      }
      if (rows.put(row.getInt(row.fieldIndex("id")), values) != null) {
        throw new AssertionError(format + " holds id " + row.get(row.fieldIndex("id")) + " twice");
      }
    }
    return new Table(types, rows);
  }
}
