package io.changelake.engine.transform;

import static io.changelake.engine.transform.Fixtures.eval;
import static io.changelake.engine.transform.Fixtures.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.model.Row;
import java.math.BigDecimal;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Arithmetic, comparison, logic, CASE, concatenation and literals, over {@link Fixtures#ROW}. */
class OperatorTest {

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiter = '|', value = {
      "qty + 2 | 5", "qty - 5 | -2", "qty * 4 | 12", "qty / 2 | 1", "-7 / 2 | -3", "7 / -2 | -3",
      "-7 % 3 | -1", "7 % -3 | 1", "-qty | -3", "+qty | 3", "(qty + 1) * 2 | 8", "qty + 1 * 2 | 5"})
  void integerArithmeticIsSqlIntegerArithmetic(String expression, int expected) {
    assertEquals(expected, eval(expression));
  }

  @Test
  void integerAndLongGiveLong() {
    assertEquals(30L, eval("qty * big"));
  }

  @Test
  void decimalArithmeticKeepsTheResultScale() {
    assertEquals(new BigDecimal("22.99"), eval("price + qty"));
    assertEquals(new BigDecimal("16.99"), eval("price - 3"));
    assertEquals(new BigDecimal("39.98"), eval("price * 2"));
    assertEquals(new BigDecimal("6.6633333333333"), eval("price / 3"));
    assertEquals(new BigDecimal("1.99"), eval("price % 3"));
    assertEquals(new BigDecimal("-19.99"), eval("-price"));
    assertEquals(new BigDecimal("0.25"), eval("0.1 + 0.15"));
  }

  @Test
  void doublesWinOverExactNumbers() {
    assertEquals(1.0, eval("ratio * 2"));
    assertEquals(20.49, (Double) eval("ratio + price"), 1e-9);
    assertEquals(2000.0, eval("1e3 * 2"));
  }

  @Test
  void nullOperandsGiveNull() {
    assertNull(eval("qty + NULL"));
    assertNull(eval("qty * big", with("big", null)));
    assertNull(eval("-qty", with("qty", null)));
  }

  @Test
  void dataErrorsFailTheRowWithTheColumnNamed() {
    ComputedColumnException zero = assertThrows(ComputedColumnException.class, () -> eval("qty / (qty - 3)"));
    assertEquals("Computed column c = qty / (qty - 3) failed: division by zero", zero.getMessage());
    assertThrows(ComputedColumnException.class, () -> eval("qty % 0"));
    assertThrows(ComputedColumnException.class, () -> eval("price / 0"));
    assertThrows(ComputedColumnException.class, () -> eval("ratio / 0"));
    assertTrue(assertThrows(ComputedColumnException.class, () -> eval("2147483647 + qty")).getMessage()
        .endsWith("integer overflow"));
    assertThrows(ComputedColumnException.class, () -> eval("-2147483647 - 1 / -1 - qty"));
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource(delimiter = '|', value = {
      "qty = 3 | true", "qty <> 3 | false", "qty != 4 | true", "qty < 3 | false", "qty <= 3 | true",
      "qty > 2 | true", "qty >= 4 | false", "price = 19.990 | true", "price > qty | true", "big > qty | true",
      "ratio = 0.5 | true", "ratio < qty | true", "name = 'Widget' | true", "name < 'Apple' | false",
      "created = '2024-03-15' | true", "'2024-03-16' > created | true", "ts > '2024-03-15 13:00:00' | true",
      "flag = TRUE | true", "-0.0e0 = 0.0e0 | true"})
  void comparisons(String expression, boolean expected) {
    assertEquals(expected, eval(expression));
  }

  @Test
  void comparingWithNullGivesNull() {
    assertNull(eval("qty = NULL"));
    assertNull(eval("qty > 1", with("qty", null)));
  }

  @ParameterizedTest(name = "{0} with flag={1} is {2}")
  @CsvSource(delimiter = '|', nullValues = "null", value = {
      "flag AND NULL | true | null", "flag AND NULL | false | false", "flag AND NULL | null | null",
      "flag OR NULL | true | true", "flag OR NULL | false | null", "NULL OR flag | null | null",
      "flag AND qty > 1 | true | true", "NOT flag | true | false", "NOT flag | null | null",
      "NOT (qty > 5) OR flag | false | true"})
  void threeValuedLogic(String expression, Boolean flag, Boolean expected) {
    assertEquals(expected, eval(expression, with("flag", flag)));
  }

  @Test
  void isNullIsNeverNull() {
    assertEquals(true, eval("name IS NULL", with("name", null)));
    assertEquals(false, eval("name IS NULL"));
    assertEquals(true, eval("name IS NOT NULL"));
    assertEquals(false, eval("qty + NULL IS NOT NULL"));
  }

  @Test
  void simpleCaseComparesTheSubject() {
    String expression = "CASE qty WHEN 3 THEN 'three' WHEN 4 THEN 'four' END";
    assertEquals("three", eval(expression));
    assertEquals("four", eval(expression, with("qty", 4)));
    assertNull(eval(expression, with("qty", 5)), "no ELSE gives NULL");
    assertNull(eval(expression, with("qty", null)), "NULL matches no WHEN");
  }

  @Test
  void caseResultsArePromotedToOneType() {
    assertEquals(new BigDecimal("1.0"), eval("CASE WHEN flag THEN 1 ELSE 2.5 END"));
    assertEquals(new BigDecimal("2.5"), eval("CASE WHEN flag THEN 1 ELSE 2.5 END", with("flag", false)));
    assertEquals(3L, eval("CASE WHEN flag THEN qty ELSE big END"));
    assertNull(eval("CASE WHEN flag THEN NULL ELSE qty END"));
  }

  @Test
  void concatenationCastsToText() {
    assertEquals("Widget-3", eval("name || '-' || qty"));
    assertEquals("on 2024-03-15", eval("'on ' || created"));
    assertNull(eval("name || NULL"));
  }

  @Test
  void literals() {
    assertEquals("it's", eval("'it''s'"));
    assertEquals(12345678901L, eval("12345678901"));
    assertEquals(new BigDecimal("1.50"), eval("1.50"));
    assertEquals(1000.0, eval("1e3"));
    assertEquals(true, eval("TRUE"));
    assertEquals(false, eval("false"));
    assertEquals(new BigDecimal("123456789012345678901234567890"), eval("123456789012345678901234567890"));
  }

  @Test
  void columnNamesFoldCaseUnlessQuoted() {
    assertEquals(new BigDecimal("19.99"), eval("PRICE"));
    assertEquals("X", eval("label"), "a unique case-insensitive match");
    assertEquals("X", eval("\"Label\""));
  }

  @Test
  void unavailableInputsGiveUnavailable() {
    Row toasted = with("name", Row.UNAVAILABLE);
    assertEquals(Row.UNAVAILABLE, eval("upper(name)", toasted));
    assertEquals(Row.UNAVAILABLE, eval("CASE WHEN flag THEN 'x' ELSE name END", toasted),
        "even when the branch that reads it is not taken");
    assertEquals(4, eval("qty + 1", toasted));
  }

  @Test
  void expressionsMayReadEveryColumnType() {
    assertEquals(true, eval("tags IS NOT NULL"));
    assertEquals(LocalDate.of(2024, 3, 15), eval("created"));
  }
}
