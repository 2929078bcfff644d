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
import io.changelake.sink.iceberg.IcebergSink;
import io.changelake.sink.paimon.PaimonSink;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code changelake compact} on a warehouse holding one upserted table in Iceberg and in Paimon. */
class CompactCommandTest {
  private static final TableId ID = TableId.parse("lake.products");
  private static final TableSchema PRODUCTS = new TableSchema(List.of(
      Column.of("id", DataType.LONG, false), Column.of("name", DataType.STRING, true)), List.of("id"));

  @TempDir
  Path warehouse;

  private final Map<RowKey, Row> expected = new HashMap<>();

  @BeforeEach
  void writeTables() {
    for (int k = 1; k <= 50; k++) {
      expected.put(new RowKey(List.of((long) k)), Row.of((long) k, k % 5 == 0 ? "updated" : "item"));
    }
    for (long k = 3; k <= 50; k += 7) {
      expected.remove(new RowKey(List.of(k)));
    }
    write(IcebergSink.local(warehouse.resolve("iceberg")));
    write(PaimonSink.local(warehouse.resolve("paimon")));
  }

  /** Three sync-like commits: inserts, upserts, deletes. */
  private static void write(TableSink lake) {
    try (TableSink sink = lake) {
      SinkTable table = sink.open(ID, PRODUCTS, WriteMode.UPSERT);
      commit(table, "1", w -> {
        for (long k = 1; k <= 50; k++) {
          w.insert(Row.of(k, "item"));
        }
      });
      commit(table, "2", w -> {
        for (long k = 5; k <= 50; k += 5) {
          w.upsert(Row.of(k, "updated"));
        }
      });
      commit(table, "3", w -> {
        for (long k = 3; k <= 50; k += 7) {
          w.delete(new RowKey(List.of(k)));
        }
      });
    }
  }

  private static void commit(SinkTable table, String position, Consumer<TableWriter> body) {
    try (TableWriter writer = table.newWriter()) {
      body.accept(writer);
      writer.commit(new CommitMetadata(position, true, "cli-test", CommitKind.STREAM, null));
    }
  }

  private static CommandResult run(String... args) {
    return CommandResult.run(args);
  }

  @Test
  void compactsEachFormatAndKeepsRowsAndPosition() {
    for (String format : List.of("iceberg", "paimon")) {
      CommandResult first = run("compact", "lake.products", "--warehouse", warehouse.toString(), "--format", format);
      assertEquals(ExitCode.OK, first.code(), first.err());
      assertTrue(first.out().startsWith("Compacted lake.products in "), first.out());
      assertTrue(first.out().contains("holding " + expected.size() + " rows"), first.out());

      CommandResult second = run("compact", "lake.products", "--warehouse", warehouse.toString(), "--format", format);
      assertEquals(ExitCode.OK, second.code(), second.err());
      assertTrue(second.out().startsWith("Nothing to compact in lake.products: "), second.out());

      try (OpenWarehouse lakes = new OpenWarehouse(LakeFormats.openPresent(warehouse.toString(), format, Map.of()))) {
        SinkTable table = lakes.table("lake.products");
        Map<RowKey, Row> rows = new HashMap<>();
        try (RowScan scan = table.scan(null)) {
          scan.forEach(row -> rows.put(row.key(PRODUCTS), row));
        }
        assertEquals(expected, rows, format);
        assertEquals("3", table.lastCommit().orElseThrow().position(), format);
      }
    }
  }

  @Test
  void errorsNameTheProblem() {
    CommandResult ambiguous = run("compact", "lake.products", "--warehouse", warehouse.toString());
    assertEquals(ExitCode.TABLE, ambiguous.code(), ambiguous.err());
    assertTrue(ambiguous.err().contains("exists in several formats"), ambiguous.err());

    CommandResult missing = run("compact", "lake.missing", "--warehouse", warehouse.toString(), "--format", "iceberg");
    assertEquals(ExitCode.TABLE, missing.code(), missing.err());
    assertTrue(missing.err().contains("No table lake.missing"), missing.err());

    CommandResult noWarehouse = run("compact", "lake.products", "--warehouse", warehouse.resolve("missing").toString());
    assertEquals(ExitCode.USAGE, noWarehouse.code(), noWarehouse.err());
    assertTrue(noWarehouse.err().contains("No warehouse at " + warehouse.resolve("missing")
        + ": the folder does not exist"), noWarehouse.err());

    CommandResult noTable = run("compact", "--warehouse", warehouse.toString());
    assertEquals(ExitCode.USAGE, noTable.code(), noTable.err());

    CommandResult help = run("compact", "--help");
    assertEquals(ExitCode.OK, help.code());
    assertTrue(help.out().contains("changelake compact lakehouse.products --warehouse ./lake"), help.out());
  }
}
