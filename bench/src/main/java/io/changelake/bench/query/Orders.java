package io.changelake.bench.query;

import io.changelake.api.model.Column;
import io.changelake.api.model.DataType;
import io.changelake.api.model.Row;
import io.changelake.api.model.TableId;
import io.changelake.api.model.TableSchema;
import io.changelake.api.spi.CommitKind;
import io.changelake.api.spi.CommitMetadata;
import io.changelake.api.spi.SinkTable;
import io.changelake.api.spi.TableSink;
import io.changelake.api.spi.TableWriter;
import io.changelake.api.spi.WriteMode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.HexFormat;
import java.util.List;

/**
 * The sync bench's {@code orders} table ({@code schema.sql}), its rows computed here with the formulas of
 * {@code load.sql}, written straight through a sink in commits of {@link #CHUNK} rows, as a sync's chunked snapshot
 * commits them.
 */
public final class Orders {
  static final TableId ID = new TableId("bench", "orders");
  static final int CHUNK = 250_000;
  public static final TableSchema SCHEMA = new TableSchema(List.of(
      Column.of("id", DataType.LONG, false), Column.of("customer_id", DataType.LONG, true),
      Column.of("quantity", DataType.INT, true), Column.of("price", DataType.decimal(12, 2), true),
      Column.of("status", DataType.STRING, true), Column.of("note", DataType.STRING, true),
      Column.of("is_paid", DataType.BOOLEAN, true), Column.of("order_date", DataType.DATE, true),
      Column.of("created_at", DataType.TIMESTAMP, true), Column.of("updated_at", DataType.TIMESTAMP, true),
      Column.of("shipped_at", DataType.TIMESTAMP, true), Column.of("tracking", DataType.STRING, true),
      Column.of("weight", DataType.FLOAT, true), Column.of("score", DataType.DOUBLE, true)), List.of("id"));
  private static final String[] STATUS = {"NEW", "PAID", "SHIPPED", "DELIVERED", "CANCELLED"};
  private static final String FILL = "lorem ipsum dolor sit amet ";
  private static final LocalDateTime START = LocalDateTime.of(2024, 1, 1, 0, 0);

  private Orders() { }

  /** Writes rows 1..{@code rows} into a new {@code bench.orders} of {@code sink}, unless it exists. */
  static boolean write(TableSink sink, long rows) {
    if (sink.find(ID).isPresent()) {
      return false;
    }
    SinkTable table = sink.open(ID, SCHEMA, WriteMode.UPSERT);
    MessageDigest md5 = md5();
    for (long first = 1; first <= rows; first += CHUNK) {
      try (TableWriter writer = table.newWriter()) {
        for (long g = first; g < first + CHUNK && g <= rows; g++) {
          writer.insert(row(g, md5));
        }
        writer.commit(new CommitMetadata("bench-" + first, first + CHUNK > rows, "query-bench", CommitKind.SNAPSHOT,
            null));
      }
    }
    return true;
  }

  /** Row {@code g} of {@code load.sql}. */
  public static Row row(long g, MessageDigest md5) {
    StringBuilder note = new StringBuilder("order ").append(g).append(' ');
    while (note.length() < 100) {
      note.append(FILL, 0, Math.min(FILL.length(), 100 - note.length()));
    }
    String hex = HexFormat.of().formatHex(md5.digest(Long.toString(g).getBytes(StandardCharsets.UTF_8)));
    String tracking = hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
        + hex.substring(16, 20) + "-" + hex.substring(20);
    LocalDateTime created = START.plusSeconds(g);
    return Row.of(g, g * 7919 % 100_000, (int) (1 + g % 100), BigDecimal.valueOf(g * 37 % 1_000_000, 2),
        STATUS[(int) (g % 5)], note.toString(), g % 3 == 0, LocalDate.of(2024, 1, 1).plusDays(g % 365), created,
        created.plusNanos(g % 1_000_000 * 1000), created.plusDays(1), tracking,
        BigDecimal.valueOf(g % 1000, 1).floatValue(), BigDecimal.valueOf(g, 3).doubleValue());
  }

  public static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
