package io.changelake.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.memory.MemorySource;
import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.SourceTable;
import io.changelake.api.spi.WriteMode;
import io.changelake.engine.transform.ColumnTransforms;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link Pipeline#checkReset}: which resets can copy a table alone while the others stream. */
class CheckResetTest {
  private static final TableSchema SCHEMA = new TableSchema(List.of(Column.of("id", DataType.LONG, false)),
      List.of("id"));
  private static final TableId ORDERS = new TableId("shop", "orders");
  private static final TableId ITEMS = new TableId("shop", "items");
  private static final TableId ERRORS = new TableId("shop", "errors");
  private static final List<SourceTable> TABLES = List.of(new SourceTable(ORDERS, SCHEMA, 1),
      new SourceTable(ITEMS, SCHEMA, 1), new SourceTable(ERRORS, SCHEMA, 1, WriteMode.APPEND));
  private static final MemorySource COPIES = new MemorySource(TABLES, false, true);

  @Test
  void aTableCopiedAloneWhileAnotherStreamsIsAccepted() {
    Pipeline.checkReset(COPIES, TABLES, settings(WriteMode.UPSERT), Set.of(ORDERS));
    Pipeline.checkReset(new MemorySource(TABLES), TABLES, settings(WriteMode.APPEND), Set.of());
  }

  @Test
  void refusals() {
    assertRefused(COPIES, WriteMode.UPSERT, Set.of(ERRORS), "shop.errors is a table the source writes itself");
    assertRefused(COPIES, WriteMode.APPEND, Set.of(ORDERS), "the pipeline writes in append mode");
    assertRefused(new MemorySource(TABLES), WriteMode.UPSERT, Set.of(ORDERS),
        "this source cannot copy one table while it streams the others");
    assertRefused(new MemorySource(TABLES, false, false, true), WriteMode.UPSERT, Set.of(ORDERS),
        "with this source reads that table again from the source's start while the other tables resume");
    assertRefused(COPIES, WriteMode.UPSERT, Set.of(ORDERS, ITEMS), "it would copy every table of the pipeline again");
  }

  private static void assertRefused(MemorySource source, WriteMode mode, Set<TableId> reset, String reason) {
    PipelineException e = assertThrows(PipelineException.class,
        () -> Pipeline.checkReset(source, TABLES, settings(mode), reset));
    assertTrue(e.getMessage().startsWith("A reset of "), e.getMessage());
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  private static PipelineSettings settings(WriteMode mode) {
    return new PipelineSettings("test", mode, List.of(), Duration.ofMillis(20), 1000, ColumnTransforms.NONE);
  }
}
