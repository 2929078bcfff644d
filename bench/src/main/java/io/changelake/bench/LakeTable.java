package io.changelake.bench;

import io.changelake.api.model.Row;
import io.changelake.api.model.RowKey;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.RowScan;
import io.changelake.api.spi.SinkProvider;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableSink;
import io.changelake.api.spi.TableSnapshot;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The mirrored table as a reader sees it, through the format's own reader (changelake's
 * {@link SinkProvider} for {@code format}: Iceberg, Paimon or Delta). Every call opens the table's
 * latest version afresh, as a new reader would.
 */
final class LakeTable implements AutoCloseable {
  static final TableId ID = new TableId("lakehouse", "orders");

  private final String format;
  private final Path warehouse;
  private final TableSink sink;

  LakeTable(String format, Path warehouse) {
    this.format = format;
    this.warehouse = warehouse;
    this.sink = provider(format).open(warehouse.toString(), Map.of(), Map.of());
  }

  static SinkProvider provider(String format) {
    return ServiceLoader.load(SinkProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.format().equalsIgnoreCase(format)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("No reader for format '" + format + "' on the classpath"));
  }

  String format() {
    return format;
  }

  Path warehouse() {
    return warehouse;
  }

  Optional<SinkTable> open() {
    return sink.find(ID);
  }

  /** What the latest pipeline commit recorded, or empty before the first one. */
  Optional<CommitMetadata> lastCommit() {
    return open().flatMap(SinkTable::lastCommit);
  }

  /** Whether a row with this id is visible. */
  boolean contains(long id) {
    return open().map(t -> !t.lookup(List.of(new RowKey(List.of(id)))).isEmpty()).orElse(false);
  }

  List<TableSnapshot> snapshots() {
    return open().map(SinkTable::snapshots).orElse(List.of());
  }

  /** Reads every row of the latest version; returns how many. */
  long scan(Consumer<OrderRow> each) {
    return scan(schema -> each);
  }

  /** Reads every row of the latest version into the consumer made for its schema; returns how many. */
  private long scan(Function<TableSchema, Consumer<OrderRow>> consumer) {
    SinkTable table = open().orElseThrow(() -> new IllegalStateException("No table " + ID + " in " + warehouse));
    try (RowScan scan = table.scan(null)) {
      Function<Row, OrderRow> convert = OrderRow.fromLake(scan.schema());
      Consumer<OrderRow> each = consumer.apply(scan.schema());
      long rows = 0;
      for (Row row : scan) {
        each.accept(convert.apply(row));
        rows++;
      }
      return rows;
    }
  }

  /** The digest of the latest version (see {@link Digest}). */
  String digest() {
    Digest[] digest = new Digest[1];
    scan(schema -> (digest[0] = new Digest(OrderRow.typed(schema)))::add);
    return digest[0].value();
  }

  @Override
  public void close() {
    sink.close();
  }
}
