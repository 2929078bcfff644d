package io.changelake.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DigestTest {
  private static OrderRow row(long id, int quantity) {
    return typedRow(id, quantity, null, null);
  }

  private static OrderRow typedRow(long id, int quantity, String mood, List<Integer> tags) {
    return new OrderRow(id, 7919 * id % 100000, quantity, new BigDecimal("12.34"), "NEW", "order " + id, id % 3 == 0,
        LocalDate.of(2024, 1, 1).plusDays(id), LocalDateTime.of(2024, 1, 1, 0, 0).plusSeconds(id),
        LocalDateTime.of(2024, 1, 1, 0, 0, 0, 5_000).plusSeconds(id), LocalDateTime.of(2024, 1, 2, 0, 0),
        "c4ca4238-a0b9-3382-8dcc-509a6f75849b", 12.3f, id * 0.001, mood, tags);
  }

  private static String digest(List<OrderRow> rows) {
    Digest digest = new Digest(rows.stream().anyMatch(r -> r.mood() != null));
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
    assertEquals("0|0|0|0|0|0|0|0|0|0||0|0|0|0|0", new Digest(false).value());
    assertEquals("0|0|0|0|0|0|0|0|0|0||0|0|0|0|0|0|0|0", new Digest(true).value(), "checksum-typed.sql's 3 fields");
  }

  @Test
  void theTypedVariantCountsEnumLabelsAndArrayElements() {
    List<Integer> tags = java.util.Arrays.asList(3, null, 4);
    String both = digest(List.of(typedRow(1, 5, "calm", tags), typedRow(2, 6, "eager", List.of())));
    assertEquals(both, digest(List.of(typedRow(2, 6, "eager", List.of()), typedRow(1, 5, "calm", tags))));
    assertTrue(both.endsWith("|7|3"), both);
    assertNotEquals(both, digest(List.of(typedRow(1, 5, "grumpy", tags), typedRow(2, 6, "eager", List.of()))));
    assertNotEquals(both, digest(List.of(typedRow(1, 5, "calm", List.of(3, 4)), typedRow(2, 6, "eager", List.of()))),
        "a NULL element counts");
    assertNotEquals(typedRow(1, 5, "calm", tags).fingerprint(), typedRow(1, 5, "calm", List.of(3, 4)).fingerprint());
  }

  @Test
  void readsTheLastBlockOfAReferenceResultsFile() {
    Map<String, String> figures = Reference.parse(List.of("### old", "| SNAPSHOT (launch → digest equal) | 1 s |",
        "### new", "| figure | value |", "| --- | --- |", "| SNAPSHOT (launch → digest equal) | 229.7 s → 4354 rows/s |"));
    assertEquals(Map.of("SNAPSHOT (launch → digest equal)", "229.7 s → 4354 rows/s"), figures);
  }
}
