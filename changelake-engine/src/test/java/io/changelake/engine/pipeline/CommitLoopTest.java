package io.changelake.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.memory.MemoryPosition;
import io.changelake.api.memory.MemorySink;
import io.changelake.api.memory.MemorySource;
import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Operation;
import io.changelake.api.model.Row;
import io.changelake.api.model.SourcePosition;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.SourceTable;
import io.changelake.api.spi.WriteMode;
import io.changelake.engine.transform.ColumnTransforms;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The commit loop driving table mirrors on the in-memory source and sink: rounds, acknowledgement, suspension. */
class CommitLoopTest {
  private static final TableSchema SCHEMA = new TableSchema(List.of(Column.of("id", DataType.LONG, false),
      Column.of("name", DataType.STRING, true)), List.of("id"));
  private static final TableId ORDERS = new TableId("shop", "orders");
  private static final TableId ITEMS = new TableId("shop", "items");

  private final MemorySource source = new MemorySource(List.of(new SourceTable(ORDERS, SCHEMA, 2),
      new SourceTable(ITEMS, SCHEMA, 1)));
  private final MemorySink sink = new MemorySink();
  private final Map<TableId, String> suspended = new ConcurrentHashMap<>();

  /** Runs a pipeline over the memory source and sink on its own thread. */
  private final class Running implements AutoCloseable {
    private final MemorySource source;
    private final Pipeline pipeline;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    Running() {
      this(CommitLoopTest.this.source);
    }

    Running(MemorySource source) {
      this(source, "test");
    }

    Running(MemorySource source, String name) {
      this.source = source;
      PipelineSettings settings = new PipelineSettings(name, WriteMode.UPSERT, List.of(), Duration.ofMillis(20),
          1000, ColumnTransforms.NONE);
      pipeline = Pipeline.prepare(source, List.of(sink), settings, id -> id, new PipelineListener() {
        @Override
        public void suspended(TableId lake, String format, String reason) {
          suspended.put(lake, reason);
        }
      });
      thread = new Thread(() -> {
        try {
          pipeline.run();
        } catch (Throwable e) {
          failure.set(e);
        }
      });
      thread.start();
      await(() -> source.resumedFrom() != null, "the source started");
    }

    /** Waits for the pipeline to end by itself with a failure, and returns it (the pipeline is then closed clean). */
    Throwable awaitFailure() throws InterruptedException {
      thread.join(10_000);
      Throwable failed = failure.getAndSet(null);
      if (failed == null) {
        throw new AssertionError("The pipeline did not fail");
      }
      return failed;
    }

    @Override
    public void close() throws InterruptedException {
      pipeline.stop();
      thread.join(10_000);
      source.close();
      if (failure.get() != null) {
        throw new AssertionError(failure.get());
      }
    }
  }

  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out waiting until " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  private void awaitAcknowledged(SourcePosition position) {
    awaitAcknowledged(source, position);
  }

  private static void awaitAcknowledged(MemorySource source, SourcePosition position) {
    await(() -> source.acknowledged().stream().anyMatch(p -> p.compareTo(position) >= 0), position + " acknowledged");
  }

  private List<Row> rows(TableId table) {
    List<Row> rows = new ArrayList<>(sink.table(table).rows());
    rows.sort(Comparator.comparing(r -> (Long) r.get(0)));
    return rows;
  }

  /** Snapshots one row of each table; returns the snapshot's end, once acknowledged. */
  private SourcePosition snapshotOneRowEach() throws InterruptedException {
    source.emit(ORDERS, Operation.SNAPSHOT, null, Row.of(1L, "a"));
    source.emit(ITEMS, Operation.SNAPSHOT, null, Row.of(1L, "i"));
    SourcePosition end = source.progress();
    awaitAcknowledged(end);
    return end;
  }

  @Test
  void snapshotAndChangesAreCommittedBeforeTheirPositionIsAcknowledged() throws Exception {
    try (Running running = new Running()) {
      source.emit(ORDERS, Operation.SNAPSHOT, null, Row.of(1L, "a"));
      source.emit(ORDERS, Operation.SNAPSHOT, null, Row.of(2L, "b"));
      source.emit(ITEMS, Operation.SNAPSHOT, null, Row.of(1L, "i"));
      SourcePosition snapshotEnd = source.progress();
      awaitAcknowledged(snapshotEnd);
      assertEquals(List.of(Row.of(1L, "a"), Row.of(2L, "b")), rows(ORDERS));
      assertEquals(snapshotEnd.serialize(), sink.table(ITEMS).lastCommit().orElseThrow().position());

      source.emit(ORDERS, Operation.UPDATE, null, Row.of(1L, "a2"));
      source.emit(ORDERS, Operation.DELETE, Row.of(2L, null), null);
      SourcePosition last = source.emit(ITEMS, Operation.INSERT, null, Row.of(2L, "j")).position();
      awaitAcknowledged(last);

      assertEquals(List.of(Row.of(1L, "a2")), rows(ORDERS));
      assertEquals(List.of(Row.of(1L, "i"), Row.of(2L, "j")), rows(ITEMS));
      assertEquals(last.serialize(), sink.table(ITEMS).lastCommit().orElseThrow().position());
    }
  }

  /**
   * Two pipelines prepared on the same lake tables before either commits (both find them without an owner): the
   * second to commit is ended with the owner error, acknowledging nothing, and the tables keep the first's rows.
   */
  @Test
  void ofTwoPipelinesStartedTogetherTheSecondToCommitIsEnded() throws Exception {
    MemorySource other = new MemorySource(List.of(new SourceTable(ORDERS, SCHEMA, 2), new SourceTable(ITEMS, SCHEMA, 1)));
    try (Running first = new Running(source, "pipeline-a"); Running second = new Running(other, "pipeline-b")) {
      snapshotOneRowEach();
      other.emit(ORDERS, Operation.SNAPSHOT, null, Row.of(9L, "intruder"));
      other.emit(ITEMS, Operation.SNAPSHOT, null, Row.of(9L, "intruder"));
      other.progress();

      String message = second.awaitFailure().getMessage();
      assertTrue(message.contains("memory table shop.orders belongs to pipeline 'pipeline-a'")
          && message.contains("not to this pipeline 'pipeline-b'")
          && message.contains("run this sync under the name 'pipeline-a'"), message);
      assertEquals(List.of(), other.acknowledged(), "the refused pipeline acknowledged nothing");
      assertEquals(List.of(Row.of(1L, "a")), rows(ORDERS));
      assertEquals(List.of(Row.of(1L, "i")), rows(ITEMS));
      assertEquals("pipeline-a", sink.table(ORDERS).lastCommit().orElseThrow().pipeline());
    }
  }

  @Test
  void aSuspendedTableHoldsTheAcknowledgementAtWhatItHolds() throws Exception {
    SourcePosition held;
    try (Running running = new Running()) {
      held = snapshotOneRowEach();

      TableSchema narrowed = new TableSchema(List.of(Column.of("id", DataType.LONG, false),
          Column.of("name", DataType.INT, true)), List.of("id"));
      source.emit(source.change(ITEMS, Operation.INSERT, narrowed, null, Row.of(2L, 7)));
      SourcePosition later = source.emit(ORDERS, Operation.INSERT, null, Row.of(3L, "c")).position();
      await(() -> sink.table(ORDERS).lastCommit().orElseThrow().position().equals(later.serialize()),
          "orders committed on");
      source.progress();
    }
    assertTrue(suspended.get(ITEMS).contains("changed type"), suspended.toString());
    assertEquals(List.of(Row.of(1L, "a"), Row.of(3L, "c")), rows(ORDERS), "the other table goes on");
    assertTrue(source.acknowledged().stream().allMatch(p -> p.compareTo(held) <= 0),
        "nothing past what the suspended table holds is acknowledged: " + source.acknowledged());
  }

  @Test
  void anUnreadableChangeSuspendsItsTableHoldingExactlyTheChangesBeforeIt() throws Exception {
    SourcePosition lastRead;
    SourcePosition unreadable;
    try (Running running = new Running()) {
      snapshotOneRowEach();
      lastRead = source.emit(ITEMS, Operation.INSERT, null, Row.of(2L, "j")).position();
      source.emit(ORDERS, Operation.INSERT, null, Row.of(2L, "b"));
      unreadable = source.unreadable(ITEMS, "change 7 cannot be read");
      source.emit(ITEMS, Operation.INSERT, null, Row.of(3L, "after the unreadable change"));
      SourcePosition later = source.emit(ORDERS, Operation.INSERT, null, Row.of(3L, "c")).position();
      await(() -> sink.table(ORDERS).lastCommit().orElseThrow().position().equals(later.serialize()),
          "orders committed on");
      source.progress();
    }
    assertEquals("change 7 cannot be read", suspended.get(ITEMS));
    assertEquals(List.of(Row.of(1L, "i"), Row.of(2L, "j")), rows(ITEMS), "items holds the changes before it");
    SourcePosition held = source.parsePosition(sink.table(ITEMS).lastCommit().orElseThrow().position());
    assertTrue(held.compareTo(lastRead) >= 0 && held.compareTo(unreadable) < 0,
        "items holds a position at or after its last change read and before the unreadable one: " + held);
    assertEquals(List.of(Row.of(1L, "a"), Row.of(2L, "b"), Row.of(3L, "c")), rows(ORDERS), "the other table goes on");
    assertTrue(source.acknowledged().stream().allMatch(p -> p.compareTo(unreadable) < 0),
        "nothing at or past the unreadable change is acknowledged: " + source.acknowledged());
  }

  @Test
  void aTableTheSourceOwnsKeepsItsModeColumnsAndName() {
    TableId errors = new TableId("pipeline", "_errors");
    TableSchema keyless = new TableSchema(List.of(Column.of("reason", DataType.STRING, false)), List.of());
    MemorySource owning = new MemorySource(List.of(new SourceTable(ORDERS, SCHEMA, 2),
        new SourceTable(errors, keyless, -1, WriteMode.APPEND)));
    PipelineSettings settings = new PipelineSettings("test", WriteMode.UPSERT, List.of("name"), Duration.ofMillis(20),
        1000, ColumnTransforms.NONE);
    Pipeline pipeline = Pipeline.prepare(owning, List.of(sink), settings, id -> new TableId("lake", "m_" + id.name()),
        new PipelineListener() { });
    Pipeline.TableMapping owned = pipeline.tables().stream().filter(t -> t.source().equals(errors)).findFirst()
        .orElseThrow();
    assertEquals(new TableId("lake", "_errors"), owned.lake(), "only its namespace follows the naming");
    assertEquals(List.of("reason", "_change_op", "_change_time", "_change_position"), owned.lakeSchema().columnNames());
    assertEquals(WriteMode.APPEND, sink.table(owned.lake()).mode());
    assertEquals(List.of("name"), pipeline.tables().get(0).lakeSchema().primaryKey(), "the others take --primary-keys");
  }

  @Test
  void aRestartResumesFromTheOldestPositionTheTablesHold() throws Exception {
    SourcePosition end;
    try (Running running = new Running()) {
      snapshotOneRowEach();
      end = source.emit(ORDERS, Operation.INSERT, null, Row.of(2L, "b")).position();
      awaitAcknowledged(end);
    }
    source.rewindTo(((MemoryPosition) end).offset()); // the source re-sends the last change the lake holds
    try (Running running = new Running()) {
      assertTrue(running.pipeline.resuming());
      source.emit(ORDERS, Operation.INSERT, null, Row.of(9L, "already held, skipped"));
      source.emit(ORDERS, Operation.INSERT, null, Row.of(2L, "b2"));
      awaitAcknowledged(source.progress());
    }
    assertEquals(List.of(Row.of(1L, "a"), Row.of(2L, "b2")), rows(ORDERS));
  }

  /** Runs a pipeline of orders alone: rows 1 (snapshot) and 2 (streamed); returns the position of 2, acknowledged. */
  private SourcePosition mirrorOrdersAlone() throws Exception {
    MemorySource ordersOnly = new MemorySource(List.of(new SourceTable(ORDERS, SCHEMA, 2)));
    try (Running running = new Running(ordersOnly)) {
      ordersOnly.emit(ORDERS, Operation.SNAPSHOT, null, Row.of(1L, "a"));
      awaitAcknowledged(ordersOnly, ordersOnly.progress());
      SourcePosition end = ordersOnly.emit(ORDERS, Operation.INSERT, null, Row.of(2L, "b")).position();
      awaitAcknowledged(ordersOnly, end);
      return end;
    }
  }

  @Test
  void aTableAddedLaterIsCopiedAloneWhileTheOthersStream() throws Exception {
    SourcePosition end = mirrorOrdersAlone();
    int ordersCommits = sink.table(ORDERS).commits().size();

    MemorySource widened = new MemorySource(List.of(new SourceTable(ORDERS, SCHEMA, 2),
        new SourceTable(ITEMS, SCHEMA, 2)), false, true);
    widened.rewindTo(((MemoryPosition) end).offset() + 1);
    try (Running running = new Running(widened)) {
      assertEquals(Set.of(ITEMS), widened.copies());
      assertEquals(Optional.of(end), widened.resumedFrom());
      widened.emit(ITEMS, Operation.SNAPSHOT, null, Row.of(1L, "copied"));
      SourcePosition copyPoint = widened.progress();
      SourcePosition streamed = widened.emit(ITEMS, Operation.UPDATE, null, Row.of(7L, "after the copy point"))
          .position();
      SourcePosition orders = widened.emit(ORDERS, Operation.INSERT, null, Row.of(3L, "c")).position();
      await(() -> rows(ORDERS).size() == 3, "orders streamed during the copy");
      awaitAcknowledged(widened, copyPoint);
      assertTrue(widened.acknowledged().stream().allMatch(p -> p.compareTo(streamed) < 0),
          "nothing at or after the copied table's uncommitted change is acknowledged: " + widened.acknowledged());
      assertTrue(sink.table(ITEMS).lastCommit().isEmpty(), "the copy is not committed before it ends");
      widened.emit(ITEMS, Operation.SNAPSHOT, null, Row.of(2L, "copied"));

      widened.copied(ITEMS, copyPoint);

      awaitAcknowledged(widened, orders);
      assertEquals(List.of(Row.of(1L, "copied"), Row.of(2L, "copied"), Row.of(7L, "after the copy point")),
          rows(ITEMS));
    }
    assertEquals(List.of(Row.of(1L, "a"), Row.of(2L, "b"), Row.of(3L, "c")), rows(ORDERS));
    assertEquals(ordersCommits + 1, sink.table(ORDERS).commits().size(), "orders was not copied again");
    assertTrue(sink.table(ORDERS).snapshots().stream().noneMatch(s -> s.operation().equals("overwrite")));
  }
  @Test
  void aTableAddedLaterIsStartedAloneWhileTheOthersResumeWithoutReapplyingWhatTheyHold() throws Exception {
    SourcePosition end = mirrorOrdersAlone();
    int ordersCommits = sink.table(ORDERS).commits().size();

    MemorySource widened = new MemorySource(List.of(new SourceTable(ORDERS, SCHEMA, 2),
        new SourceTable(ITEMS, SCHEMA, 2)), false, false, true);
    widened.rewindTo(1); // the added table's changes from the start, interleaved with the held table's again
    try (Running running = new Running(widened)) {
      assertTrue(running.pipeline.resuming());
      assertEquals(Set.of(ITEMS), widened.starts());
      assertEquals(Set.of(), widened.copies(), "a source that starts tables alone copies nothing");
      assertEquals(Optional.of(end), widened.resumedFrom());
      assertEquals(List.of(true, false), running.pipeline.tables().stream().map(Pipeline.TableMapping::resumed)
          .toList());
      widened.emit(ITEMS, Operation.INSERT, null, Row.of(1L, "from the start"));
      widened.emit(ORDERS, Operation.INSERT, null, Row.of(2L, "held: not applied again"));
      widened.emit(ITEMS, Operation.INSERT, null, Row.of(2L, "second"));
      SourcePosition last = widened.emit(ORDERS, Operation.INSERT, null, Row.of(3L, "c")).position();
      awaitAcknowledged(widened, last);
    }
    assertEquals(List.of(Row.of(1L, "from the start"), Row.of(2L, "second")), rows(ITEMS));
    assertEquals(List.of(Row.of(1L, "a"), Row.of(2L, "b"), Row.of(3L, "c")), rows(ORDERS));
    assertEquals(ordersCommits + 1, sink.table(ORDERS).commits().size(), "orders took only its new change");
    assertTrue(sink.table(ORDERS).snapshots().stream().noneMatch(s -> s.operation().equals("overwrite")));
  }
}
