package io.changelake.source.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The conditions of key ranges: the row comparison spelt out column by column, for the range optimizer. */
class KeyRangeTest {

  @Test
  void aSingleColumnRangeIsTwoComparisons() {
    KeyRange range = new KeyRange(List.of("id"), List.of(new BigDecimal(10)), List.of(new BigDecimal(20)));
    assertEquals(" WHERE `id` >= ? AND `id` < ?", range.where());
    assertEquals("[10, 20)", range.describe());
  }

  @Test
  void aCompositeKeyComparesLexicographicallyLedByItsFirstColumn() {
    KeyRange range = new KeyRange(List.of("a", "b", "c"), List.of("x", 1.5, new byte[] {1}), null);
    assertEquals(" WHERE `a` >= ? AND (`a` > ? OR (`a` = ? AND (`b` > ? OR (`b` = ? AND `c` >= ?))))", range.where());
    assertEquals("[('x', 1.5, x'01'), end)", range.describe());
    KeyRange below = new KeyRange(List.of("a", "b"), null, List.of("x", "y"));
    assertEquals(" WHERE `a` <= ? AND (`a` < ? OR (`a` = ? AND `b` < ?))", below.where());
  }

  @Test
  void theWholeTableHasNoCondition() {
    assertEquals("", KeyRange.ALL.where());
    assertEquals("all rows", KeyRange.ALL.describe());
  }
}
