package io.changelake.bench;

import io.changelake.bench.query.Orders;
import io.changelake.testkit.DebeziumPostgresEvents;
import java.security.MessageDigest;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;

/**
 * The {@code orders} workload as the change events Debezium's PostgreSQL connector emits for it
 * ({@code decimal.handling.mode=precise}, {@code time.precision.mode=adaptive}, {@code tombstones.on.delete=false}),
 * in Kafka Connect data: ROWS snapshot reads ({@code op=r}, the rows of {@code load.sql}), then CHANGES changes in
 * the anchors' mix, 5 updates, 3 inserts and 2 deletes in every 10. Each change touches its own id (updates from
 * id 1 up, deletes after them, inserts after ROWS), so the table they leave is known row by row.
 */
final class KafkaOrders {
  static final String SERVER = "bench";
  static final Schema KEY = SchemaBuilder.struct().name(SERVER + ".public.orders.Key")
      .field("id", Schema.INT64_SCHEMA).build();
  private static final Schema MICRO_TIMESTAMP = SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp")
      .version(1).optional().build();
  private static final Schema DATE = SchemaBuilder.int32().name("io.debezium.time.Date").version(1).optional()
      .build();
  private static final Schema ROW = SchemaBuilder.struct().name(SERVER + ".public.orders.Value").optional()
      .field("id", Schema.INT64_SCHEMA)
      .field("customer_id", Schema.OPTIONAL_INT64_SCHEMA)
      .field("quantity", Schema.OPTIONAL_INT32_SCHEMA)
      .field("price", Decimal.builder(2).parameter("connect.decimal.precision", "12").optional().build())
      .field("status", Schema.OPTIONAL_STRING_SCHEMA)
      .field("note", Schema.OPTIONAL_STRING_SCHEMA)
      .field("is_paid", Schema.OPTIONAL_BOOLEAN_SCHEMA)
      .field("order_date", DATE)
      .field("created_at", MICRO_TIMESTAMP)
      .field("updated_at", MICRO_TIMESTAMP)
      .field("shipped_at", MICRO_TIMESTAMP)
      .field("tracking", Schema.OPTIONAL_STRING_SCHEMA)
      .field("weight", Schema.OPTIONAL_FLOAT32_SCHEMA)
      .field("score", Schema.OPTIONAL_FLOAT64_SCHEMA)
      .build();
  static final Schema ENVELOPE = DebeziumPostgresEvents.envelope(SERVER + ".public.orders.Envelope", ROW);
  private static final long TS_MS = 1_733_400_000_000L;

  /** One change event: its key and value. */
  record Event(long id, Struct key, Struct value) { }

  private final long rows;
  private final int changes;
  private final long updates;
  private final long deletes;
  private final long inserts;

  /** @throws IllegalArgumentException when the changes' updates and deletes need more rows than there are */
  KafkaOrders(long rows, int changes) {
    this.rows = rows;
    this.changes = changes;
    this.updates = count(changes, 0, 5);
    this.inserts = count(changes, 5, 8);
    this.deletes = count(changes, 8, 10);
    if (updates + deletes > rows) {
      throw new IllegalArgumentException("--changes " + changes + " updates and deletes " + (updates + deletes)
          + " distinct rows but there are only " + rows + ": use --changes at most 1.4 x --rows");
    }
  }

  /** How many of the first {@code n} changes have {@code k % 10} in [from, to). */
  private static long count(long n, int from, int to) {
    return n / 10 * (to - from) + Math.max(0, Math.min(n % 10, to) - from);
  }

  /** Every event, in the order a connector emits them. */
  long events() {
    return rows + changes;
  }

  /** How many of the changes are updates. */
  long updates() {
    return updates;
  }

  /** How many of the changes are deletes. */
  long deletes() {
    return deletes;
  }

  /** Emits the snapshot reads, then the changes. */
  void emit(Consumer<Event> out) {
    MessageDigest md5 = Orders.md5();
    LongFunction<OrderRow> loaded = id -> OrderRow.fromLake(Orders.SCHEMA).apply(Orders.row(id, md5));
    for (long id = 1; id <= rows; id++) {
      out.accept(event("r", id, null, loaded.apply(id)));
    }
    long updated = 0;
    long inserted = 0;
    long deleted = 0;
    for (int k = 0; k < changes; k++) {
      int kind = k % 10;
      if (kind < 5) {
        long id = ++updated;
        out.accept(event("u", id, loaded.apply(id), updatedRow(loaded.apply(id))));
      } else if (kind < 8) {
        long id = rows + ++inserted;
        out.accept(event("c", id, null, loaded.apply(id)));
      } else {
        long id = updates + ++deleted;
        out.accept(event("d", id, loaded.apply(id), null));
      }
    }
  }

  /** Every row the table holds after all events, in id order. */
  void expected(Consumer<OrderRow> out) {
    MessageDigest md5 = Orders.md5();
    for (long id = 1; id <= rows + inserts; id++) {
      if (id > updates && id <= updates + deletes) {
        continue;
      }
      OrderRow row = OrderRow.fromLake(Orders.SCHEMA).apply(Orders.row(id, md5));
      out.accept(id <= updates ? updatedRow(row) : row);
    }
  }

  /**
   * The largest id after every event: the last insert's (or, without inserts, the last snapshot read's), emitted
   * among the last events, so a lake holding it has (nearly) caught up.
   */
  long lastInsertedId() {
    return rows + inserts;
  }

  /** What an update does to a row: one more item, paid, updated a day later. */
  private static OrderRow updatedRow(OrderRow r) {
    return new OrderRow(r.id(), r.customerId(), r.quantity() + 1, r.price(), "PAID", r.note(), true, r.orderDate(),
        r.createdAt(), r.updatedAt().plusDays(1), r.shippedAt(), r.tracking(), r.weight(), r.score(), null, null);
  }

  private static Event event(String op, long id, OrderRow before, OrderRow after) {
    Struct source = DebeziumPostgresEvents.source(SERVER, "bench", "public", "orders", TS_MS + id, op.equals("r"),
        id);
    Struct value = new Struct(ENVELOPE).put("before", struct(before)).put("after", struct(after))
        .put("source", source).put("op", op).put("ts_ms", TS_MS + id);
    return new Event(id, new Struct(KEY).put("id", id), value);
  }

  private static Struct struct(OrderRow r) {
    if (r == null) {
      return null;
    }
    return new Struct(ROW).put("id", r.id()).put("customer_id", r.customerId()).put("quantity", r.quantity())
        .put("price", r.price()).put("status", r.status()).put("note", r.note()).put("is_paid", r.paid())
        .put("order_date", (int) r.orderDate().toEpochDay()).put("created_at", micros(r.createdAt()))
        .put("updated_at", micros(r.updatedAt())).put("shipped_at", micros(r.shippedAt()))
        .put("tracking", r.tracking()).put("weight", r.weight()).put("score", r.score());
  }

  private static long micros(LocalDateTime time) {
    return time.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + time.getNano() / 1_000;
  }
}
