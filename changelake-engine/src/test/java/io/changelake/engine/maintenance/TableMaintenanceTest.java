package io.changelake.engine.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.memory.MemorySink;
import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.CommitKind;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.SinkException;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableFile;
import io.changelake.api.spi.TableWriter;
import io.changelake.api.spi.WriteMode;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableMaintenanceTest {
  private static final TableSchema SCHEMA = new TableSchema(List.of(Column.of("id", DataType.LONG, false),
      Column.of("name", DataType.STRING, true)), List.of("id"));

  private static SinkTable table(MemorySink sink, String name, int commits) {
    SinkTable table = sink.open(TableId.parse("shop." + name), SCHEMA, WriteMode.UPSERT);
    for (int c = 1; c <= commits; c++) {
      try (TableWriter writer = table.newWriter()) {
        writer.upsert(Row.of((long) c, "row " + c));
        writer.commit(new CommitMetadata(String.valueOf(c), true, "test", CommitKind.STREAM, null));
      }
    }
    return table;
  }

  /** A table whose maintenance fails, as a format that cannot maintain it does. */
  private static SinkTable failing(SinkTable table) {
    return (SinkTable) Proxy.newProxyInstance(SinkTable.class.getClassLoader(), new Class<?>[] {SinkTable.class},
        (proxy, method, args) -> {
          if (method.getName().equals("maintain")) {
            throw new SinkException("disk gone");
          }
          try {
            return method.invoke(table, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @Test
  void expiresOncePerIntervalAndAFailureStopsNothing() {
    MemorySink sink = new MemorySink();
    SinkTable broken = failing(table(sink, "broken", 5));
    SinkTable orders = table(sink, "orders", 5);
    MaintenanceSettings settings = MaintenanceConfig.parse(Map.of("snapshot-retention", "0s", "retain-last", "2",
        "interval", "1h"));
    Instant start = Instant.now().plusSeconds(1);
    Instant[] now = {start};
    Clock clock = new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now[0];
      }
    };
    TableMaintenance maintenance = new TableMaintenance(settings, clock);
    assertFalse(maintenance.maybeRun(List.of(broken, orders)), "the first round waits one interval");
    now[0] = start.plus(Duration.ofHours(1));

    assertTrue(maintenance.maybeRun(List.of(broken, orders)), "the first round runs");

    assertEquals(2, orders.snapshots().size(), "the table after the failing one is maintained");
    assertEquals("5", orders.lastCommit().orElseThrow().position());
    assertEquals(5, broken.snapshots().size());
    try (TableWriter writer = orders.newWriter()) {  // commits go on
      writer.upsert(Row.of(6L, "row 6"));
      writer.commit(new CommitMetadata("6", true, "test", CommitKind.STREAM, null));
    }
    assertFalse(maintenance.maybeRun(List.of(orders)), "no second round within the interval");
    assertEquals(3, orders.snapshots().size());
    now[0] = start.plus(Duration.ofHours(2));
    assertTrue(maintenance.maybeRun(List.of(orders)));
    assertEquals(2, orders.snapshots().size());
  }

  @Test
  void compactsPastTheBounds() {
    TableMaintenance maintenance = new TableMaintenance(MaintenanceConfig.parse(Map.of("compact.files", "3")),
        Clock.systemUTC());
    TableFile data = new TableFile("a", "DATA", "PARQUET", 100, 1);
    TableFile deletes = new TableFile("b", "EQUALITY_DELETES", "PARQUET", 19, 1);
    assertFalse(maintenance.needsCompaction(List.of(data, deletes)), "19 % deleted, 2 files");
    assertTrue(maintenance.needsCompaction(List.of(data, new TableFile("c", "POSITION_DELETES", "PARQUET", 20, 1))),
        "20 % deleted");
    assertTrue(maintenance.needsCompaction(List.of(data, data, data)), "3 files");
  }

  @Test
  void refusesAnOrphanAgeThatACommitCouldOutlast() {
    org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
        () -> MaintenanceConfig.parse(Map.of("orphan-age", "5m")));
  }
}
