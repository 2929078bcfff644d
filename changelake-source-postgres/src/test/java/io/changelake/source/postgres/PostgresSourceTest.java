package io.changelake.source.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.ChangeEvent;
import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.ChangeListener;
import io.changelake.api.spi.SourceTable;
import io.changelake.api.testing.CollectingListener;
import io.changelake.debezium.ConnectValues;
import io.changelake.testkit.PostgresServer;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresSourceTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static PostgresServer pg;

  @BeforeAll
  static void startServer() {
    pg = PostgresServer.start();
  }

  @AfterAll
  static void stopServer() {
    if (pg != null) {
      pg.close();
    }
  }

  static PostgresSourceConfig config(String slot, String tables, String... extra) {
    return SourceConfigs.of(pg, slot, tables, extra);
  }

  private static final String TYPES_COLUMNS = "(id int primary key, i2 smallint, i4 int, i8 bigint, n numeric(10,2),"
      + " n38 numeric(38,10), nbig numeric(50,5), nu numeric, r real, d double precision, b boolean, t text,"
      + " vc varchar(5), c char(3), by bytea, dt date, tm time, ts timestamp, tz timestamptz, u uuid, j json,"
      + " jb jsonb, ai int[], at text[], m mood, iv interval, ip inet, ci cidr)";

  private static String[] typeRows(int base) {
    return new String[] {
        "SET TIME ZONE 'Asia/Tokyo'",
        "INSERT INTO types VALUES (" + (base + 1) + ", 32767, -5, 9223372036854775807, 12345678.91,"
            + " '1234567890123456789012345678.0123456789', '123456789012345678901234567890123456789012345.12345',"
            + " 'NaN', 'NaN', '-Infinity', true, 'héllo', 'ab', 'ab', '\\x00ff00', '2024-02-29', '12:34:56.789012',"
            + " '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05.123456+02', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',"
            + " '{\"a\": 1}', '{\"a\":1}', '{1,NULL,3}', '{a,NULL}', 'happy', '1 year 2 mons 3 days 04:05:06.789',"
            + " '10.0.0.1/8', '10.0.0.0/8')",
        "INSERT INTO types (id) VALUES (" + (base + 2) + ")",
        "SET TIME ZONE 'America/New_York'",
        "INSERT INTO types (id, n, nu, r, d, tz, ts, by) VALUES (" + (base + 3) + ", 'NaN', '-Infinity', 'Infinity',"
            + " 'NaN', '2024-07-01 12:00:00.000001', '1969-12-31 23:59:59.999999', '\\x')",
        "SET TIME ZONE 'UTC'",
        "INSERT INTO types (id, nu, tz) VALUES (" + (base + 4) + ", '0.000000010', '2024-07-01 12:00:00.5+00')"};
  }

  private static void assertTypeRows(List<ChangeEvent> events, int base) {
    Map<Integer, Row> rows = events.stream().collect(Collectors.toMap(e -> (Integer) e.after().get(0), ChangeEvent::after));
    TableSchema schema = events.get(0).schema();
    Row r1 = rows.get(base + 1);
    Object[] expected = {base + 1, 32767, -5, Long.MAX_VALUE, new BigDecimal("12345678.91"),
        new BigDecimal("1234567890123456789012345678.0123456789"),
        "123456789012345678901234567890123456789012345.12345", "NaN", Float.NaN, Double.NEGATIVE_INFINITY, true,
        "héllo", "ab", "ab ", ByteBuffer.wrap(new byte[] {0, (byte) 0xff, 0}), LocalDate.of(2024, 2, 29),
        LocalTime.parse("12:34:56.789012"), LocalDateTime.parse("2024-01-02T03:04:05.123456"),
        OffsetDateTime.parse("2024-01-02T01:04:05.123456Z"), UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
        "{\"a\": 1}", "{\"a\": 1}", Arrays.asList(1, null, 3), Arrays.asList("a", null), "happy",
        "P1Y2M3DT4H5M6.789S", "10.0.0.1/8", "10.0.0.0/8"};
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], r1.get(i), "column " + schema.column(i).name());
      if (expected[i] != null) {
        assertEquals(expected[i].getClass().isInstance(r1.get(i)) || expected[i] instanceof List
            || expected[i] instanceof ByteBuffer, true, "class of " + schema.column(i).name());
      }
    }
    Row r2 = rows.get(base + 2);
    for (int i = 1; i < schema.size(); i++) {
      assertNull(r2.get(i), "null in " + schema.column(i).name());
    }
    Row r3 = rows.get(base + 3);
    assertNull(r3.get(schema.indexOf("n")), "numeric(10,2) NaN becomes null");
    assertEquals("-Infinity", r3.get(schema.indexOf("nu")));
    assertEquals(Float.POSITIVE_INFINITY, r3.get(schema.indexOf("r")));
    assertEquals(Double.NaN, r3.get(schema.indexOf("d")));
    assertEquals(OffsetDateTime.parse("2024-07-01T16:00:00.000001Z"), r3.get(schema.indexOf("tz")));
    assertEquals(LocalDateTime.parse("1969-12-31T23:59:59.999999"), r3.get(schema.indexOf("ts")));
    assertEquals(ByteBuffer.allocate(0), r3.get(schema.indexOf("by")));
    Row r4 = rows.get(base + 4);
    assertEquals("0.000000010", r4.get(schema.indexOf("nu")));
    assertEquals(OffsetDateTime.parse("2024-07-01T12:00:00.5Z"), r4.get(schema.indexOf("tz")));
  }

  @Test
  void decodesEveryTypeLosslesslyInSnapshotAndStream() throws Exception {
    pg.execute(pg.database(), "CREATE TYPE mood AS ENUM ('sad', 'happy')", "CREATE TABLE types " + TYPES_COLUMNS);
    pg.execute(pg.database(), typeRows(0));
    CollectingListener listener = new CollectingListener();
    try (PostgresSource source = new PostgresSource(config("types_slot", "types"))) {
      List<SourceTable> tables = source.discover();
      assertEquals(1, tables.size());
      source.start(Optional.empty(), listener);
      List<ChangeEvent> snapshot = listener.awaitEvents(4, WAIT);
      assertTrue(snapshot.stream().allMatch(e -> e.operation() == Operation.SNAPSHOT && e.position().inSnapshot()));
      assertTypeRows(snapshot, 0);
      assertEquals(tables.get(0).schema(), snapshot.get(0).schema(), "discover and decode agree");
      listener.awaitProgress(p -> !p.inSnapshot(), WAIT);

      pg.execute(pg.database(), typeRows(10));
      List<ChangeEvent> stream = listener.awaitEvents(e -> e.operation() == Operation.INSERT, 4, WAIT);
      assertTypeRows(stream, 10);
      assertSame(snapshot.get(0).schema(), stream.get(0).schema(), "unchanged schema, same instance");
    }
  }

  private static final String FAST_COLUMNS = "(id int primary key, i2 smallint, i4 int, i8 bigint, n numeric(10,2),"
      + " n38 numeric(38,10), nbig numeric(50,5), nu numeric, r real, d double precision, b boolean, t text,"
      + " vc varchar(5), c char(3), by bytea, dt date, tm time, ts timestamp, tz timestamptz, u uuid, j json, jb jsonb)";

  private static String[] fastRows(int base) {
    return new String[] {
        "SET TIME ZONE 'Asia/Tokyo'",
        "INSERT INTO fast VALUES (" + (base + 1) + ", 32767, -5, 9223372036854775807, 12345678.91,"
            + " '1234567890123456789012345678.0123456789', '123456789012345678901234567890123456789012345.12345',"
            + " 'NaN', 'NaN', '-Infinity', true, 'héllo', 'ab', 'ab', '\\x00ff00', '2024-02-29', '24:00:00',"
            + " '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05.123456+02', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',"
            + " '{\"a\":  1}', '{\"a\":1}')",
        "INSERT INTO fast (id) VALUES (" + (base + 2) + ")",
        "SET TIME ZONE 'America/New_York'",
        "INSERT INTO fast (id, n, nu, r, d, tz, ts, by, tm) VALUES (" + (base + 3) + ", 'NaN', '-Infinity', 'Infinity',"
            + " 'NaN', '2024-07-01 12:00:00.000001', '1969-12-31 23:59:59.999999', '\\x', '12:34:56.789012')",
        "SET TIME ZONE 'UTC'",
        "INSERT INTO fast (id, nu, tz) VALUES (" + (base + 4) + ", '0.000000010', '2024-07-01 12:00:00.5+00')",
        "INSERT INTO fast VALUES (" + (base + 5) + ", -32768, 0, -9223372036854775808, -0.01, '0.0001', '-0.00001',"
            + " '-123456789012345678901234567890.000000000000000000001', -1.5, 1e-300, false, '', '日本', '',"
            + " '\\x80fe7f00ff', '1969-07-20', '00:00:00', '1900-01-01 00:00:00.000001',"
            + " '1999-12-31 23:59:59.999999+05:30', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '[]',"
            + " '{\"é\": [1, 2.50, null]}')",
        "INSERT INTO fast VALUES (" + (base + 6) + ", 0, 2147483647, 0, 0, '-9999999999999999999999999999.9999999999',"
            + " 0, '100000.0000', 0, '-0', true, E'tab\\there\\nnewline', 'abcde', 'é', '\\x', '1999-12-31',"
            + " '23:59:59.999999', '2000-01-01 00:00:00', '1970-01-01 00:00:00+00',"
            + " '00000000-0000-0000-0000-000000000000', '\"✓\"', 'null')"};
  }

  /**
   * The parallel snapshot reader: chunks of pages read by several connections give every row once,
   * with the values the stream gives the same row, and what is committed while it reads is streamed
   * after it.
   */
  @Test
  void readsTheSnapshotInChunksAndStreamsWhatWasCommittedMeanwhile() throws Exception {
    pg.execute(pg.database(), "CREATE TABLE fast " + FAST_COLUMNS,
        "CREATE TABLE chunky (id int primary key, payload text)",
        "INSERT INTO chunky SELECT g, repeat('p', g % 50) FROM generate_series(1, 5000) g", "ANALYZE chunky");
    pg.execute(pg.database(), fastRows(0));
    List<String> emittingThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
    CollectingListener listener = new CollectingListener() {
      @Override
      public void onChange(ChangeEvent event) {
        if (event.operation() == Operation.SNAPSHOT && events().size() == 100) {
          emittingThreads.add(Thread.currentThread().getName());
          pg.execute(pg.database(), "UPDATE chunky SET payload = 'during' WHERE id = 7",
              "DELETE FROM chunky WHERE id = 8", "INSERT INTO chunky VALUES (9001, 'new')");
        }
        super.onChange(event);
      }
    };
    try (PostgresSource source = new PostgresSource(config("chunk_slot", "fast|chunky",
        "scan.snapshot.chunk.size", "300", "scan.snapshot.parallelism", "3"))) {
      source.start(Optional.empty(), listener);
      SourcePosition done = listener.awaitProgress(p -> !p.inSnapshot(), WAIT);
      assertEquals(List.of("changelake-snapshot-chunk_slot"), emittingThreads, "read by changelake, not Debezium");
      List<ChangeEvent> snapshot = listener.events().stream().filter(e -> e.operation() == Operation.SNAPSHOT).toList();
      List<Integer> ids = snapshot.stream().filter(e -> e.table().name().equals("chunky"))
          .map(e -> (Integer) e.after().get(0)).sorted().toList();
      assertEquals(java.util.stream.IntStream.rangeClosed(1, 5000).boxed().toList(), ids, "every row once");
      assertEquals("ppppppp", snapshot.stream().filter(e -> Integer.valueOf(7).equals(e.after().get(0))
          && e.table().name().equals("chunky")).findFirst().orElseThrow().after().get(1), "as of the snapshot");
      assertTrue(snapshot.stream().allMatch(e -> e.position().compareTo(done) < 0));

      List<ChangeEvent> meanwhile = listener.awaitEvents(e -> e.operation() != Operation.SNAPSHOT, 3, WAIT);
      assertEquals(List.of("UPDATE:7", "DELETE:8", "INSERT:9001"),
          meanwhile.stream().map(e -> e.operation() + ":" + e.keyRow().get(0)).toList());
      assertTrue(meanwhile.stream().allMatch(e -> e.position().compareTo(done) > 0));

      pg.execute(pg.database(), fastRows(10));
      List<ChangeEvent> streamed = listener.awaitEvents(
          e -> e.operation() == Operation.INSERT && e.table().name().equals("fast"), 6, WAIT);
      Map<Integer, Row> fromSnapshot = snapshot.stream().filter(e -> e.table().name().equals("fast"))
          .collect(Collectors.toMap(e -> (Integer) e.after().get(0), ChangeEvent::after));
      assertEquals(6, fromSnapshot.size());
      TableSchema schema = streamed.get(0).schema();
      for (ChangeEvent e : streamed) {
        int id = (Integer) e.after().get(0);
        Row same = fromSnapshot.get(id - 10);
        for (int i = 1; i < schema.size(); i++) {
          assertEquals(e.after().get(i), same.get(i), "row " + id + " column " + schema.column(i).name());
        }
      }
      assertEquals(ConnectValues.END_OF_DAY, fromSnapshot.get(1).get(schema.indexOf("tm")));
      assertNull(fromSnapshot.get(3).get(schema.indexOf("n")), "numeric(10,2) NaN becomes null");
      assertEquals("   ", fromSnapshot.get(5).get(schema.indexOf("c")), "char(3) keeps its padding");
      assertEquals(new BigDecimal("-0.01"), fromSnapshot.get(5).get(schema.indexOf("n")));
      assertEquals(snapshot.stream().filter(e -> e.table().name().equals("fast")).findFirst().orElseThrow().schema(),
          schema, "snapshot and stream agree on the schema");
    }
  }

  private static final String EVERY_TYPE_COLUMNS = "(id int primary key, e feeling, ea feeling[], iv interval,"
      + " iva interval[], mo money, ip inet, ci cidr, ma macaddr, m8 macaddr8, ipa inet[], b1 bit(1), b3 bit(3),"
      + " bl bit(100), vb varbit, x xml, dp posint, dl label, dn price, dpa posint[], h hstore, r4 int4range,"
      + " r8 int8range, rn numrange, rd daterange, rts tsrange, rtz tstzrange, mr int4multirange, pt point, ln line,"
      + " ls lseg, bx box, pa path, pg polygon, cr circle, tv tsvector, tq tsquery, tt timetz, ch \"char\", nm name,"
      + " o oid, lsn pg_lsn, ci2 citext, a2 smallint[], a8 bigint[], af4 real[], af8 float8[], an numeric[],"
      + " an2 numeric(10,2)[], ab bool[], avc varchar[], abp char(2)[], adt date[], atm time[], ats timestamp[],"
      + " atz timestamptz[], au uuid[], aby bytea[], aj json[], ajb jsonb[], at text[], ai int[], amd int[], lt ltree,"
      + " jp jsonpath, xi xid, x8 xid8)";

  private static String[] everyTypeRows(int base) {
    return new String[] {
        "SET TIME ZONE 'Asia/Tokyo'",
        "INSERT INTO every_type VALUES (" + (base + 1) + ", 'très content', '{sad,NULL,\"say \\\"hi\\\"\"}',"
            + " '1 year 2 mons 3 days 04:05:06.789', '{\"-1 days -02:03:04.5\",NULL,\"100 hours\"}', '-12.34',"
            + " '2001:db8::ff00:42:8329', '192.168.0.0/16', '08:00:2b:01:02:03', '08:00:2b:01:02:03:04:05',"
            + " '{::1,10.1.2.3/8,NULL,::ffff:1.2.3.4}', B'1', B'101', repeat('10', 50)::bit(100), B'1101011',"
            + " '<a>größe €</a>', 5, 'étiquette', 9.99, '{1,NULL,3}', 'a=>1, \"b c\"=>NULL, \"q\\\"k\"=>\"v\\\\w\"',"
            + " '[1,10)', '(,5]', '[1.5,2.25]', '[2024-01-01,2024-02-01)', '[\"2024-01-01 00:00:00\",\"2024-01-02 03:04:05.5\")',"
            + " '[\"2024-01-01 00:00:00+02\",)', '{[1,3),[5,7)}', '(1.5,-2)', '{1,2,3}', '[(0,0),(1,1)]', '(2,2),(0,0)',"
            + " '[(0,0),(1,1),(2,0)]', '((0,0),(1,1),(2,0))', '<(1,2),3>', 'a:1A fat:2B,4C cat:5', 'fat & (rat | cat)',"
            + " '12:34:56.789+02', 'x', 'a name', 4294967295, '16/B374D848', 'MiXeD',"
            + " '{-32768,NULL,32767}', '{-9223372036854775808}', '{1.5,NaN,-Infinity}', '{0.1,1e300}',"
            + " '{1.5,NaN,NULL,123456789012345678901234567890.5}', '{1.5,-2}', '{t,f,NULL}', '{\"a,b\",\"\",NULL}',"
            + " '{a,bb}', '{2024-02-29,NULL}', '{12:34:56.789012,24:00:00}', '{\"2024-01-02 03:04:05.123456\"}',"
            + " '{\"2024-01-02 03:04:05.123456+02\"}', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', '{\"\\\\x00ff\",NULL}',"
            + " '{\"{\\\"a\\\": 1}\"}', '{\"{\\\"a\\\":1}\"}', '{\"x y\",NULL,\"\"}', '{1,NULL,3}', '{{1,2},{3,4}}',"
            + " 'Top.Science.Astronomy', '$.a[*] ? (@ > 1)', '4294967295', '18446744073709551615')",
        "INSERT INTO every_type (id) VALUES (" + (base + 2) + ")",
        "INSERT INTO every_type (id, ea, iv, mo, ip, ci, vb, h, r4, rn, ai, at, iva) VALUES (" + (base + 3) + ", '{}',"
            + " '-1 years -2 mons +3 days -00:00:00.000001', '-92233720368547758.08', '::', '::/0', B'', '',"
            + " 'empty', '(,)', '{}', '{}', '{}')",
        "INSERT INTO every_type (id, mo, ip, ci, ma, h, tq, tt, lsn, iv, tv, rn, rts, e, x) VALUES (" + (base + 4)
            + ", '5', 'fe80::1:0:0:0:1', '2001:db8::/32', '08-00-2b-01-02-0a',"
            + " 'z=>1, y=>2, \"\"=>\"\", k=>\"x,y\", \"a b\"=>\"c\\\"d\", \"é\"=>\"\\\\\"',"
            + " '!a & (b <-> c:*AB) | d <2> !(e | f:C)', '12:00:00-05:30', '0/1A', '-100 hours', 'café:1,2 zoo',"
            + " '(-1.50,2]', '[-infinity,\"2024-01-01 00:00:00.000001\"]', 'sad', '<r a=\"1\">ü</r>')",
        "SET TIME ZONE 'UTC'"};
  }

  /**
   * Row 1's values where Debezium's are lossy or wrong, as changelake's readers give them: Debezium leaves
   * out an interval[] column, gives null for arrays of enums, of domains and of unconstrained numerics,
   * bytes or a boolean for bit strings, a Connect struct's toString for a point, times truncated to
   * milliseconds in a time[], and nulls for a multi-dimensional array (flattened here, row-major).
   */
  private static final Map<String, Object> DEBEZIUM_LOSSY = Map.ofEntries(
      Map.entry("iva", Arrays.asList("P0Y0M-1DT-2H-3M-4.5S", null, "P0Y0M0DT100H0M0S")),
      Map.entry("ea", Arrays.asList("sad", null, "say \"hi\"")),
      Map.entry("b1", "1"), Map.entry("b3", "101"), Map.entry("bl", "10".repeat(50)), Map.entry("vb", "1101011"),
      Map.entry("dpa", Arrays.asList("1", null, "3")),
      Map.entry("pt", "(1.5,-2.0)"),
      Map.entry("an", Arrays.asList("1.5", "NaN", null, "123456789012345678901234567890.5")),
      Map.entry("atm", List.of(LocalTime.parse("12:34:56.789012"), ConnectValues.END_OF_DAY)),
      Map.entry("amd", List.of(1, 2, 3, 4)));

  /**
   * Every type the Debezium path decodes today is decoded by changelake's own snapshot and stream readers
   * to the same lake type and the same value, so tables written by one reader resume with the other.
   */
  @Test
  void ownReadersGiveDebeziumsValuesForEveryType() throws Exception {
    pg.execute(pg.database(), "CREATE EXTENSION IF NOT EXISTS hstore", "CREATE EXTENSION IF NOT EXISTS citext",
        "CREATE EXTENSION IF NOT EXISTS ltree",
        "CREATE TYPE feeling AS ENUM ('sad', 'happy', 'très content', 'say \"hi\"')",
        "CREATE DOMAIN posint AS int CHECK (VALUE > 0)", "CREATE DOMAIN label AS text",
        "CREATE DOMAIN price AS numeric(10,2)", "CREATE TABLE every_type " + EVERY_TYPE_COLUMNS);
    pg.execute(pg.database(), everyTypeRows(0));
    Map<Integer, ChangeEvent> debezium = new java.util.TreeMap<>();
    CollectingListener viaDebezium = new CollectingListener();
    try (PostgresSource source = new PostgresSource(config("dbz_types_slot", "every_type",
        "debezium.snapshot.mode", "when_needed"))) {
      source.start(Optional.empty(), viaDebezium);
      viaDebezium.awaitEvents(4, WAIT);
      pg.execute(pg.database(), everyTypeRows(10));
      viaDebezium.awaitEvents(8, WAIT).forEach(e -> debezium.put((Integer) e.after().get(0), e));
      assertTrue(!source.streamsWithOwnReader());
      assertTrue(source.splitsKeyChanges(), "Debezium sends a key change as a DELETE and an INSERT");
    }
    Map<Integer, ChangeEvent> snapshot = new java.util.TreeMap<>();
    Map<Integer, ChangeEvent> stream = new java.util.TreeMap<>();
    CollectingListener own = new CollectingListener();
    try (PostgresSource source = new PostgresSource(config("own_types_slot", "every_type"))) {
      source.start(Optional.empty(), own);
      own.awaitEvents(8, WAIT).forEach(e -> snapshot.put((Integer) e.after().get(0), e));
      own.awaitProgress(p -> !p.inSnapshot(), WAIT);
      pg.execute(pg.database(), everyTypeRows(20));
      own.awaitEvents(e -> e.operation() == Operation.INSERT, 4, WAIT)
          .forEach(e -> stream.put((Integer) e.after().get(0), e));
      assertTrue(source.streamsWithOwnReader(), "changelake's stream, not Debezium's");
    }
    TableSchema schema = snapshot.get(1).schema();
    assertEquals(schema, stream.get(21).schema(), "the snapshot and the stream reader give the same lake types");
    TableSchema debeziumSchema = debezium.get(1).schema();
    List<String> differences = new ArrayList<>();
    assertEquals(Optional.empty(), debeziumSchema.column("iva"), "Debezium leaves interval[] out");
    for (int i = 0; i < schema.size(); i++) {
      if (!schema.column(i).name().equals("iva")
          && !debeziumSchema.column(schema.column(i).name()).equals(Optional.of(schema.column(i)))) {
        differences.add(schema.column(i) + " vs Debezium's " + debeziumSchema.column(schema.column(i).name()));
      }
    }
    for (int k = 1; k <= 4; k++) {
      for (int i = 1; i < schema.size(); i++) {
        String name = schema.column(i).name();
        List<Object> all = new ArrayList<>(Arrays.asList(snapshot.get(k).after().get(i),
            snapshot.get(10 + k).after().get(i), stream.get(20 + k).after().get(i)));
        Object expected;
        if (k == 1 && DEBEZIUM_LOSSY.containsKey(name)) {
          expected = DEBEZIUM_LOSSY.get(name);
        } else if (name.equals("iva")) {
          expected = k == 3 ? List.of() : null;
        } else {
          expected = debezium.get(k).after().get(debeziumSchema.indexOf(name));
          all.add(debezium.get(10 + k).after().get(debeziumSchema.indexOf(name)));
        }
        if (all.stream().anyMatch(v -> !java.util.Objects.equals(expected, v))) {
          differences.add("row " + k + " " + name + ": expected " + expected + ", got " + all);
        }
      }
    }
    assertEquals(List.of(), differences);
  }

  /**
   * Keyword, mixed-case, space, quote and unicode names of schema, tables and columns: the publication,
   * the slot, the parallel snapshot (several chunks) and the stream all reach them, value by value.
   */
  @Test
  void quotesEveryNameItWritesIntoSql() throws Exception {
    pg.execute(pg.database(), "CREATE SCHEMA \"select\"",
        "CREATE TABLE \"select\".\"order\" (id int primary key, \"user\" text, \"select\" int)",
        "CREATE TABLE \"select\".\"user\" (\"from\" int primary key, \"group\" text)",
        "CREATE TABLE \"select\".\"MixedCase\" (\"Id\" int primary key, \"MixedCol\" text)",
        "CREATE TABLE \"select\".\"with space\" (\"key col\" int primary key, \"prix_€\" numeric(10,2),"
            + " \"größe\" text, \"Quote\"\"d\" text)",
        "INSERT INTO \"select\".\"order\" SELECT g, 'u' || g, g * 2 FROM generate_series(1, 500) g",
        "INSERT INTO \"select\".\"user\" VALUES (1, 'admins')",
        "INSERT INTO \"select\".\"MixedCase\" VALUES (1, 'Mixed')",
        "INSERT INTO \"select\".\"with space\" VALUES (1, 9.99, 'groß', 'say \"hi\"')",
        "ANALYZE \"select\".\"order\"");
    CollectingListener listener = new CollectingListener();
    try (PostgresSource source = new PostgresSource(config("names_slot", "order|user|MixedCase|with space",
        "schema-name", "select", "publication.name", "Names \"Pub\"", "scan.snapshot.chunk.size", "100"))) {
      source.start(Optional.empty(), listener);
      listener.awaitProgress(p -> !p.inSnapshot(), WAIT);
      Map<String, List<List<Object>>> snapshot = rowsByTable(listener.events());
      assertEquals(java.util.stream.IntStream.rangeClosed(1, 500).mapToObj(i -> List.<Object>of(i, "u" + i, 2 * i))
          .toList(), snapshot.get("order"));
      assertEquals(List.of(List.of(1, "admins")), snapshot.get("user"));
      assertEquals(List.of(List.of(1, "Mixed")), snapshot.get("MixedCase"));
      assertEquals(List.of(List.of(1, new BigDecimal("9.99"), "groß", "say \"hi\"")), snapshot.get("with space"));
      assertEquals(List.of("key col", "prix_€", "größe", "Quote\"d"), listener.events().stream()
          .filter(e -> e.table().name().equals("with space")).findFirst().orElseThrow().schema().columns().stream()
          .map(io.changelake.api.model.Column::name).toList());

      int before = listener.events().size();
      pg.execute(pg.database(), "INSERT INTO \"select\".\"order\" VALUES (501, 'new', 1)",
          "UPDATE \"select\".\"user\" SET \"from\" = 2 WHERE \"from\" = 1",
          "UPDATE \"select\".\"MixedCase\" SET \"MixedCol\" = 'Case' WHERE \"Id\" = 1",
          "UPDATE \"select\".\"with space\" SET \"prix_€\" = -1.5, \"größe\" = 'klein' WHERE \"key col\" = 1",
          "DELETE FROM \"select\".\"order\" WHERE id = 7");
      List<ChangeEvent> streamed = listener.awaitEvents(e -> e.operation() != Operation.SNAPSHOT, 5, WAIT);
      assertEquals(before + 5, listener.events().size());
      assertTrue(source.streamsWithOwnReader(), "changelake's own readers, not Debezium");
      assertEquals(List.of("order:INSERT:[501, new, 1]", "user:UPDATE:[2, admins]",
          "MixedCase:UPDATE:[1, Case]", "with space:UPDATE:[1, -1.50, klein, say \"hi\"]", "order:DELETE:[7, null, null]"),
          streamed.stream().map(e -> e.table().name() + ":" + e.operation() + ":"
              + Arrays.asList((e.after() != null ? e.after() : e.before()).copyValues())).toList());
    }
    try (Connection c = pg.connect(pg.database()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT tablename FROM pg_publication_tables WHERE pubname = 'Names \"Pub\"'"
            + " AND schemaname = 'select' ORDER BY tablename")) {
      List<String> published = new ArrayList<>();
      while (rs.next()) {
        published.add(rs.getString(1));
      }
      assertEquals(List.of("MixedCase", "order", "user", "with space"), published);
    }
  }

  /** The values of each table's SNAPSHOT rows, ordered by their first column. */
  private static Map<String, List<List<Object>>> rowsByTable(List<ChangeEvent> events) {
    return events.stream().filter(e -> e.operation() == Operation.SNAPSHOT)
        .sorted(java.util.Comparator.comparing(e -> (Integer) e.after().get(0)))
        .collect(Collectors.groupingBy(e -> e.table().name(),
            Collectors.mapping(e -> Arrays.asList(e.after().copyValues()), Collectors.toList())));
  }

  @Test
  void streamsChangesKeyUpdatesAndToastInOrder() throws Exception {
    pg.execute(pg.database(),
        "CREATE TABLE orders (id int primary key, note text, big text, bin bytea, arr text[], doc jsonb)",
        "ALTER TABLE orders ALTER COLUMN big SET STORAGE EXTERNAL, ALTER COLUMN bin SET STORAGE EXTERNAL,"
            + " ALTER COLUMN arr SET STORAGE EXTERNAL, ALTER COLUMN doc SET STORAGE EXTERNAL",
        "CREATE TABLE lines (order_id int, line int, qty int not null, primary key (order_id, line))",
        "INSERT INTO orders VALUES (1, 'one', repeat('x', 10000), decode(repeat('00ab', 6000), 'hex'),"
            + " ARRAY[repeat('y', 9000)], jsonb_build_object('k', repeat('z', 9000))), (2, 'two', null, null, null, null)",
        "INSERT INTO lines VALUES (1, 1, 10), (1, 2, 20)");
    CollectingListener listener = new CollectingListener();
    try (PostgresSource source = new PostgresSource(config("crud_slot", "orders|lines"))) {
      source.start(Optional.empty(), listener);
      listener.awaitEvents(4, WAIT);
      SourcePosition done = listener.awaitProgress(p -> !p.inSnapshot(), WAIT);
      assertEquals(List.of("order_id", "line"),
          listener.events().stream().filter(e -> e.table().name().equals("lines")).findFirst().orElseThrow()
              .schema().primaryKey());

      pg.execute(pg.database(),
          "INSERT INTO orders (id, note) VALUES (3, 'three')",
          "UPDATE orders SET note = 'uno' WHERE id = 1",
          "DELETE FROM orders WHERE id = 2",
          "UPDATE lines SET qty = 11 WHERE order_id = 1 AND line = 1",
          "UPDATE lines SET line = 9 WHERE order_id = 1 AND line = 2",
          "BEGIN; DELETE FROM orders WHERE id = 3; INSERT INTO orders (id, note) VALUES (3, 'again'); COMMIT");
      List<ChangeEvent> events = listener.awaitEvents(e -> e.operation() != Operation.SNAPSHOT, 7, WAIT);
      List<String> summary = new ArrayList<>();
      for (ChangeEvent e : events) {
        summary.add(e.table().name() + ":" + e.operation() + ":" + e.keyRow().key(e.schema()));
      }
      assertEquals(List.of("orders:INSERT:3", "orders:UPDATE:1", "orders:DELETE:2", "lines:UPDATE:[1, 1]",
          "lines:UPDATE:[1, 9]", "orders:DELETE:3", "orders:INSERT:3"), summary);
      assertFalse(source.splitsKeyChanges(), "changelake's reader sends a key change as one UPDATE");

      ChangeEvent update = events.get(1);
      assertEquals("uno", update.after().get(1));
      for (int i = 2; i <= 5; i++) {
        assertSame(Row.UNAVAILABLE, update.after().get(i), "unchanged TOAST value in " + update.schema().column(i));
      }
      ChangeEvent snapshotRow = listener.events().stream()
          .filter(e -> e.operation() == Operation.SNAPSHOT && e.table().name().equals("orders")
              && Integer.valueOf(1).equals(e.after().get(0)))
          .findFirst().orElseThrow();
      assertEquals(12000, ((ByteBuffer) snapshotRow.after().get(3)).remaining());
      assertNull(update.before(), "REPLICA IDENTITY DEFAULT sends no old row");
      ChangeEvent delete = events.get(2);
      assertEquals(Arrays.asList(2, null, null, null, null, null), Arrays.asList(delete.before().copyValues()), "key-only delete");
      ChangeEvent keyChange = events.get(4);
      assertEquals(Arrays.asList(1, 2, Row.UNAVAILABLE), Arrays.asList(keyChange.before().copyValues()),
          "the old key, the other values not sent");
      assertEquals(Arrays.asList(1, 9, 20), Arrays.asList(keyChange.after().copyValues()));

      List<SourcePosition> emitted = new ArrayList<>(listener.positions());
      int start = emitted.indexOf(done);
      for (int i = start; i + 1 < emitted.size(); i++) {
        assertTrue(emitted.get(i).compareTo(emitted.get(i + 1)) < 0,
            "positions increase: " + emitted.get(i) + " then " + emitted.get(i + 1));
      }
      assertTrue(source.lagBytes(events.get(0).position()) > 0);
    }
  }

  @Test
  void slotAdvancesOnlyOnAcknowledgeAndResumeContinuesAfterThePosition() throws Exception {
    pg.execute(pg.database(), "CREATE TABLE acks (id int primary key, v text)", "INSERT INTO acks VALUES (0, 'zero')");
    CollectingListener listener = new CollectingListener();
    SourcePosition second;
    String serialized;
    try (PostgresSource source = new PostgresSource(config("ack_slot", "acks"))) {
      source.start(Optional.empty(), listener);
      listener.awaitProgress(p -> !p.inSnapshot(), WAIT);
      String before = confirmedFlush("ack_slot");
      pg.execute(pg.database(), "INSERT INTO acks VALUES (1, 'a')", "INSERT INTO acks VALUES (2, 'b')",
          "INSERT INTO acks VALUES (3, 'c')");
      List<ChangeEvent> events = listener.awaitEvents(e -> e.operation() == Operation.INSERT, 3, WAIT);
      Thread.sleep(1500);
      assertEquals(before, confirmedFlush("ack_slot"), "no acknowledge, no movement");

      second = events.get(1).position();
      serialized = second.serialize();
      source.acknowledge(second);
      String after = waitForFlushChange("ack_slot", before);
      assertTrue(lsn(after) > lsn(before), "slot moved after acknowledge: " + before + " -> " + after);
      assertTrue(lsn(after) <= lsn(currentWal()));
    }
    pg.execute(pg.database(), "INSERT INTO acks VALUES (4, 'd')", "UPDATE acks SET v = 'e' WHERE id = 1");
    CollectingListener resumed = new CollectingListener();
    try (PostgresSource source = new PostgresSource(config("ack_slot", "acks"))) {
      SourcePosition from = source.parsePosition(serialized);
      assertEquals(0, from.compareTo(second));
      source.start(Optional.of(from), resumed);
      List<ChangeEvent> events = resumed.awaitEvents(e -> e.position().compareTo(from) > 0, 3, WAIT);
      assertEquals(List.of("INSERT:3", "INSERT:4", "UPDATE:1"),
          events.stream().map(e -> e.operation() + ":" + e.after().get(0)).toList());
      Thread.sleep(500);
      for (ChangeEvent e : resumed.events()) {
        assertTrue(e.operation() != Operation.SNAPSHOT, "no snapshot on resume");
        if (e.position().compareTo(from) <= 0) {
          assertTrue((Integer) e.after().get(0) <= 2, "only changes up to the position are re-emitted: " + e);
        }
      }
      assertEquals(3, resumed.events().stream().filter(e -> e.position().compareTo(from) > 0).count());
    }
  }

  /**
   * On the Debezium path a change's position is ordered by the commit before it, which Debezium takes from the
   * offset it resumes from until it sees a commit. A quiet table holding only an old change makes the stream
   * resume from there, but the slot was confirmed further by a busy table's commits: PostgreSQL starts at the
   * slot's confirmed LSN, and the first transaction it sends must still get the position it had, or a table
   * holding a later position would take it for one it holds.
   */
  @Test
  void debeziumGivesEveryChangeResentAfterTheSlotsConfirmedLsnThePositionItHad() throws Exception {
    pg.execute(pg.database(), "CREATE TABLE dbz_quiet (id int primary key)",
        "CREATE TABLE dbz_busy (id int primary key)");
    String[] viaDebezium = {"debezium.heartbeat.interval.ms", "500"};
    CollectingListener first = new CollectingListener();
    ChangeEvent quiet;
    List<ChangeEvent> original;
    try (PostgresSource source = new PostgresSource(config("dbz_fwd_slot", "dbz_quiet|dbz_busy", viaDebezium))) {
      source.start(Optional.empty(), first);
      first.awaitProgress(p -> !p.inSnapshot(), WAIT);
      assertFalse(source.streamsWithOwnReader(), "a debezium.* option makes Debezium stream");
      pg.execute(pg.database(), "INSERT INTO dbz_quiet VALUES (1)");
      quiet = first.awaitEvents(e -> e.operation() == Operation.INSERT, 1, WAIT).get(0);
      pg.execute(pg.database(), "INSERT INTO dbz_busy VALUES (1)", "INSERT INTO dbz_busy VALUES (2)");
      ChangeEvent acknowledged = first.awaitEvents(e -> e.operation() == Operation.INSERT, 3, WAIT).get(2);
      String before = confirmedFlush("dbz_fwd_slot");
      source.acknowledge(acknowledged.position());
      waitForFlushChange("dbz_fwd_slot", before);
      pg.execute(pg.database(), "INSERT INTO dbz_busy VALUES (3)");
      original = first.awaitEvents(e -> e.operation() == Operation.INSERT, 4, WAIT).subList(2, 4);
    }

    CollectingListener second = new CollectingListener();
    try (PostgresSource source = new PostgresSource(config("dbz_fwd_slot", "dbz_quiet|dbz_busy", viaDebezium))) {
      source.start(Optional.of(source.parsePosition(quiet.position().serialize())), second);
      List<ChangeEvent> events = second.awaitEvents(e -> e.operation() == Operation.INSERT, 2, WAIT);
      Thread.sleep(500);
      assertEquals(List.of(2, 3), second.events().stream().filter(e -> e.operation() == Operation.INSERT)
          .map(e -> e.after().get(0)).toList(), "the server starts at the slot's confirmed LSN");
      for (int i = 0; i < 2; i++) {
        assertEquals(0, events.get(i).position().compareTo(original.get(i).position()),
            "a resent change has the position it had: " + events.get(i).position() + " vs "
                + original.get(i).position());
      }
    }
  }

  @Test
  void listenerFailureStopsTheSource() throws Exception {
    pg.execute(pg.database(), "CREATE TABLE boom (id int primary key)", "INSERT INTO boom VALUES (1)");
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    ChangeListener throwing = new ChangeListener() {
      @Override
      public void onChange(ChangeEvent event) {
        throw new IllegalStateException("sink is full");
      }

      @Override
      public void onProgress(SourcePosition position) { }

      @Override
      public void onFailure(Throwable error) {
        failures.add(error);
      }
    };
    try (PostgresSource source = new PostgresSource(config("boom_slot", "boom"))) {
      source.start(Optional.empty(), throwing);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (failures.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(1, failures.size());
      Throwable root = failures.get(0);
      while (root.getCause() != null && !(root instanceof IllegalStateException)) {
        root = root.getCause();
      }
      assertEquals("sink is full", root.getMessage());
    }
  }

  @Test
  void emptyTablesStillSignalTheEndOfTheSnapshot() throws Exception {
    pg.execute(pg.database(), "CREATE TABLE empty_one (id int primary key)");
    CollectingListener listener = new CollectingListener();
    try (PostgresSource source = new PostgresSource(config("empty_slot", "empty_one"))) {
      source.start(Optional.empty(), listener);
      SourcePosition done = listener.awaitProgress(p -> !p.inSnapshot(), Duration.ofSeconds(8));
      assertNotNull(done);
      assertTrue(listener.events().isEmpty());
    }
  }

  private static String confirmedFlush(String slot) throws Exception {
    try (Connection c = pg.connect(pg.database()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '"
            + slot + "'")) {
      assertTrue(rs.next());
      return rs.getString(1);
    }
  }

  private static String currentWal() throws Exception {
    try (Connection c = pg.connect(pg.database()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static String waitForFlushChange(String slot, String from) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String now = confirmedFlush(slot);
    while (now.equals(from) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      now = confirmedFlush(slot);
    }
    return now;
  }

  private static long lsn(String text) {
    String[] parts = text.split("/");
    return (Long.parseLong(parts[0], 16) << 32) + Long.parseLong(parts[1], 16);
  }

  static byte[] bytes(ByteBuffer buffer) {
    byte[] b = new byte[buffer.remaining()];
    buffer.duplicate().get(b);
    return b;
  }

  static void assertBytes(byte[] expected, Object actual) {
    assertArrayEquals(expected, bytes((ByteBuffer) actual));
  }
}
