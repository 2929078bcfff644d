package io.changelake.sink.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.WriteMode;
import io.delta.kernel.Snapshot;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaTypesTest {
  private static final TableId ID = TableId.parse("shop.all_types");

  static final TableSchema SCHEMA = new TableSchema(List.of(
      new Column("id", DataType.INT, false, "int4"),
      Column.of("b", DataType.BOOLEAN, true),
      new Column("i", DataType.INT, true, "int2"),
      Column.of("l", DataType.LONG, true),
      Column.of("f", DataType.FLOAT, true),
      Column.of("d", DataType.DOUBLE, true),
      new Column("dec", DataType.decimal(38, 10), true, "numeric(38,10)"),
      Column.of("small_dec", DataType.decimal(5, 2), true),
      Column.of("day", DataType.DATE, true),
      Column.of("t", DataType.TIME, true),
      new Column("ts", DataType.TIMESTAMP, true, "timestamp"),
      new Column("tstz", DataType.TIMESTAMPTZ, true, "timestamptz"),
      new Column("s", DataType.STRING, true, "jsonb"),
      Column.of("u", DataType.UUID, true),
      new Column("bin", DataType.BINARY, true, "bytea"),
      new Column("longs", DataType.listOf(DataType.LONG), true, "_int8"),
      Column.of("texts", DataType.listOf(DataType.STRING), true),
      Column.of("nested", DataType.listOf(DataType.listOf(DataType.INT)), true),
      Column.of("uuids", DataType.listOf(DataType.UUID), true)),
      List.of("id"));

  private static final int TIME = 9;
  private static final int UUID_COLUMN = 13;
  private static final int UUIDS = 18;

  static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    rows.add(Row.of(1, true, 7, Long.MAX_VALUE, 1.5f, Math.PI,
        new BigDecimal("1234567890123456789012345678.9012345678"), new BigDecimal("-999.99"),
        LocalDate.of(2024, 2, 29), LocalTime.of(23, 59, 59, 999_999_000),
        LocalDateTime.of(2024, 2, 29, 23, 59, 59, 123_456_000),
        OffsetDateTime.of(2024, 2, 29, 23, 59, 59, 654_321_000, ZoneOffset.UTC),
        "{\"k\": \"värde ✓\"}", UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
        ByteBuffer.wrap(new byte[] {0, 1, 0, (byte) 255, 0}),
        Arrays.asList(1L, null, 3L), Arrays.asList("a", null, ""), List.of(List.of(1, 2), List.of()),
        Arrays.asList(new UUID(1, 2), null)));
    rows.add(Row.of(2, false, Integer.MIN_VALUE, Long.MIN_VALUE, Float.NaN, Double.NaN,
        new BigDecimal("-9999999999999999999999999999.9999999999"), new BigDecimal("0.01"),
        LocalDate.of(1, 1, 1), LocalTime.MIDNIGHT,
        LocalDateTime.of(1900, 1, 1, 0, 0, 0, 1_000),
        OffsetDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000, ZoneOffset.UTC),
        "", new UUID(0, 0), ByteBuffer.wrap(new byte[0]),
        List.of(), List.of(), Arrays.asList(null, Arrays.asList(1, null)), List.of()));
    rows.add(Row.of(3, null, 0, 0L, Float.POSITIVE_INFINITY, Double.POSITIVE_INFINITY,
        BigDecimal.ZERO.setScale(10), new BigDecimal("0.00"), LocalDate.of(9999, 12, 31), LocalTime.of(0, 0, 0, 1_000),
        LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000),
        OffsetDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000, ZoneOffset.UTC),
        "x".repeat(100_000), UUID.fromString("ffffffff-ffff-ffff-ffff-ffffffffffff"),
        ByteBuffer.wrap(new byte[] {0, 0, 0}), Arrays.asList((Long) null), Arrays.asList((String) null), null, null));
    rows.add(Row.of(4, true, 1, 1L, Float.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, null, null, null, null,
        null, null, null, null, null, null, null, null, null));
    rows.add(Row.of(5, null, null, null, -0.0f, -0.0d, null, null, null, null, null, null, null, null, null, null,
        null, null, null));
    rows.add(Row.of(6, null, null, null, Float.MIN_VALUE, Double.MAX_VALUE, null, null, null, null, null, null, null,
        null, null, null, null, null, null));
    return rows;
  }

  @Test
  void everyTypeRoundTripsThroughKernelsOwnReader(@TempDir Path dir) {
    try (DeltaSink sink = DeltaSink.local(dir)) {
      SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
      assertEquals(SCHEMA, table.schema(), "schema read back equals the schema created");
      Lake.commit(table, "p1", writer -> rows().forEach(writer::insert));

      Snapshot snapshot = Lake.snapshot(dir, ID);
      StructType delta = snapshot.getSchema();
      assertEquals(TimestampType.TIMESTAMP, delta.get("tstz").getDataType());
      assertEquals(TimestampNTZType.TIMESTAMP_NTZ, delta.get("ts").getDataType());
      assertEquals(LongType.LONG, delta.get("t").getDataType());
      assertEquals(StringType.STRING, delta.get("u").getDataType());
      assertEquals("time", delta.get("t").getMetadata().getString(SchemaMapping.TYPE));
      assertEquals("uuid", delta.get("u").getMetadata().getString(SchemaMapping.TYPE));
      assertEquals("list<uuid>", delta.get("uuids").getMetadata().getString(SchemaMapping.TYPE));
      assertEquals("bytea", delta.get("bin").getMetadata().getString(SchemaMapping.SOURCE_TYPE));
      assertTrue(!delta.get("id").isNullable());

      List<List<Object>> read = Lake.rows(snapshot);
      read.sort(Comparator.comparing(r -> (Integer) r.get(0)));
      List<Row> expected = rows();
      assertEquals(expected.size(), read.size());
      for (int r = 0; r < expected.size(); r++) {
        for (int c = 0; c < SCHEMA.size(); c++) {
          assertEquals(stored(expected.get(r).get(c), c), read.get(r).get(c),
              "row " + r + " column " + SCHEMA.column(c).name());
        }
      }

      List<Row> scanned = Lake.scan(table, null);
      scanned.sort(Comparator.comparing(r -> (Integer) r.get(0)));
      assertEquals(expected, scanned);
      assertEveryDataFileSaysProlepticGregorian(dir);
    }
  }

  @Test
  void filesLargerThanTheHeldBackTailKeepEveryRowAndGetTheKey(@TempDir Path dir) {
    TableSchema schema = new TableSchema(List.of(Column.of("id", DataType.INT, false),
        Column.of("text", DataType.STRING, true), Column.of("day", DataType.DATE, true)), List.of("id"));
    java.util.Random random = new java.util.Random(18);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 60_000; i++) {
      byte[] bytes = new byte[75];
      random.nextBytes(bytes);
      rows.add(Row.of(i, java.util.Base64.getEncoder().encodeToString(bytes), LocalDate.of(1, 1, 1).plusDays(i)));
    }
    try (DeltaSink sink = DeltaSink.local(dir)) {
      SinkTable table = sink.open(TableId.parse("shop.large"), schema, WriteMode.UPSERT);
      Lake.commit(table, "p1", writer -> rows.forEach(writer::insert));
      List<Row> scanned = Lake.scan(table, null);
      scanned.sort(Comparator.comparing(r -> (Integer) r.get(0)));
      assertEquals(rows, scanned);
    }
    try (var files = java.nio.file.Files.walk(dir)) {
      assertTrue(files.anyMatch(f -> f.toString().endsWith(".parquet") && f.toFile().length() > CalendarFooterStream.TAIL),
          "a data file larger than the tail held back");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertEveryDataFileSaysProlepticGregorian(dir);
  }

  /**
   * Spark reads dates before 1582 and timestamps before 1900 (these rows hold 0001-01-01) without
   * an exception only from files whose footer names a Spark version of 3.0.0 or later.
   */
  private static void assertEveryDataFileSaysProlepticGregorian(Path dir) {
    List<Path> files;
    try (var walk = java.nio.file.Files.walk(dir)) {
      files = walk.filter(f -> f.toString().endsWith(".parquet") && !f.toString().contains("_delta_log")).toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertTrue(!files.isEmpty());
    for (Path file : files) {
      try (var reader = org.apache.parquet.hadoop.ParquetFileReader.open(new org.apache.parquet.io.LocalInputFile(file))) {
        var keyValues = reader.getFooter().getFileMetaData().getKeyValueMetaData();
        assertEquals("3.5.0", keyValues.get("org.apache.spark.version"), file + ": " + keyValues);
        assertTrue(keyValues.containsKey("io.delta.kernel.default-parquet-writer"), "Kernel's own keys are kept");
        assertTrue(reader.getRowGroups().stream().allMatch(g -> g.getRowCount() > 0), "row groups intact");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /** What Delta holds for a core value: time as micros of the day, uuids as strings. */
  private static Object stored(Object value, int column) {
    if (value == null) {
      return null;
    }
    return switch (column) {
      case TIME -> ((LocalTime) value).toNanoOfDay() / 1000;
      case UUID_COLUMN -> value.toString();
      case UUIDS -> ((List<?>) value).stream().map(u -> u == null ? null : u.toString()).toList();
      default -> value;
    };
  }
}
