package io.changelake.engine.transform;

import static io.changelake.engine.transform.Fixtures.PAIMON;
import static io.changelake.engine.transform.Fixtures.ROW;
import static io.changelake.engine.transform.Fixtures.eval;
import static io.changelake.engine.transform.Fixtures.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The functions Paimon documents for computed columns, and CAST. */
class FunctionTest {

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiter = '|', value = {
      "year(created) | 2024", "month(created) | 3", "day(created) | 15", "hour(created) | 0",
      "year(ts) | 2024", "month(ts) | 3", "day(ts) | 15", "hour(ts) | 13", "minute(ts) | 45", "second(ts) | 30",
      "day(tstz) | 15", "hour(tstz) | 23", "minute(tstz) | 30", "YEAR(ts) | 2024"})
  void dateParts(String expression, int expected) {
    assertEquals(expected, eval(expression));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiter = '|', value = {
      "date_format(created, 'yyyy-MM-dd') | 2024-03-15", "date_format(ts, 'yyyy-MM-dd HH:mm:ss.SSSSSS') | 2024-03-15 13:45:30.123456",
      "date_format(tstz, 'yyyyMMdd-HH') | 20240315-23"})
  void dateFormat(String expression, String expected) {
    assertEquals(expected, eval(expression));
  }

  @Test
  void dateFormatTakesAConstantPatternExpression() {
    assertEquals("2024-03", eval("date_format(ts, 'yyyy' || '-MM')"));
  }

  @ParameterizedTest(name = "{0} = ''{1}''")
  @CsvSource(delimiter = '|', value = {
      "substring(name, 2, 3) | idg", "substring(name, 3) | dget", "substring(name, 1, 100) | Widget",
      "substring(name, 0, 2) | W", "substring(name, -5, 7) | W", "substring(name, 7) | ''", "substring(name, 3, 0) | ''",
      "upper(name) | WIDGET", "lower(name) | widget"})
  void strings(String expression, String expected) {
    assertEquals(expected, eval(expression));
  }

  @Test
  void substringCountsCharactersNotUtf16Units() {
    assertEquals("\uD83D\uDE00b", eval("substring(name, 2)", with("name", "a\uD83D\uDE00b")));
    assertEquals("a\uD83D\uDE00", eval("truncate(name, 2)", with("name", "a\uD83D\uDE00b")));
  }

  @Test
  void substringRejectsANegativeLength() {
    assertThrows(ComputedColumnException.class, () -> eval("substring(name, 1, -1)"));
  }

  @ParameterizedTest(name = "{0} = ''{1}''")
  @CsvSource(delimiter = '|', value = {
      "substring(name, 0) | Widget", "substring(name, 2) | dget", "substring(name, 6) | ''",
      "substring(name, 0, 3) | Wid", "substring(name, 2, 4) | dg", "substring(name, 5, 6) | t",
      "substring(name, 0, 6) | Widget", "SUBSTRING(name, qty - 2, qty) | id", "truncate(name, 3) | Wid"})
  void paimonSubstringTakesAZeroBasedBeginAndAnExclusiveEnd(String expression, String expected) {
    assertEquals(expected, eval(PAIMON, expression, ROW));
  }

  @Test
  void substringFollowsTheDialect() {
    assertEquals("Wid", eval("substring(name, 1, 3)"));
    assertEquals("id", eval(PAIMON, "substring(name, 1, 3)", ROW));
  }

  @ParameterizedTest
  @ValueSource(strings = {"substring(name, 7)", "substring(name, 0, 7)", "substring(name, 5, 100)"})
  void paimonSubstringBeyondTheStringFailsTheRowAsPaimonFails(String expression) {
    ComputedColumnException e = assertThrows(ComputedColumnException.class, () -> eval(PAIMON, expression, ROW));
    assertTrue(e.getMessage().endsWith("are out of range for 'Widget', which has 6 characters"), e.getMessage());
  }

  @Test
  void paimonSubstringOutOfRangeSaysWhere() {
    assertEquals("Computed column c = substring(name, 0, 7) failed: substring's indexes (begin 0, end 7) are out of"
        + " range for 'Widget', which has 6 characters",
        assertThrows(ComputedColumnException.class, () -> eval(PAIMON, "substring(name, 0, 7)", ROW)).getMessage());
  }

  @Test
  void paimonSubstringChecksIndexesComputedPerRow() {
    assertTrue(assertThrows(ComputedColumnException.class, () -> eval(PAIMON, "substring(name, qty - 4)", ROW))
        .getMessage().endsWith("substring's begin index must be 0 or more (it is 0-based), got -1"));
    assertTrue(assertThrows(ComputedColumnException.class, () -> eval(PAIMON, "substring(name, qty, qty)", ROW))
        .getMessage().endsWith("must be larger than its begin index (it is exclusive), got begin 3 and end 3"));
  }

  @Test
  void paimonSubstringCountsCharactersNotUtf16Units() {
    var row = with("name", "a\uD83D\uDE00b");
    assertEquals("\uD83D\uDE00", eval(PAIMON, "substring(name, 1, 2)", row));
    assertEquals("b", eval(PAIMON, "substring(name, 2)", row));
    assertEquals("a\uD83D\uDE00b", eval(PAIMON, "substring(name, 0, 3)", row));
    assertThrows(ComputedColumnException.class, () -> eval(PAIMON, "substring(name, 0, 4)", row));
  }

  @Test
  void paimonSubstringOfNullIsNull() {
    assertNull(eval(PAIMON, "substring(name, 1)", with("name", null)));
    assertNull(eval(PAIMON, "substring(name, 0, qty)", with("qty", null)));
    assertNull(eval(PAIMON, "substring(name, NULL, 2)", ROW));
  }

  @ParameterizedTest(name = "truncate({0}, {1}) = {2}")
  @CsvSource({"3, 2, 2", "10, 10, 10", "-1, 10, -10", "-10, 10, -10", "-11, 10, -20", "0, 7, 0", "19, 5, 15"})
  void truncateIntegersFloorsToTheWidth(int value, int width, int expected) {
    assertEquals(expected, eval("truncate(qty, " + width + ")", with("qty", value)));
    assertEquals((long) expected, eval("truncate(big, " + width + ")", with("big", (long) value)));
  }

  @ParameterizedTest(name = "truncate({0}, {1}) = {2}")
  @CsvSource({"10.65, 50, 10.50", "10.65, 1, 10.65", "-0.05, 50, -0.50", "19.99, 100, 19.00"})
  void truncateDecimalsWorksOnTheUnscaledValue(String value, int width, String expected) {
    assertEquals(new BigDecimal(expected), eval("truncate(price, " + width + ")", with("price", new BigDecimal(value))));
  }

  @Test
  void truncateStringsKeepsAPrefix() {
    assertEquals("Wid", eval("truncate(name, 3)"));
    assertEquals("Widget", eval("truncate(name, 30)"));
  }

  @Test
  void truncateOverflowFailsTheRow() {
    assertThrows(ComputedColumnException.class, () -> eval("truncate(qty, 3)", with("qty", Integer.MIN_VALUE)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"year(ts)", "date_format(ts, 'yyyy')", "substring(name, 1, 2)", "substring(name, qty)",
      "truncate(qty, 2)", "truncate(name, 2)", "upper(name)", "lower(name)", "cast(name AS int)"})
  void functionsOfNullAreNull(String expression) {
    var row = with(with(with(with("ts", null), "name", null), "qty", null), "price", null);
    assertNull(eval(expression, row));
  }

  @Test
  void functionsTakeNullLiterals() {
    assertNull(eval("year(NULL)"));
    assertNull(eval("upper(NULL)"));
    assertNull(eval("substring(name, NULL)"));
  }
}
