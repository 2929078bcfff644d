package io.changelake.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DigestTest {
  private static OrderRow row(long id, int quantity) {
    return new OrderRow(id, 7919 * id % 100000, quantity, new BigDecimal("12.34"), "NEW", "order " + id, id % 3 == 0,
        LocalDate.of(2024, 1, 1).plusDays(id), LocalDateTime.of(2024, 1, 1, 0, 0).plusSeconds(id),
        LocalDateTime.of(2024, 1, 1, 0, 0, 0, 5_000).plusSeconds(id), LocalDateTime.of(2024, 1, 2, 0, 0),
        "c4ca4238-a0b9-3382-8dcc-509a6f75849b", 12.3f, id * 0.001);
  }

  private static String digest(List<OrderRow> rows) {
    Digest digest = new Digest();
    rows.forEach(digest::add);
    return digest.value();
  }

  @Test
  void ignoresOrderButNotValues() {
    assertEquals(digest(List.of(row(1, 5), row(2, 6))), digest(List.of(row(2, 6), row(1, 5))));
    assertNotEquals(digest(List.of(row(1, 5), row(2, 6))), digest(List.of(row(1, 5), row(2, 7))));
    assertNotEquals(row(2, 6).fingerprint(), row(2, 7).fingerprint());
  }

  @Test
  void emptyTableDigestMatchesTheSqlOfAnEmptyTable() {
    assertEquals("0|0|0|0|0|0|0|0|0|0||0|0|0|0|0", new Digest().value());
  }

  @Test
  void readsTheLastBlockOfAReferenceResultsFile() {
    Map<String, String> figures = Reference.parse(List.of("### old", "| SNAPSHOT (launch → digest equal) | 1 s |",
        "### new", "| figure | value |", "| --- | --- |", "| SNAPSHOT (launch → digest equal) | 229.7 s → 4354 rows/s |"));
    assertEquals(Map.of("SNAPSHOT (launch → digest equal)", "229.7 s → 4354 rows/s"), figures);
  }
}
