package io.changelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.CommitKind;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.RowScan;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableSink;
import io.changelake.api.spi.TableWriter;
import io.changelake.api.spi.WriteMode;
import io.changelake.sink.delta.DeltaSink;
import io.changelake.sink.paimon.PaimonSink;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code changelake maintain} on a warehouse holding a Delta and a Paimon table of one pipeline and a Delta table of
 * another: the pipeline's tables keep only their newest version with the same rows and position; the other is not
 * touched.
 */
class MaintainCommandTest {
  private static final TableId PRODUCTS_ID = TableId.parse("lake.products");
  private static final TableId OTHER_ID = TableId.parse("lake.other");
  private static final TableSchema PRODUCTS = new TableSchema(List.of(
      Column.of("id", DataType.LONG, false), Column.of("name", DataType.STRING, true)), List.of("id"));

  @TempDir
  Path warehouse;

  private final Map<RowKey, Row> expected = new HashMap<>();

  @BeforeEach
  void writeTables() {
    for (long k = 1; k <= 20; k++) {
      expected.put(new RowKey(List.of(k)), Row.of(k, k % 4 == 0 ? "updated" : "item"));
    }
    try (TableSink delta = DeltaSink.local(warehouse.resolve("delta"))) {
      write(delta.open(PRODUCTS_ID, PRODUCTS, WriteMode.UPSERT), "shop");
      write(delta.open(OTHER_ID, PRODUCTS, WriteMode.UPSERT), "other");
    }
    try (TableSink paimon = PaimonSink.local(warehouse.resolve("paimon"))) {
      write(paimon.open(PRODUCTS_ID, PRODUCTS, WriteMode.UPSERT), "shop");
    }
  }

  /** Two commits of pipeline {@code pipeline}: inserts, then upserts. */
  private static void write(SinkTable table, String pipeline) {
    try (TableWriter writer = table.newWriter()) {
      for (long k = 1; k <= 20; k++) {
        writer.insert(Row.of(k, "item"));
      }
      writer.commit(new CommitMetadata("1", true, pipeline, CommitKind.STREAM, null));
    }
    try (TableWriter writer = table.newWriter()) {
      for (long k = 4; k <= 20; k += 4) {
        writer.upsert(Row.of(k, "updated"));
      }
      writer.commit(new CommitMetadata("2", true, pipeline, CommitKind.STREAM, null));
    }
  }

  @Test
  void maintainsThePipelinesTablesOnly() {
    Map<String, Integer> otherVersions = versions(OTHER_ID);
    CommandResult result = CommandResult.run("maintain", "--warehouse", warehouse.toString(), "--pipeline", "shop",
        "--maintenance-conf", "snapshot-retention=0s", "--maintenance-conf", "retain-last=1");
    assertEquals(ExitCode.OK, result.code(), result.err());
    assertEquals(2, result.out().lines().filter(l -> l.startsWith("lake.products: ")).count(), result.out());
    assertTrue(result.out().lines().noneMatch(l -> l.startsWith("lake.other")), result.out());

    assertEquals(Map.of("delta", 1, "paimon", 1), versions(PRODUCTS_ID), "only the newest pipeline commit is kept");
    assertEquals(otherVersions, versions(OTHER_ID), "another pipeline's table is not maintained");
    for (String format : List.of("delta", "paimon")) {
      try (OpenWarehouse lakes = new OpenWarehouse(LakeFormats.openPresent(warehouse.toString(), format, Map.of()))) {
        SinkTable table = lakes.table(PRODUCTS_ID.toString());
        Map<RowKey, Row> rows = new HashMap<>();
        try (RowScan scan = table.scan(null)) {
          scan.forEach(row -> rows.put(row.key(PRODUCTS), row));
        }
        assertEquals(expected, rows, format);
        assertEquals("2", table.lastCommit().orElseThrow().position(), format);
      }
    }
  }

  @Test
  void badOptionsNameTheProblem() {
    CommandResult young = CommandResult.run("maintain", "--warehouse", warehouse.toString(),
        "--maintenance-conf", "orphan-age=1m");
    assertEquals(ExitCode.USAGE, young.code(), young.err());
    assertTrue(young.err().contains("orphan-age"), young.err());
    assertEquals(Map.of("delta", 3, "paimon", 2), versions(PRODUCTS_ID), "nothing was maintained");

    CommandResult none = CommandResult.run("maintain", "--warehouse", warehouse.toString(), "--pipeline", "nobody");
    assertEquals(ExitCode.OK, none.code(), none.err());
    assertTrue(none.out().startsWith("No table to maintain written by pipeline nobody"), none.out());
  }

  /** How many versions the table {@code id} keeps, by format. */
  private Map<String, Integer> versions(TableId id) {
    Map<String, Integer> versions = new HashMap<>();
    try (OpenWarehouse lakes = new OpenWarehouse(LakeFormats.openPresent(warehouse.toString(), null, Map.of()))) {
      for (LakeFormats.Opened opened : lakes.formats()) {
        opened.sink().find(id).ifPresent(t -> versions.put(opened.format(), t.snapshots().size()));
      }
    }
    return versions;
  }
}
